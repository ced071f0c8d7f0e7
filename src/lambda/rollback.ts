import { GetAliasCommand, GetFunctionCommand, UpdateAliasCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { OperationError, UsageError } from '../errors.js';
import { revisionInDescription } from '../packages/description.js';
import { failedCall, isNotFound, isStaleRevision } from './errors.js';
import { listPublishedVersions } from './versions.js';

/** A published version and the revision its Description names. */
export interface PublishedVersion {
  version: string;
  revision: string | undefined;
  codeSha256: string | undefined;
}

export interface AliasRollback {
  functionName: string;
  alias: string;
  /** Where the alias pointed, and at which revision. */
  from: { version: string; revision: string | undefined };
  to: PublishedVersion & { revision: string };
}

/** True when `older` is a strict ancestor of `newer` (git). */
export type IsOlder = (older: string, newer: string) => Promise<boolean>;

/**
 * Moves `alias` back, without bundling: to the newest published version whose
 * Description names `to`, or, without `to`, to the newest version whose
 * revision is older than the one the alias points at. The alias is moved
 * with its RevisionId, so a deploy moving it at the same time wins.
 */
export async function rollbackAlias(client: LambdaClient, functionName: string, alias: string, to: string | undefined, isOlder: IsOlder): Promise<AliasRollback> {
  let current;
  try {
    current = await client.send(new GetAliasCommand({ FunctionName: functionName, Name: alias }));
  } catch (error) {
    if (isNotFound(error)) throw new UsageError(`${functionName} has no alias ${alias} to roll back`, 'deploy the package first: each deploy publishes a version and points the alias at it');
    throw failedCall('GetAlias', functionName, error);
  }
  const versions = await publishedVersions(client, functionName);
  const fromVersion = current.FunctionVersion ?? '$LATEST';
  const fromRevision = versions.find((v) => v.version === fromVersion)?.revision;
  const newestFirst = [...versions].sort((a, b) => Number(b.version) - Number(a.version));
  let chosen: PublishedVersion | undefined;
  if (to !== undefined) {
    chosen = newestFirst.find((v) => v.revision === to);
    if (!chosen) throw new UsageError(`no published version of ${functionName} names revision ${to}`, `published: ${describeVersions(newestFirst)}`);
  } else {
    if (fromRevision === undefined) throw new UsageError(`the alias ${alias} of ${functionName} points at version ${fromVersion}, whose Description names no revision`, 'pass --to <revision>');
    for (const v of newestFirst) {
      if (v.revision !== undefined && v.revision !== fromRevision && (await isOlder(v.revision, fromRevision))) {
        chosen = v;
        break;
      }
    }
    if (!chosen) throw new UsageError(`no published version of ${functionName} is older than ${fromRevision.slice(0, 12)}, where ${alias} points`, `published: ${describeVersions(newestFirst)}`);
  }
  try {
    await client.send(new UpdateAliasCommand({ FunctionName: functionName, Name: alias, FunctionVersion: chosen.version, RevisionId: current.RevisionId }));
  } catch (error) {
    if (isStaleRevision(error)) throw new OperationError(`${functionName}: the alias ${alias} moved while rolling back (another deploy?); nothing was changed`, 'look at lambda-sync status, and run the rollback again if it is still wanted');
    throw failedCall('UpdateAlias', functionName, error);
  }
  return { functionName, alias, from: { version: fromVersion, revision: fromRevision }, to: { ...chosen, revision: chosen.revision! } };
}

/** The revision the function's $LATEST runs (its Description), or undefined when it names none or the function is missing. */
export async function deployedRevision(client: LambdaClient, functionName: string): Promise<string | undefined> {
  try {
    return revisionInDescription((await client.send(new GetFunctionCommand({ FunctionName: functionName }))).Configuration?.Description);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw failedCall('GetFunction', functionName, error);
  }
}

async function publishedVersions(client: LambdaClient, functionName: string): Promise<PublishedVersion[]> {
  return (await listPublishedVersions(client, functionName)).map((v) => ({ version: v.Version!, revision: revisionInDescription(v.Description), codeSha256: v.CodeSha256 }));
}

function describeVersions(versions: PublishedVersion[]): string {
  if (versions.length === 0) return 'none';
  const shown = versions.slice(0, 5).map((v) => `${v.version} (${v.revision?.slice(0, 12) ?? 'no revision'})`);
  return `${shown.join(', ')}${versions.length > 5 ? ', ...' : ''}`;
}
