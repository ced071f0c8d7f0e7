// What Lambda checks before it touches a function. Two layers, as in the
// real service: the Smithy model's constraints (length, pattern, range, enum)
// come back as one ValidationException listing every violation; the
// service's own rules (quotas tighter than the model, reserved environment
// keys, blocked runtimes, Runtime+Handler for zips) come back as
// InvalidParameterValueException.
import { LambdaError, Problems, invalidParameter } from './errors.js';
import { RUNTIMES, blockedRuntimeMessage } from './runtimes.js';

export type Json = Record<string, unknown>;

const badContent = (detail: string) =>
  new LambdaError(400, 'InvalidRequestContentException', `Could not parse request body into json: ${detail}`);

export function asObject(v: unknown, what = 'request body'): Json {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw badContent(`${what} must be an object`);
  return v as Json;
}
export function optString(o: Json, k: string): string | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw badContent(`${k} must be a string`);
  return v;
}
export function optInt(o: Json, k: string): number | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw badContent(`${k} must be an integer`);
  return v;
}
export function optBool(o: Json, k: string): boolean | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw badContent(`${k} must be a boolean`);
  return v;
}
export function optStringMap(o: Json, k: string): Record<string, string> | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  const m = asObject(v, k);
  for (const [key, val] of Object.entries(m)) if (typeof val !== 'string') throw badContent(`${k}.${key} must be a string`);
  return m as Record<string, string>;
}
export function optStringList(o: Json, k: string): string[] | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw badContent(`${k} must be a list of strings`);
  return v as string[];
}

// ---- function names -------------------------------------------------------

const FN_ARN_PARTS = String.raw`(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?`;
export const FUNCTION_NAME_PATTERN = new RegExp(FN_ARN_PARTS + String.raw`([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?`);
const NAMESPACED_PATTERN = new RegExp(FN_ARN_PARTS + String.raw`([a-zA-Z0-9-_\.]+)(:(\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_]+))?`);

export interface FunctionRef { name: string; qualifier?: string }

/**
 * Accepts a bare name, a partial ARN (`123456789012:function:x`) or a full
 * ARN, optionally qualified, and returns the bare name. `namespaced` is the
 * looser shape GetFunction/GetFunctionConfiguration/DeleteFunction use.
 */
export function parseFunctionName(
  raw: string | undefined,
  ctx: { region: string; accountId: string },
  opts: { field?: string; namespaced?: boolean; problems?: Problems } = {},
): FunctionRef | undefined {
  const field = opts.field ?? 'functionName';
  const p = opts.problems ?? new Problems();
  const before = p.list.length;
  if (!p.required(field, raw) || raw === undefined) return opts.problems ? undefined : (p.throwIfAny(), undefined);
  const re = opts.namespaced ? NAMESPACED_PATTERN : FUNCTION_NAME_PATTERN;
  p.length(field, raw, 1, opts.namespaced ? 256 : 140);
  // "The length constraint applies only to the full ARN. If you specify only
  // the function name, it is limited to 64 characters in length."
  if (!raw.includes(':') && raw.length > 64 && raw.length <= 140) p.length(field, raw, 1, 64);
  p.pattern(field, raw, re);
  if (p.list.length > before) {
    if (!opts.problems) p.throwIfAny();
    return undefined;
  }
  const m = new RegExp(`^(?:${re.source})$`).exec(raw)!;
  const region = m[3]?.slice(0, -1);
  const account = m[9]?.slice(0, -1);
  if ((region && region !== ctx.region) || (account && account !== ctx.accountId)) {
    // Our wording: the point is to fail loudly when the caller builds ARNs
    // for another region or account than the client it sends them with.
    throw invalidParameter(`The function ARN ${raw} is not in this account and region (${ctx.accountId}, ${ctx.region}).`);
  }
  return m[13] === undefined ? { name: m[11]! } : { name: m[11]!, qualifier: m[13] };
}

/** parseFunctionName for labels that must be valid: throws instead of collecting. */
export function functionRef(raw: string | undefined, ctx: { region: string; accountId: string }, namespaced = false): FunctionRef {
  return parseFunctionName(raw, ctx, { namespaced })!;
}

