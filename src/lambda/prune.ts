import { DeleteFunctionCommand, GetFunctionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { UsageError } from '../errors.js';
import { functionLabel, packagePathIn, parseDescription } from '../packages/description.js';
import type { RepositoryId } from '../repo/repository-id.js';
import type { Classification, Orphan } from './classify.js';
import { failedCall, isNotFound } from './errors.js';
import { TAG_REPOSITORY, tagValue } from './function-config.js';
import { listAliases, listPublishedVersions } from './versions.js';

/** Deleting more than this many functions in one run needs --allow-mass-delete (config `pruneMaxDeletes`). */
export const DEFAULT_MAX_DELETES = 5;

export interface ValveOptions {
  maxDeletes: number;
  allowMassDelete: boolean;
}

/**
 * The safety valve: more than `maxDeletes` orphans, or every function the
 * repository owns under the root, is refused unless allowed. The usual cause
 * is not a real mass removal but an id or a root that changed (a repository
 * renamed or moved, a wrong --root, a changed namePrefix), which makes every
 * function look orphaned: the message says so. Throws a UsageError (exit 2).
 */
export function checkValve(result: Classification, options: ValveOptions): void {
  const n = result.orphans.length;
  if (n === 0 || options.allowMassDelete) return;
  const all = n === result.owned;
  if (n <= options.maxDeletes && !all) return;
  const where = result.scope === '' ? 'the repository' : result.scope;
  const why = all
    ? `that is every function ${result.repository} owns under ${where}`
    : `that is more than ${options.maxDeletes} (pruneMaxDeletes)`;
  throw new UsageError(
    `refusing to delete ${n} function${n === 1 ? '' : 's'}: ${why}; nothing was deleted (${result.orphans.slice(0, 5).map((o) => o.path).join(', ')}${n > 5 ? ', ...' : ''})`,
    'check `lambda-sync status` first: a repository renamed or moved (its id changes), a wrong --root or a changed namePrefix makes every function look orphaned. ' +
      'If the deletions are meant, run again with --allow-mass-delete',
  );
}

/** The detail of a removal whose function no longer exists: nothing to do, and not a failure. */
export const ALREADY_GONE = 'already gone';

export interface Removal {
  functionName: string;
  path: string;
  /** 'deleted', or 'left' when it changed since the listing (someone deployed it again). */
  outcome: 'deleted' | 'left';
  versions: string[];
  aliases: string[];
  detail: string;
}

/**
 * Why a function is not (any more) the one a removal of `path` (and `key`)
 * of `repository` was made for, read from one GetFunction; undefined when
 * its Description still names that package function and its ownership tag
 * this repository. A Description cut by Lambda's 256-character limit names
 * no path: the classification then reads the path from its tag.
 */
export function notOwnedAs(fn: { description: string | undefined; tags: Record<string, string> }, repository: RepositoryId, path: string, key: string | undefined): string | undefined {
  const described = parseDescription(fn.description);
  if (!described) return `its Description ${JSON.stringify(fn.description ?? '')} is not one lambda-sync writes`;
  const named = packagePathIn(described, repository);
  if (named === undefined && described.subject !== undefined) return `its Description ${JSON.stringify(fn.description)} names another repository`;
  if (named !== undefined && (named !== path || described.key !== key)) {
    return `its Description names ${functionLabel(named, described.key)}, not ${functionLabel(path, key)}`;
  }
  if (fn.tags[TAG_REPOSITORY] !== tagValue(repository)) {
    return `its ${TAG_REPOSITORY} tag is ${JSON.stringify(fn.tags[TAG_REPOSITORY] ?? '(none)')}, not ${repository}`;
  }
  return undefined;
}

/**
 * Deletes one orphan, its versions and aliases with it (that is what an
 * unqualified DeleteFunction does). It reads the function first and deletes
 * only while its Description and ownership tag are still the listed ones, so
 * a deploy that re-created it since the listing wins.
 */
export async function removeOrphan(client: LambdaClient, orphan: Orphan, repository: string): Promise<Removal> {
  const { functionName } = orphan;
  const removal = (outcome: Removal['outcome'], detail: string, versions: string[] = [], aliases: string[] = []): Removal =>
    ({ functionName, path: orphan.path, outcome, versions, aliases, detail });
  let current;
  try {
    current = await client.send(new GetFunctionCommand({ FunctionName: functionName }));
  } catch (error) {
    if (isNotFound(error)) return removal('left', ALREADY_GONE);
    throw failedCall('GetFunction', functionName, error);
  }
  if (current.Configuration?.Description !== orphan.description || current.Tags?.[TAG_REPOSITORY] !== tagValue(repository)) {
    return removal('left', `its Description is now ${JSON.stringify(current.Configuration?.Description ?? '')}: it changed since the listing, so it stays`);
  }
  const versions = (await listPublishedVersions(client, functionName)).map((v) => v.Version!);
  const aliases = (await listAliases(client, functionName)).map((a) => a.Name ?? '').filter(Boolean);
  try {
    await client.send(new DeleteFunctionCommand({ FunctionName: functionName }));
  } catch (error) {
    if (isNotFound(error)) return removal('left', ALREADY_GONE);
    throw failedCall('DeleteFunction', functionName, error);
  }
  const went = [versions.length ? `${versions.length} version${versions.length === 1 ? '' : 's'} (${versions.join(', ')})` : '', aliases.length ? `alias${aliases.length === 1 ? '' : 'es'} ${aliases.join(', ')}` : '']
    .filter(Boolean).join(' and ');
  return removal('deleted', `deployed from ${orphan.deployedRevision.slice(0, 12)}; ${orphan.detail}${went ? `; with ${went}` : ''}`, versions, aliases);
}
