import { GetFunctionCommand, type FunctionConfiguration, type GetFunctionCommandOutput, type LambdaClient } from '@aws-sdk/client-lambda';
import { OperationError } from '../errors.js';
import { revisionInDescription } from '../packages/description.js';
import { failedCall, isNotFound } from './errors.js';
import { configDrift, type FieldDrift, TAG_BUNDLE, TAG_CONFIG, TAG_CONFIG_REVISION } from './function-config.js';
import type { RevisionHistory } from './history.js';
import { ownershipOf } from './ownership.js';
import type { DeployTarget } from './target.js';

/** What Lambda says is deployed under a function name. */
export type Deployed =
  | { kind: 'missing' }
  | {
      kind: 'present';
      configuration: FunctionConfiguration;
      /** The revision its Description names, when it is one of ours. */
      revision: string | undefined;
      /** Its tags (GetFunction returns them): the configuration and bundle digests live there. */
      tags: Record<string, string>;
    };

/** Step 1 of check-and-deploy: one GetFunction, which returns the configuration and the tags. */
export async function readDeployed(client: LambdaClient, functionName: string): Promise<Deployed> {
  let out: GetFunctionCommandOutput;
  try {
    out = await client.send(new GetFunctionCommand({ FunctionName: functionName }));
  } catch (error) {
    if (isNotFound(error)) return { kind: 'missing' };
    throw failedCall('GetFunction', functionName, error);
  }
  if (out.TagsError) {
    // Without the tags the configuration digest looks missing, and every run would update the configuration again.
    throw new OperationError(
      `GetFunction of ${functionName} returned no tags (${out.TagsError.ErrorCode ?? 'error'}: ${out.TagsError.Message ?? 'no message'})`,
      'allow lambda:ListTags on the function to the credentials that deploy: Lambda returns the tags, where lambda-sync keeps the configuration digest, only to callers allowed to list them',
    );
  }
  const configuration = out.Configuration ?? {};
  return { kind: 'present', configuration, revision: revisionInDescription(configuration.Description), tags: out.Tags ?? {} };
}

/** What a caller that has no clone expects a function to run: the package's code revision, and the digests when it knows them. */
export interface ExpectedState {
  revision: string;
  /** The `lambda-sync:config` tag it should carry. */
  configDigest?: string | undefined;
  /** The `lambda-sync:bundle` tag; a function without one (deployed before it was recorded) counts as matching, as in `decide`. */
  bundleDigest?: string | undefined;
  /** The whole Description it should carry, when the caller knows the repository: a function of another package with the same revision is not this one. */
  description?: string | undefined;
}

/**
 * True when the function runs exactly this revision (and, when given, this
 * configuration and these bundle settings) and is not Failed: what `decide`
 * answers `skip` for, known from one GetFunction without any git, except a
 * configuration field changed in Lambda itself under an unchanged digest,
 * which only the package's settings show (the decision gives such a
 * package a task that does the full check).
 */
export function runsRevision(deployed: Deployed, expected: ExpectedState): boolean {
  return whyNotRunning(deployed, expected) === undefined;
}

/** Why runsRevision is false, for the log (`it runs 3f2a9c...`); undefined when it is true. */
export function whyNotRunning(deployed: Deployed, expected: ExpectedState): string | undefined {
  if (deployed.kind !== 'present') return 'it does not exist';
  if (deployed.configuration.State === 'Failed') return 'its State is Failed';
  if (deployed.revision !== expected.revision) return deployed.revision === undefined ? 'its Description names no revision' : `it runs ${deployed.revision.slice(0, 12)}`;
  if (expected.description !== undefined && deployed.configuration.Description !== expected.description) return `its Description is ${JSON.stringify(deployed.configuration.Description ?? '')}`;
  if (expected.configDigest !== undefined && deployed.tags[TAG_CONFIG] !== expected.configDigest) return deployed.tags[TAG_CONFIG] === undefined ? 'it has no configuration digest' : 'its configuration digest differs';
  const bundle = deployed.tags[TAG_BUNDLE];
  if (expected.bundleDigest !== undefined && bundle !== undefined && bundle !== expected.bundleDigest) return 'its bundle settings differ';
  return undefined;
}

export type Decision =
  | { kind: 'create' }
  | { kind: 'skip' }
  /** A newer commit deployed the code (`of: 'code'`) or the configuration. */
  | { kind: 'skip-newer'; deployedRevision: string; of: 'code' | 'configuration' }
  /** The code is ours, the configuration is not: one configuration update, no bundle. */
  | { kind: 'configure'; why: string }
  /** The code is not ours: bundle, code, configuration. */
  | { kind: 'update'; why: string }
  /** The function of that name is not this package's: nothing may be written to it, whatever --force says. */
  | { kind: 'not-ours'; why: string; retaggable: boolean };