export function functionArn(ctx: { region: string; accountId: string }, name: string, qualifier?: string): string {
  return `arn:aws:lambda:${ctx.region}:${ctx.accountId}:function:${name}${qualifier ? `:${qualifier}` : ''}`;
}

// ---- function configuration ----------------------------------------------

export const ROLE_PATTERN = new RegExp(String.raw`arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+`);
const HANDLER_PATTERN = /[^\s]+/;
const ENV_KEY_PATTERN = /[a-zA-Z]([a-zA-Z0-9_])+/;
const ARCHITECTURES = ['x86_64', 'arm64'] as const;

// From the Lambda developer guide, "Defined runtime environment variables":
// the reserved keys. Other AWS_* keys (AWS_LAMBDA_EXEC_WRAPPER,
// AWS_XRAY_CONTEXT_MISSING, ...) are settable, so no prefix wildcards here.
// _HANDLER and _X_AMZN_TRACE_ID are listed too but already fail the key
// pattern, which Lambda checks first.
export const RESERVED_ENV_KEYS = new Set([
  '_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME', 'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR',
]);

/** Configuration members this double stores. Absent means "not given". */
export interface ConfigInput {
  Role?: string;
  Handler?: string;
  Runtime?: string;
  Description?: string;
  Timeout?: number;
  MemorySize?: number;
  /** `null`-free: an empty map clears the variables. */
  Environment?: Record<string, string>;
  EphemeralStorageSize?: number;
  TracingMode?: string;
}

// Members of the real API this double does not model. Refusing them loudly
// beats storing them silently and answering as if they took effect.
const UNSUPPORTED = ['VpcConfig', 'Layers', 'FileSystemConfigs', 'ImageConfig', 'KMSKeyArn', 'DeadLetterConfig',
  'SnapStart', 'LoggingConfig', 'CapacityProviderConfig', 'DurableConfig', 'CodeSigningConfigArn', 'TenancyConfig'];

export function readConfig(body: Json): ConfigInput {
  for (const k of UNSUPPORTED) {
    if (body[k] !== undefined && body[k] !== null) throw invalidParameter(`${k} is not supported by the lambda-sync test server.`);
  }
  if (body.PackageType === 'Image') throw invalidParameter('PackageType Image is not supported by the lambda-sync test server.');
  const env = body.Environment === undefined || body.Environment === null ? undefined : asObject(body.Environment, 'Environment');
  const eph = body.EphemeralStorage === undefined || body.EphemeralStorage === null ? undefined : asObject(body.EphemeralStorage, 'EphemeralStorage');
  const tracing = body.TracingConfig === undefined || body.TracingConfig === null ? undefined : asObject(body.TracingConfig, 'TracingConfig');
  const out: ConfigInput = {
    Role: optString(body, 'Role'),
    Handler: optString(body, 'Handler'),
    Runtime: optString(body, 'Runtime'),
    Description: optString(body, 'Description'),
    Timeout: optInt(body, 'Timeout'),
    MemorySize: optInt(body, 'MemorySize'),
    Environment: env ? optStringMap(env, 'Variables') ?? {} : undefined,
    EphemeralStorageSize: eph ? optInt(eph, 'Size') : undefined,
    TracingMode: tracing ? optString(tracing, 'Mode') : undefined,
  };
  for (const k of Object.keys(out) as Array<keyof ConfigInput>) if (out[k] === undefined) delete out[k];
  return out;
}

/** Model constraints of the configuration members (ValidationException). */
export function checkConfigModel(c: ConfigInput, p: Problems): void {
  p.pattern('role', c.Role, ROLE_PATTERN);
  p.length('handler', c.Handler, 0, 128);
  if (c.Handler !== undefined && c.Handler !== '') p.pattern('handler', c.Handler, HANDLER_PATTERN);
  p.oneOf('runtime', c.Runtime, RUNTIMES);
  p.length('description', c.Description, 0, 256);
  // The model's ranges are those of Lambda Managed Instances (LAMBDA.md §0.8);
  // the tighter quotas for ordinary functions are checked in checkConfigService.
  p.range('timeout', c.Timeout, 1, 5400);
  p.range('memorySize', c.MemorySize, 128, 32768);
  p.range('ephemeralStorage.size', c.EphemeralStorageSize, 512, 32768);
  p.oneOf('tracingConfig.mode', c.TracingMode, ['Active', 'PassThrough']);
  for (const key of Object.keys(c.Environment ?? {})) {
    if (!new RegExp(`^(?:${ENV_KEY_PATTERN.source})$`).test(key)) {
      p.addHidden('environment.variables', `Map keys must satisfy constraint: [Member must satisfy regular expression pattern: ${ENV_KEY_PATTERN.source}]`);
      break;
    }
  }
}

