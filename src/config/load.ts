import { readFile, realpath, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { load as parseYaml, YAMLException } from 'js-yaml';
import { ConfigError, ConfigErrors } from '../errors.js';
import { validateConfig } from './validate.js';
import {
  BUILTIN_PACKAGE_DEFAULTS,
  PACKAGE_CONFIG_FILE,
  ROOT_CONFIG_FILE,
  type PackageConfig,
  type PackageConfigInput,
  type RootConfig,
} from './types.js';

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function parseYamlConfig(text: string, shown: string): unknown {
  try {
    const value = parseYaml(text, { filename: shown });
    return value ?? {};
  } catch (error) {
    if (error instanceof YAMLException) {
      throw new ConfigError(shown, '', `is not valid YAML: ${error.reason}${error.mark ? ` (line ${error.mark.line + 1}, column ${error.mark.column + 1})` : ''}`);
    }
    throw error;
  }
}

function throwIfAny(errors: ConfigError[]): void {
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new ConfigErrors(errors);
}

/** Reads `lambda-sync.yml` at the repository root; a missing file is an empty config. */
export async function loadRootConfig(gitRoot: string): Promise<RootConfig> {
  const text = await readIfExists(join(gitRoot, ROOT_CONFIG_FILE));
  if (text === undefined) return {};
  const value = parseYamlConfig(text, ROOT_CONFIG_FILE);
  throwIfAny(validateConfig('lambda-sync', value, ROOT_CONFIG_FILE));
  return value as RootConfig;
}

/** Where a package's config comes from, decided during discovery. */
export type PackageConfigSource =
  | { kind: 'lambda.yml'; file: string; raw: unknown }
  | { kind: 'package.json'; file: string; raw: unknown }
  | { kind: 'none'; file: string };

/**
 * Reads the config sources of the package folder `packagePath` (repository
 * relative). Returns undefined when the folder holds neither a lambda.yml nor
 * a package.json. Both a lambda.yml and a "lambda" object: an error, since
 * one of them would be silently ignored.
 */
export async function readPackageConfigSource(gitRoot: string, packagePath: string): Promise<PackageConfigSource | undefined> {
  const ymlFile = posix.join(packagePath, PACKAGE_CONFIG_FILE);
  const pkgFile = posix.join(packagePath, 'package.json');
  const [ymlText, pkgText] = await Promise.all([readIfExists(join(gitRoot, ymlFile)), readIfExists(join(gitRoot, pkgFile))]);
  let lambdaKey: unknown;
  if (pkgText !== undefined) {
    let manifest: unknown;
    try {
      manifest = JSON.parse(pkgText);
    } catch (error) {
      throw new ConfigError(pkgFile, '', `is not valid JSON: ${(error as Error).message}`);
    }
    if (!manifest || typeof manifest !== 'object' || Array.isArray(manifest)) throw new ConfigError(pkgFile, '', 'must hold a JSON object');
    lambdaKey = (manifest as Record<string, unknown>).lambda;
    if (lambdaKey !== undefined && (lambdaKey === null || typeof lambdaKey !== 'object' || Array.isArray(lambdaKey))) {
      throw new ConfigError(pkgFile, 'lambda', `must be an object of package settings, got ${lambdaKey === null ? 'null' : Array.isArray(lambdaKey) ? 'an array' : typeof lambdaKey}`);
    }
  }
  if (ymlText !== undefined && lambdaKey !== undefined) {
    throw new ConfigError(pkgFile, 'lambda', `${ymlFile} configures this package too; keep one of them`, 'move the settings into one place');
  }
  if (ymlText !== undefined) return { kind: 'lambda.yml', file: ymlFile, raw: parseYamlConfig(ymlText, ymlFile) };
  if (lambdaKey !== undefined) return { kind: 'package.json', file: pkgFile, raw: lambdaKey };
  if (pkgText !== undefined) return { kind: 'none', file: pkgFile };
  return undefined;
}

/** Lambda's quota on a function's environment variables, measured as their JSON. */
const MAX_ENVIRONMENT_BYTES = 4096;

/** Validates a package's own config, applies root defaults and built-in defaults, and checks dependsOn. */
export async function resolvePackageConfig(gitRoot: string, source: PackageConfigSource, root: RootConfig): Promise<PackageConfig> {
  let own: PackageConfigInput = {};
  if (source.kind !== 'none') {
    throwIfAny(validateConfig('lambda', source.raw, source.file, source.kind === 'package.json' ? 'lambda' : ''));
    own = source.raw as PackageConfigInput;
  }
  const defaults = root.defaults ?? {};
  const merged: PackageConfigInput = { ...BUILTIN_PACKAGE_DEFAULTS, ...defaults, ...own };
  const field = (name: string): string => (source.kind === 'package.json' ? `lambda.${name}` : name);
  const dependsOnFile = own.dependsOn ? source.file : ROOT_CONFIG_FILE;
  const dependsOnField = own.dependsOn ? field('dependsOn') : 'defaults.dependsOn';
  const dependsOn = await checkRepositoryPaths(gitRoot, merged.dependsOn ?? [], dependsOnFile, dependsOnField);
  const environment = { ...defaults.environment, ...own.environment };
  // Lambda measures the variables as JSON and refuses more than 4 KB at create or update time.
  const environmentBytes = Buffer.byteLength(JSON.stringify(environment));
  if (environmentBytes > MAX_ENVIRONMENT_BYTES) {
    throw new ConfigError(
      own.environment ? source.file : ROOT_CONFIG_FILE,
      own.environment ? field('environment') : 'defaults.environment',
      `is ${environmentBytes} bytes (with the root defaults, as JSON); Lambda allows at most 4 KB (${MAX_ENVIRONMENT_BYTES} bytes) of environment variables`,
      'keep large values elsewhere (S3, SSM Parameter Store) and pass only their names',
    );
  }
  return {
    handler: merged.handler!,
    handlerSource: own.handler
      ? { kind: 'file', file: source.file, field: field('handler') }
      : defaults.handler
        ? { kind: 'file', file: ROOT_CONFIG_FILE, field: 'defaults.handler' }
        : { kind: 'default', value: BUILTIN_PACKAGE_DEFAULTS.handler },
    runtime: merged.runtime!,
    memory: merged.memory!,
    timeout: merged.timeout!,
    environment,
    role: merged.role,
    architecture: merged.architecture!,
    dependsOn,
    build: merged.build,
    include: merged.include,
    exclude: merged.exclude ?? [],
    checkImports: merged.checkImports ?? true,
    alias: merged.alias,
  };
}

/** Normalises repository-relative paths and checks that each exists inside the repository. */
async function checkRepositoryPaths(gitRoot: string, paths: string[], file: string, field: string): Promise<string[]> {
  const errors: ConfigError[] = [];
  const normalised: string[] = [];
  const realRoot = await realpath(gitRoot);
  for (const [i, raw] of paths.entries()) {
    const at = `${field}[${i}]`;
    const path = posix.normalize(raw.replace(/\\/g, '/')).replace(/\/+$/, '');
    if (raw.startsWith('/') || /^[A-Za-z]:/.test(raw)) {
      errors.push(new ConfigError(file, at, `${JSON.stringify(raw)} is absolute; give a path from the repository root`));
      continue;
    }
    if (path === '..' || path.startsWith('../') || path === '.' || path === '') {
      errors.push(new ConfigError(file, at, `${JSON.stringify(raw)} ${path === '.' || path === '' ? 'is the whole repository' : 'leaves the repository'}; give a path from the repository root`));
      continue;
    }
    try {
      await stat(join(gitRoot, path));
      const real = await realpath(join(gitRoot, path));
      if (real !== realRoot && !real.startsWith(`${realRoot}/`)) {
        errors.push(new ConfigError(file, at, `${JSON.stringify(raw)} leads outside the repository (through a symlink)`));
        continue;
      }
    } catch {
      errors.push(new ConfigError(file, at, `${JSON.stringify(raw)} does not exist (paths are from the repository root)`));
      continue;
    }
    normalised.push(path);
  }
  throwIfAny(errors);
  return normalised;
}
