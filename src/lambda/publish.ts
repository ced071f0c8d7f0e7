import { CreateAliasCommand, GetAliasCommand, PublishVersionCommand, UpdateAliasCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { Logger } from '../log.js';
import { failedCall, isAlreadyExists, isNotFound, isStaleRevision } from './errors.js';
import { retryWhileUpdating, type WaitOptions } from './wait.js';

export interface PublishInput {
  functionName: string;
  alias: string;
  /** Only publish what we deployed: Lambda refuses when $LATEST's code or configuration changed since. */
  codeSha256: string;
  revisionId: string | undefined;
  description: string;
}

/**
 * Step 5: snapshot $LATEST as a version and point the alias at it, so that a
 * rollback is one alias move (UpdateAlias to the previous version). Returns
 * the version, or undefined when the function changed under us after our
 * deploy (a newer deploy publishes its own).
 */
export async function publishAndPoint(client: LambdaClient, input: PublishInput, wait: WaitOptions, logger: Logger): Promise<string | undefined> {
  const { functionName, alias } = input;
  let version: string;
  try {
    const out = await retryWhileUpdating(client, functionName, wait, () =>
      client.send(new PublishVersionCommand({ FunctionName: functionName, CodeSha256: input.codeSha256, Description: input.description, ...(input.revisionId ? { RevisionId: input.revisionId } : {}) })));
    version = out.Version!;
  } catch (error) {
    if (isStaleRevision(error)) {
      logger.warn(`${functionName} changed after this deploy; not publishing a version for alias ${alias}`);
      return undefined;
    }
    throw failedCall('PublishVersion', functionName, error);
  }
  await pointAlias(client, functionName, alias, version, wait);
  return version;
}

async function pointAlias(client: LambdaClient, functionName: string, alias: string, version: string, wait: WaitOptions): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    let revisionId: string | undefined;
    try {
      revisionId = (await client.send(new GetAliasCommand({ FunctionName: functionName, Name: alias }))).RevisionId;
    } catch (error) {
      if (!isNotFound(error)) throw failedCall('GetAlias', functionName, error);
    }
    try {
      if (revisionId === undefined) {
        await retryWhileUpdating(client, functionName, wait, () => client.send(new CreateAliasCommand({ FunctionName: functionName, Name: alias, FunctionVersion: version })));
      } else {
        await retryWhileUpdating(client, functionName, wait, () =>
          client.send(new UpdateAliasCommand({ FunctionName: functionName, Name: alias, FunctionVersion: version, RevisionId: revisionId })));
      }
      return;
    } catch (error) {
      // Another deploy created or moved the alias between our read and our write: read again.
      if ((isAlreadyExists(error) || isStaleRevision(error)) && attempt < 3) continue;
      throw failedCall(revisionId === undefined ? 'CreateAlias' : 'UpdateAlias', functionName, error);
    }
  }
}
