import type { CreateFunctionRequest, FunctionConfiguration, UpdateFunctionConfigurationRequest } from '@aws-sdk/client-lambda';
import { missingRoleHint } from '../config/role.js';
import type { FunctionSettings } from '../packages/function-settings.js';
import { ConfigError } from '../errors.js';
import { functionDescription } from '../packages/description.js';
import type { CodeSource } from './code-source.js';
import type { DeployTarget } from './target.js';

export const TAG_REPOSITORY = 'lambda-sync:repository';
export const TAG_PATH = 'lambda-sync:path';
/** The `functions` key, for one of several functions of a package: with the path tag, whose function it is when its Description is not. */
export const TAG_KEY = 'lambda-sync:key';
export const TAG_REVISION = 'lambda-sync:revision';
/** The CodeSha256 lambda-sync last uploaded: a different one in Lambda means someone uploaded code by hand. */
export const TAG_CODE_SHA256 = 'lambda-sync:code-sha256';
/** configDigest of the function's effective settings (src/packages/function-settings.ts). */
export const TAG_CONFIG = 'lambda-sync:config';
/** The commit the configuration was read from: a configuration from an older commit never overwrites it. */
export const TAG_CONFIG_REVISION = 'lambda-sync:config-revision';
/** bundleDigest of the settings that shape the bundle (build, include, exclude, dependsOn). */
export const TAG_BUNDLE = 'lambda-sync:bundle';

const MAX_TAG_VALUE = 256;

/** Lambda tag values allow letters, spaces, digits and `_.:/=+-@` only (LAMBDA.md §1.1). */
export function tagValue(text: string): string {
  return text.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, '_').slice(0, MAX_TAG_VALUE);
}

/**
 * Tags that name where the function comes from, for people in the console
 * (the Description is what checks read for the code), and the digests that
 * checks read for the configuration and the bundle settings.
 */
export function functionTags(target: DeployTarget, codeSha256?: string): Record<string, string> {
  return {
    [TAG_REPOSITORY]: tagValue(target.repository),
    [TAG_PATH]: tagValue(target.path),
    ...(target.key === undefined ? {} : { [TAG_KEY]: tagValue(target.key) }),
    [TAG_REVISION]: tagValue(target.revision),
    ...(codeSha256 ? { [TAG_CODE_SHA256]: tagValue(codeSha256) } : {}),
    [TAG_CONFIG]: target.configDigest,
    [TAG_CONFIG_REVISION]: target.configRevision,
    [TAG_BUNDLE]: target.bundleDigest,
  };
}

export function descriptionFor(target: DeployTarget): string {
  return functionDescription(target.repository, target.path, target.revision, target.key);
}

export function createRequest(target: DeployTarget, code: CodeSource, codeSha256: string): CreateFunctionRequest {
  const config = target.settings;
  if (!config.role) {
    throw new ConfigError(target.configFile, 'role', `is required to create the function ${target.functionName} (its execution role ARN)`, missingRoleHint(target.configFile));
  }
  return {
    FunctionName: target.functionName,
    Role: config.role,
    Runtime: config.runtime as CreateFunctionRequest['Runtime'],
    Handler: config.handler,
    Code: code,
    Description: descriptionFor(target),
    Timeout: config.timeout,
    MemorySize: config.memory,
    Environment: { Variables: config.environment },
    Architectures: [config.architecture],
    Tags: functionTags(target, codeSha256),
    Publish: false,
  };
}

/**
 * Everything the configuration controls (all of FunctionSettings but the
 * architecture, which goes with the code and the alias, which is published
 * after), so that configDigest describes what Lambda has once it is done. The Environment is always sent whole: a variable
 * removed from the config is removed from the function. The Description goes
 * last of all writes: it is the marker a check reads.
 */
export function configurationRequest(target: DeployTarget, revisionId: string | undefined): UpdateFunctionConfigurationRequest {
  const config = target.settings;
  return {
    FunctionName: target.functionName,
    ...(revisionId ? { RevisionId: revisionId } : {}),
    ...(config.role ? { Role: config.role } : {}),
    Runtime: config.runtime as UpdateFunctionConfigurationRequest['Runtime'],
    Handler: config.handler,
    Description: descriptionFor(target),
    Timeout: config.timeout,
    MemorySize: config.memory,
    Environment: { Variables: config.environment },
  };
}

/** One configuration field whose value in Lambda is not the repository's. */
export interface FieldDrift {
  /** The config key (lambda.yml's name): runtime, handler, memory, timeout, role, architecture, environment. */
  field: string;
  repository: unknown;
  lambda: unknown;
}

/**
 * The fields a deploy sets (configurationRequest, and the architecture with
 * the code) compared with what Lambda reports, one entry per field that
 * differs. Works on ListFunctions' entries, which carry every one of them.
 * `role` counts only when the config sets one (a deploy leaves it alone otherwise).
 */
export function configDrift(config: FunctionSettings, deployed: FunctionConfiguration): FieldDrift[] {
  const pairs: Array<[string, unknown, unknown]> = [
    ['runtime', config.runtime, deployed.Runtime],
    ['handler', config.handler, deployed.Handler],
    ['memory', config.memory, deployed.MemorySize],
    ['timeout', config.timeout, deployed.Timeout],
    ['architecture', config.architecture, deployed.Architectures?.[0] ?? 'x86_64'],
    ['environment', config.environment, deployed.Environment?.Variables ?? {}],
  ];
  if (config.role) pairs.push(['role', config.role, deployed.Role]);
  return pairs
    .filter(([, ours, theirs]) => !sameValue(ours, theirs))
    .map(([field, repository, lambda]) => ({ field, repository, lambda }));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return a === b;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  return [...keys].every((k) => left[k] === right[k]);
}