/** What the check compares: whose function it is, the target's code identity and configuration. */
export type Ours = Pick<DeployTarget, 'repository' | 'path' | 'key' | 'revision' | 'configRevision' | 'configDigest' | 'bundleDigest' | 'code' | 'settings'> & { architecture: string };

/** `memory 1024, not 512`; environment values are never printed (they may hold secrets). */
function driftText(d: FieldDrift): string {
  return d.field === 'environment' ? 'environment' : `${d.field} ${String(d.lambda)}, not ${String(d.repository)}`;
}

/**
 * Steps 2-4. First ownership (ownershipOf): a function that is not this
 * package's is never written, even forced, and one whose Description was
 * edited by hand but whose tags are ours is taken back. Code and configuration are compared apart. The code is ours
 * when the Description names our code revision (or a newer one that changed
 * none of our code: a Description written before lambda.yml stopped counting
 * as code), the bundle settings are ours (no tag: written before they were
 * recorded, taken as ours) and the architecture is ours. Then the
 * configuration is ours when the `lambda-sync:config` digest is ours and no
 * field was changed in Lambda since (the console); when it is not, one
 * configuration update does, unless the configuration deployed
 * was read from a newer commit. An older task never overwrites a newer
 * deploy: when our revision is an ancestor of a deployed one that changed
 * our code, do nothing. When git cannot find the deployed commit at all (a
 * force-push removed it, or another repository wrote it), deploying is the
 * only way forward, and the reason is said.
 */
export async function decide(deployed: Deployed, ours: Ours, history: RevisionHistory, force: boolean): Promise<Decision> {
  if (deployed.kind === 'missing') return { kind: 'create' };
  const ownership = ownershipOf(deployed.configuration, deployed.tags, ours);
  if (ownership.kind === 'not-ours') return ownership;
  // A failed creation already carries our Description; it is not deployed.
  if (deployed.configuration.State === 'Failed') return { kind: 'update', why: 'its creation failed' };
  if (ownership.kind === 'taken-back') return { kind: 'update', why: ownership.why };
  if (force) return { kind: 'update', why: 'forced' };
  const theirs = deployed.revision;
  // Unreachable: a Description of ours names a revision.
  if (theirs === undefined) return { kind: 'update', why: 'its Description names no revision' };
  if (theirs !== ours.revision) {
    const order = await history.compare(theirs, ours.revision);
    if (order === 'unknown') return { kind: 'update', why: `the deployed revision ${theirs} is not in this repository's history, even after fetching it` };
    if (order === 'not-newer') return { kind: 'update', why: `the deployed revision is ${theirs.slice(0, 12)}` };
    if (await history.changedBetween(ours.revision, theirs, ours.code)) return { kind: 'skip-newer', deployedRevision: theirs, of: 'code' };
  }
  const bundle = deployed.tags[TAG_BUNDLE];
  if (bundle !== undefined && bundle !== ours.bundleDigest) {
    // A newer deploy with other bundle settings (a dependsOn added, ...) is not ours to undo.
    if (theirs !== ours.revision) return { kind: 'skip-newer', deployedRevision: theirs, of: 'code' };
    return { kind: 'update', why: 'its bundle settings (build, include, exclude, dependsOn) changed' };
  }
  const architecture = deployed.configuration.Architectures?.[0] ?? 'x86_64';
  if (architecture !== ours.architecture) return { kind: 'update', why: `its architecture is ${architecture}` };

  const digest = deployed.tags[TAG_CONFIG];
  if (digest === ours.configDigest) {
    if (theirs !== ours.revision) return { kind: 'configure', why: `its Description names ${theirs.slice(0, 12)}, which has the same code` };
    // The digest is what lambda-sync last wrote; a field changed since in Lambda
    // itself (the console, another tool) is what `status` calls config-drift: put it back.
    const drift = configDrift(ours.settings, deployed.configuration);
    if (drift.length > 0) return { kind: 'configure', why: `its configuration was changed in Lambda since lambda-sync set it (${drift.map(driftText).join('; ')})` };
    return { kind: 'skip' };
  }
  if (digest === undefined) return { kind: 'configure', why: 'it has no configuration digest yet' };
  const configuredAt = deployed.tags[TAG_CONFIG_REVISION];
  if (configuredAt && configuredAt !== ours.configRevision && (await history.compare(configuredAt, ours.configRevision)) === 'newer') {
    return { kind: 'skip-newer', deployedRevision: configuredAt, of: 'configuration' };
  }
  return { kind: 'configure', why: 'its configuration changed' };
}
