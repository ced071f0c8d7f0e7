import type { CreateFunctionRequest, UpdateFunctionConfigurationRequest } from '@aws-sdk/client-lambda';
import { missingRoleHint } from '../config/role.js';
import { ConfigError } from '../errors.js';
import { functionDescription } from '../packages/description.js';
import type { CodeSource } from './code-source.js';
import type { DeployTarget } from './target.js';

export const TAG_REPOSITORY = 'lambda-sync:repository';
export const TAG_PATH = 'lambda-sync:path';
export const TAG_REVISION = 'lambda-sync:revision';

const MAX_TAG_VALUE = 256;

/** Lambda tag values allow letters, spaces, digits and `_.:/=+-@` only (LAMBDA.md §1.1). */
export function tagValue(text: string): string {
  return text.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, '_').slice(0, MAX_TAG_VALUE);
}

/** Tags that name where the function comes from, for people in the console (the Description is what checks read). */
export function functionTags(target: DeployTarget): Record<string, string> {
  return {
    [TAG_REPOSITORY]: tagValue(target.repository),
    [TAG_PATH]: tagValue(target.path),
    [TAG_REVISION]: tagValue(target.revision),
  };
}

export function descriptionFor(target: DeployTarget): string {
  return functionDescription(target.repository, target.path, target.revision);
}

export function createRequest(target: DeployTarget, code: CodeSource): CreateFunctionRequest {
  const { config } = target;
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
    Tags: functionTags(target),
    Publish: false,
  };
}

/**
 * Everything the config controls, so that a change to lambda.yml lands with
 * the revision that made it. The Environment is always sent whole: a variable
 * removed from the config is removed from the function. The Description goes
 * last of all writes: it is the marker a check reads.
 */
export function configurationRequest(target: DeployTarget, revisionId: string | undefined): UpdateFunctionConfigurationRequest {
  const { config } = target;
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
