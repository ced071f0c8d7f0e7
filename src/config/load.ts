import { posix } from 'node:path';
import { load as parseYaml, YAMLException } from 'js-yaml';
import { ConfigError, ConfigErrors } from '../errors.js';
import type { RepositoryTree } from '../repo/tree.js';
import { configField } from './field.js';
import { validateConfig } from './validate.js';
import {
  BUILTIN_PACKAGE_DEFAULTS,
  PACKAGE_CONFIG_FILE,
  ROOT_CONFIG_FILE,
  type FunctionConfig,
  type PackageConfig,
  type PackageConfigInput,
  type RootConfig,
} from './types.js';

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

/** Throws the one error, or all of them together so that one run shows every problem. */
export function throwIfAny(errors: ConfigError[]): void {
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new ConfigErrors(errors);
}

/** Reads `lambda-sync.yml` at the repository root of `tree`; a missing file is an empty config. */
export async function loadRootConfig(tree: RepositoryTree): Promise<RootConfig> {
  const [text] = await tree.readFiles([ROOT_CONFIG_FILE]);
  if (text === undefined) return {};
  const value = parseYamlConfig(text, ROOT_CONFIG_FILE);
  throwIfAny(validateConfig('lambda-sync', value, ROOT_CONFIG_FILE));
  return value as RootConfig;
}

/**
 * Root config given as JSON on the command line (what a task's payload
 * carries of lambda-sync.yml, so that it can ask Lambda before cloning);
 * checked against the same schema, errors naming `where`.
 */
export function rootConfigFromJson(text: string, where: string): RootConfig {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(where, '', `is not valid JSON: ${(error as Error).message}`);
  }
  throwIfAny(validateConfig('lambda-sync', value, where));
  return value as RootConfig;
}

/** Where a package's config comes from, decided during discovery. */
export type PackageConfigSource =
  | { kind: 'lambda.yml'; file: string; raw: unknown }
  | { kind: 'package.json'; file: string; raw: unknown }
  | { kind: 'none'; file: string };

/** The files of a folder that say whether it is a package, and how it is configured. */
export function configFilesOf(packagePath: string): { yml: string; manifest: string } {
  return { yml: posix.join(packagePath, PACKAGE_CONFIG_FILE), manifest: posix.join(packagePath, 'package.json') };
}

function parseManifest(file: string, text: string): Record<string, unknown> {
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(file, '', `is not valid JSON: ${(error as Error).message}`);
  }
  if (!manifest || typeof manifest !== 'object' || Array.isArray(manifest)) throw new ConfigError(file, '', 'must hold a JSON object');
  return manifest as Record<string, unknown>;
}

/**
 * The config source of the package folder `packagePath` from the texts of
 * its lambda.yml and package.json (undefined when absent). Undefined when it
 * has neither. Both a lambda.yml and a "lambda" object: an error, since one
 * of them would be silently ignored. A package.json that is not a JSON
 * object is an error, unless `unreadableManifest` is given and there is no
 * lambda.yml: then the folder cannot be a package, the callback hears why,
 * and the folder is treated as holding no package.json.
 */
export function packageConfigSource(
  packagePath: string,
  texts: { yml: string | undefined; manifest: string | undefined },
  unreadableManifest?: (error: ConfigError) => void,
): PackageConfigSource | undefined {
  const { yml: ymlFile, manifest: pkgFile } = configFilesOf(packagePath);
  let lambdaKey: unknown;
  let manifestText = texts.manifest;
  if (manifestText !== undefined) {
    let manifest: Record<string, unknown> | undefined;
    try {
      manifest = parseManifest(pkgFile, manifestText);
    } catch (error) {
      if (!(error instanceof ConfigError) || !unreadableManifest || texts.yml !== undefined) throw error;
      unreadableManifest(error);
      manifestText = undefined;
    }
    lambdaKey = manifest?.lambda;
    if (lambdaKey !== undefined && (lambdaKey === null || typeof lambdaKey !== 'object' || Array.isArray(lambdaKey))) {
      throw new ConfigError(pkgFile, 'lambda', `must be an object of package settings, got ${lambdaKey === null ? 'null' : Array.isArray(lambdaKey) ? 'an array' : typeof lambdaKey}`);
    }
  }
  if (texts.yml !== undefined && lambdaKey !== undefined) {
    throw new ConfigError(pkgFile, 'lambda', `${ymlFile} configures this package too; keep one of them`, 'move the settings into one place');
  }
  if (texts.yml !== undefined) return { kind: 'lambda.yml', file: ymlFile, raw: parseYamlConfig(texts.yml, ymlFile) };
  if (lambdaKey !== undefined) return { kind: 'package.json', file: pkgFile, raw: lambdaKey };
  if (manifestText !== undefined) return { kind: 'none', file: pkgFile };
  return undefined;
}