/** Service rules on the effective configuration (InvalidParameterValueException). */
export function checkConfigService(c: ConfigInput, blockedRuntimes: ReadonlySet<string>): void {
  if (c.Timeout !== undefined && c.Timeout > 900) {
    throw invalidParameter(`Timeout value ${c.Timeout} exceeds the maximum of 900 seconds for functions that do not use a capacity provider.`);
  }
  if (c.MemorySize !== undefined && c.MemorySize > 10240) {
    throw invalidParameter(`MemorySize value ${c.MemorySize} exceeds the maximum of 10240 MB for functions that do not use a capacity provider.`);
  }
  if (c.EphemeralStorageSize !== undefined && c.EphemeralStorageSize > 10240) {
    throw invalidParameter(`EphemeralStorage size ${c.EphemeralStorageSize} exceeds the maximum of 10240 MB.`);
  }
  if (c.Runtime !== undefined && blockedRuntimes.has(c.Runtime)) throw invalidParameter(blockedRuntimeMessage(c.Runtime));
  const env = c.Environment ?? {};
  const reserved = Object.keys(env).filter((k) => RESERVED_ENV_KEYS.has(k));
  if (reserved.length) {
    throw invalidParameter('Lambda was unable to configure your environment variables because the environment variables you have ' +
      `provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`);
  }
  const measured = JSON.stringify(env);
  if (Buffer.byteLength(measured) > 4096) {
    throw invalidParameter('Lambda was unable to configure your environment variables because the environment variables you have ' +
      `provided exceeded the 4KB limit. String measured: ${measured}`);
  }
}

export function checkArchitectures(arch: string[] | undefined, p: Problems): void {
  if (arch === undefined) return;
  p.length('architectures', arch, 1, 1);
  for (const a of arch) {
    if (!(ARCHITECTURES as readonly string[]).includes(a)) {
      p.addHidden('architectures', `Member must satisfy constraint: [Member must satisfy enum value set: [${ARCHITECTURES.join(', ')}]]`);
    }
  }
}

// ---- tags -----------------------------------------------------------------

const TAG_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export function checkTags(tags: Record<string, string>, existingCount = 0): void {
  for (const [k, v] of Object.entries(tags)) {
    if (k.length < 1 || k.length > 128 || !TAG_PATTERN.test(k)) {
      throw invalidParameter(`Tag key '${k}' is invalid: keys must be 1-128 characters of letters, numbers, spaces and _.:/=+-@`);
    }
    if (k.toLowerCase().startsWith('aws:')) throw invalidParameter(`Tag keys starting with 'aws:' are reserved for AWS use: ${k}`);
    if (v.length > 256 || !TAG_PATTERN.test(v)) {
      throw invalidParameter(`Tag value for key '${k}' is invalid: values must be 0-256 characters of letters, numbers, spaces and _.:/=+-@`);
    }
  }
  if (existingCount + Object.keys(tags).length > 50) throw invalidParameter('Number of tags exceeds resource tag limit of 50.');
}

// ---- aliases and versions -------------------------------------------------

export function checkAliasName(name: string | undefined, p: Problems, field = 'name'): void {
  if (!p.required(field, name)) return;
  p.length(field, name, 1, 128);
  // The model's pattern is (?!^[0-9]+$)([a-zA-Z0-9-_]+): never all digits,
  // so that aliases and version numbers cannot be confused.
  if (name !== undefined && (!/^[a-zA-Z0-9-_]+$/.test(name) || /^[0-9]+$/.test(name))) {
    p.list.push(`Value '${name}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)`);
  }
}

export function checkVersion(v: string | undefined, p: Problems, field = 'functionVersion'): void {
  if (!p.required(field, v)) return;
  p.length(field, v, 1, 1024);
  p.pattern(field, v, /(\$LATEST|[0-9]+)/);
}
