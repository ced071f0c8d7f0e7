import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { ConfigError } from '../errors.js';
import { toolPath } from '../paths.js';
import { didYouMean } from './did-you-mean.js';
import { DEPRECATED_RUNTIMES } from './runtimes.js';

type SchemaName = 'lambda-sync' | 'lambda';

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true });
const compiled = new Map<SchemaName, ValidateFunction>();

export function loadConfigSchema(name: SchemaName): Record<string, unknown> {
  return JSON.parse(readFileSync(toolPath('schema', `${name}.schema.json`), 'utf8')) as Record<string, unknown>;
}

function validator(name: SchemaName): ValidateFunction {
  let fn = compiled.get(name);
  if (!fn) {
    fn = ajv.compile(loadConfigSchema(name));
    compiled.set(name, fn);
  }
  return fn;
}

/**
 * Validates a parsed config object against one of the shipped schemas and
 * returns one ConfigError per problem, each naming the file and the field
 * (`fieldPrefix` is `lambda` for the "lambda" object of a package.json).
 */
export function validateConfig(name: SchemaName, value: unknown, file: string, fieldPrefix = ''): ConfigError[] {
  const errors: ConfigError[] = [];
  const at = (path: string): string => [fieldPrefix, path].filter(Boolean).join('.');

  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const description = (value as Record<string, unknown>).description;
    if (description !== undefined) {
      errors.push(new ConfigError(file, at('description'), 'cannot be set: lambda-sync writes the Description (<repository id>/<path>@<revision>) to know what is deployed', 'remove the key'));
    }
  }
  const fn = validator(name);
  if (!fn(value)) {
    for (const error of fn.errors ?? []) {
      // A key's own check (propertyNames) is reported once, by the propertyNames error that names the key.
      if ((error as ErrorObject & { propertyName?: string }).propertyName !== undefined) continue;
      const described = describe(error);
      if (described.field === 'description' || described.field.endsWith('.description')) continue;
      errors.push(new ConfigError(file, at(described.field), described.reason));
    }
  }
  return dedupe(errors);
}

function dedupe(errors: ConfigError[]): ConfigError[] {
  const seen = new Set<string>();
  return errors.filter((e) => (seen.has(e.message) ? false : (seen.add(e.message), true)));
}

function fieldOf(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`))
    .join('')
    .replace(/\.\[/g, '[');
}

function describe(error: ErrorObject): { field: string; reason: string } {
  const field = fieldOf(error.instancePath);
  const join = (extra: string): string => (field ? `${field}.${extra}` : extra);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {}).filter((k) => k !== '$schema');
      const meant = didYouMean(key, allowed);
      return { field: join(key), reason: `unknown key${meant === undefined ? '' : `; did you mean ${meant}?`} (allowed: ${allowed.join(', ')})` };
    }
    case 'propertyNames': {
      const name = String(params.propertyName);
      if (field === 'functions' || field.endsWith('.functions')) {
        return { field: join(name), reason: `${JSON.stringify(name)} is not a function key (letters, digits, - and _, 1-40 characters)` };
      }
      const reason = /^AWS_/.test(name) || name === 'LAMBDA_TASK_ROOT' || name === 'LAMBDA_RUNTIME_DIR'
        ? `${JSON.stringify(name)} is reserved by Lambda and cannot be set`
        : `${JSON.stringify(name)} is not a valid variable name (a letter, then letters, digits or _, at least 2 characters)`;
      return { field: join(name), reason };
    }
    case 'enum': {
      const value = error.data;
      const allowed = (params.allowedValues as unknown[]).map(String);
      if (typeof value === 'string' && field.endsWith('runtime') && DEPRECATED_RUNTIMES[value]) {
        return { field, reason: `${value} is deprecated by Lambda and can no longer be deployed; use ${DEPRECATED_RUNTIMES[value]} (allowed: ${allowed.join(', ')})` };
      }
      return { field, reason: `${JSON.stringify(value)} is not allowed (allowed: ${allowed.join(', ')})` };
    }
    case 'pattern':
      return { field, reason: `${JSON.stringify(error.data)} ${patternReason(field)}` };
    case 'type':
      return { field, reason: `must be ${String(params.type)}, got ${describeValue(error.data)}` };
    case 'minimum':
    case 'maximum':
      return { field, reason: `${JSON.stringify(error.data)} is out of range (${rangeOf(error.parentSchema)})` };
    default:
      return { field, reason: error.message ?? 'is invalid' };
  }
}

function rangeOf(schema: unknown): string {
  const s = schema as { minimum?: number; maximum?: number } | undefined;
  return `${s?.minimum ?? '-inf'}-${s?.maximum ?? 'inf'}`;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

function patternReason(field: string): string {
  const last = (field.split('.').pop() ?? field).replace(/\[\d+\]$/, '');
  switch (last) {
    case 'handler':
      return 'is not a handler of the form file.export (e.g. main.handler)';
    case 'role':
    case 'deployRoleArn':
      return 'is not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)';
    case 'namePrefix':
      return 'may only hold letters, digits, - and _';
    case 'name':
      return 'may only hold letters, digits, - and _ (1 to 47 of them)';
    case 'alias':
      return 'is not a Lambda alias name (letters, digits, - and _, not all digits, at most 128)';
    case 'allowScripts':
      return 'is not an npm package name (name or @scope/name)';
    case 'region':
      return 'is not an AWS region (e.g. us-east-1)';
    case 'taskQueueId':
      return 'is not a task queue id (<provisionerId>/<workerType>)';
    default:
      return 'has the wrong format';
  }
}
