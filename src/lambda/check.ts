import { GetFunctionCommand, type FunctionConfiguration, type LambdaClient } from '@aws-sdk/client-lambda';
import { revisionInDescription } from '../packages/description.js';
import { failedCall, isNotFound } from './errors.js';
import type { RevisionHistory } from './history.js';

/** What Lambda says is deployed under a function name. */
export type Deployed =
  | { kind: 'missing' }
  | {
      kind: 'present';
      configuration: FunctionConfiguration;
      /** The revision its Description names, when it is one of ours. */
      revision: string | undefined;
    };

/** Step 1 of check-and-deploy: one GetFunction. */
export async function readDeployed(client: LambdaClient, functionName: string): Promise<Deployed> {
  try {
    const out = await client.send(new GetFunctionCommand({ FunctionName: functionName }));
    const configuration = out.Configuration ?? {};
    return { kind: 'present', configuration, revision: revisionInDescription(configuration.Description) };
  } catch (error) {
    if (isNotFound(error)) return { kind: 'missing' };
    throw failedCall('GetFunction', functionName, error);
  }
}

/**
 * True when the function runs exactly `revision` and is not Failed: what
 * `decide` answers `skip` for, known from one GetFunction without any git.
 */
export function runsRevision(deployed: Deployed, revision: string): boolean {
  return deployed.kind === 'present' && deployed.configuration.State !== 'Failed' && deployed.revision === revision;
}

export type Decision =
  | { kind: 'create' }
  | { kind: 'skip' }
  | { kind: 'skip-newer'; deployedRevision: string }
  | { kind: 'update'; why: string };

/**
 * Steps 2-4. An older task must never overwrite a newer deploy: when our
 * revision is an ancestor of the deployed one, do nothing. When git cannot
 * find the deployed commit at all (a force-push removed it, or another
 * repository wrote it), deploying is the only way forward, and the reason is
 * said.
 */
export async function decide(deployed: Deployed, revision: string, history: RevisionHistory, force: boolean): Promise<Decision> {
  if (deployed.kind === 'missing') return { kind: 'create' };
  // A failed creation already carries our Description; it is not deployed.
  if (deployed.configuration.State === 'Failed') return { kind: 'update', why: 'its creation failed' };
  if (force) return { kind: 'update', why: 'forced' };
  const theirs = deployed.revision;
  if (theirs === revision) return { kind: 'skip' };
  if (theirs === undefined) return { kind: 'update', why: 'its Description names no revision' };
  const order = await history.compare(theirs, revision);
  if (order === 'newer') return { kind: 'skip-newer', deployedRevision: theirs };
  if (order === 'unknown') return { kind: 'update', why: `the deployed revision ${theirs} is not in this repository's history, even after fetching it` };
  return { kind: 'update', why: `the deployed revision is ${theirs.slice(0, 12)}` };
}