/** Lambda's quota on a function's environment variables, measured as their JSON. */
const MAX_ENVIRONMENT_BYTES = 4096;

/** Validates a package's own config, applies root defaults and built-in defaults, and checks dependsOn. */
export async function resolvePackageConfig(tree: RepositoryTree, source: PackageConfigSource, root: RootConfig): Promise<PackageConfig> {
  let own: PackageConfigInput = {};
  if (source.kind !== 'none') {
    throwIfAny(validateConfig('lambda', source.raw, source.file, source.kind === 'package.json' ? 'lambda' : ''));
    own = source.raw as PackageConfigInput;
  }
  // Each of several functions sets its own handler: a package-level one would be silently dead.
  if (own.functions && own.handler !== undefined) {
    throw new ConfigError(source.file, configField({ configFile: source.file }, 'handler'), 'is not used by a package with functions: each function sets its own handler', `move it into the functions that use it (functions.<key>.handler), or remove it`);
  }
  const defaults = root.defaults ?? {};
  const merged: PackageConfigInput = { ...BUILTIN_PACKAGE_DEFAULTS, ...defaults, ...own };
  const field = (key: string): string => configField({ configFile: source.file }, key);
  const dependsOnFile = own.dependsOn ? source.file : ROOT_CONFIG_FILE;
  const dependsOnField = own.dependsOn ? field('dependsOn') : 'defaults.dependsOn';
  const dependsOn = await checkRepositoryPaths(tree, merged.dependsOn ?? [], dependsOnFile, dependsOnField);
  const environment = { ...defaults.environment, ...own.environment };
  checkEnvironmentSize(environment, own.environment ? source.file : ROOT_CONFIG_FILE, own.environment ? field('environment') : 'defaults.environment');
  const config: Omit<PackageConfig, 'functions'> = {
    name: own.name,
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
    pythonBuildFromSource: merged.pythonBuildFromSource ?? false,
    include: merged.include,
    exclude: merged.exclude ?? [],
    checkImports: merged.checkImports ?? true,
    alias: merged.alias,
    allowScripts: merged.allowScripts ?? [],
  };
  const functions = own.functions
    ? Object.entries(own.functions).map(([key, fn]): FunctionConfig => {
        const merged = { ...environment, ...fn.environment };
        if (fn.environment) checkEnvironmentSize(merged, source.file, field(`functions.${key}.environment`));
        return {
          key,
          handler: fn.handler,
          handlerSource: { kind: 'file', file: source.file, field: field(`functions.${key}.handler`) },
          memory: fn.memory ?? config.memory,
          timeout: fn.timeout ?? config.timeout,
          environment: merged,
          role: fn.role ?? config.role,
          alias: fn.alias ?? config.alias,
        };
      })
    : undefined;
  return { ...config, functions };
}

/** Lambda measures the variables as JSON and refuses more than 4 KB at create or update time. */
function checkEnvironmentSize(environment: Record<string, string>, file: string, field: string): void {
  const bytes = Buffer.byteLength(JSON.stringify(environment));
  if (bytes > MAX_ENVIRONMENT_BYTES) {
    throw new ConfigError(
      file,
      field,
      `is ${bytes} bytes (with the root defaults, as JSON); Lambda allows at most 4 KB (${MAX_ENVIRONMENT_BYTES} bytes) of environment variables`,
      'keep large values elsewhere (S3, SSM Parameter Store) and pass only their names',
    );
  }
}

/** Normalises repository-relative paths and checks that each exists inside the repository. */
async function checkRepositoryPaths(tree: RepositoryTree, paths: string[], file: string, field: string): Promise<string[]> {
  const errors: ConfigError[] = [];
  const normalised: string[] = [];
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
    const kind = await tree.kind(path);
    if (kind === 'outside') {
      errors.push(new ConfigError(file, at, `${JSON.stringify(raw)} leads outside the repository (through a symlink)`));
      continue;
    }
    if (kind === undefined) {
      errors.push(new ConfigError(file, at, `${JSON.stringify(raw)} does not exist in ${tree.label} (paths are from the repository root)`));
      continue;
    }
    normalised.push(path);
  }
  throwIfAny(errors);
  return normalised;
}
