import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { mapWithConcurrency } from '../concurrency.js';
import { functionDescription, functionLabel, isDescriptionOf, packagePathIn, parseDescription } from '../packages/description.js';
import type { FunctionSettings } from '../packages/function-settings.js';
import { commitsBetween, isAncestor, pathInCommit } from '../repo/git.js';
import type { RepositoryId } from '../repo/repository-id.js';
import { configDrift, tagValue, TAG_CODE_SHA256, TAG_CONFIG, TAG_CONFIG_REVISION, TAG_PATH, TAG_REPOSITORY, type FieldDrift } from './function-config.js';
import type { RevisionHistory } from './history.js';

/**
 * How one function of the repository at HEAD stands in Lambda (a package
 * without `functions` is one function). One state per function, the first that applies in this order: failed, missing, foreign,
 * unknown-revision, newer-deployed, behind, code-drift, config-drift, in-sync.
 */
export type PackageState =
  | 'in-sync'
  /** Lambda runs an older revision; `commitsBehind` says by how many commits. */
  | 'behind'
  /** Lambda runs a revision that descends from ours (a newer push deployed it). */
  | 'newer-deployed'
  | 'missing'
  /** The revision is ours but a configuration field differs (`drift`). */
  | 'config-drift'
  /** The revision is ours but CodeSha256 is not what lambda-sync uploaded (only seen with `verifyCode`). */
  | 'code-drift'
  /** State Failed (a creation that failed), or the last update Failed. */
  | 'failed'
  /** Lambda's Description names a revision git does not know, or none at all (edited by hand). */
  | 'unknown-revision'
  /** The function of that name belongs to another repository or package: lambda-sync leaves it alone. */
  | 'foreign';

export interface PackageStatus {
  path: string;
  /** The function's key under its package's `functions`; absent for a package's single function. */
  key?: string;
  functionName: string;
  /** The package's revision at HEAD (null: never committed). */
  revision: string | null;
  /** The revision Lambda's Description names (null: missing, or none). */
  deployedRevision: string | null;
  state: PackageState;
  /** For `behind`: commits since the deployed revision that changed the package (its folder, dependsOn, the root config). */
  commitsBehind: number | null;
  /** For `config-drift`: each field that differs. */
  drift: FieldDrift[];
  /** For people: why this state. */
  detail: string;
}

/** A function this repository owns whose package HEAD provably no longer has: what pruning deletes. */
export interface Orphan {
  functionName: string;
  functionArn: string;
  /** The package path its Description (or, when cut, its tag) names. */
  path: string;
  /** The `functions` key its Description names, for one of several functions of a package. */
  key?: string;
  deployedRevision: string;
  /** As listed: a removal deletes only while it is still this. */
  description: string;
  /** Packages at HEAD with the same folder name: "renamed?". */
  renamedTo: string[];
  /** Why it is an orphan. */
  detail: string;
}

/** A function that looks like this repository's under the root but that nothing may delete, and why. */
export interface KeptFunction {
  functionName: string;
  path: string | null;
  /** The `functions` key its Description names, for one of several functions of a package. */
  key?: string;
  deployedRevision: string | null;
  why: string;
}

export interface Classification {
  repository: RepositoryId;
  head: string;
  /** Repository-relative folder the comparison covers ('' for the whole repository). */
  scope: string;
  packages: PackageStatus[];
  orphans: Orphan[];
  kept: KeptFunction[];
  /** Functions this repository owns under the scope: its packages' functions in Lambda, plus the orphans. */
  owned: number;
}

/** What classification needs of the repository at HEAD (a Plan has all of it). */
export interface RepositoryAtHead {
  repository: RepositoryId;
  gitRoot: string;
  head: string;
  /** Repository-relative folder that was scanned; '' for the whole repository. */
  scope: string;
  packages: ReadonlyArray<{
    path: string;
    revision: string | undefined;
    watchedPaths: readonly string[];
    /** Files under watchedPaths that are configuration, not code (the package's lambda.yml). */
    ignoredPaths?: readonly string[];
    functions: ReadonlyArray<{ key: string | undefined; functionName: string; settings: FunctionSettings; configDigest: string }>;
  }>;
}

/** The reads beyond ListFunctions, made only for the functions that need them. */
export interface LambdaReads {
  /** Every function of the account (listAllFunctions). */
  functions: FunctionConfiguration[];
  /** ListTags of one function: the ownership tag of an orphan candidate. */
  tags(fn: FunctionConfiguration): Promise<Record<string, string>>;
  /** GetFunction (State, LastUpdateStatus, Tags): for packages that are not in sync, and all with verifyCode. */
  getFunction(functionName: string): Promise<{ configuration: FunctionConfiguration; tags: Record<string, string> } | undefined>;
}

export interface ClassifyOptions {
  history: RevisionHistory;
  /** Also GetFunction every in-sync package, to catch code uploaded by hand and failed creations. */
  verifyCode?: boolean;
  /** Reads and git commands at once; default 8. */
  concurrency?: number;
}

/**
 * Compares the repository's packages at HEAD with what Lambda runs. Only
 * ListFunctions' entries are needed for a package in sync; a package that is
 * not gets one GetFunction (its State), and an orphan candidate one ListTags
 * (its ownership tag).
 */
export async function classify(repo: RepositoryAtHead, lambda: LambdaReads, options: ClassifyOptions): Promise<Classification> {
  const concurrency = options.concurrency ?? 8;
  const byName = new Map(lambda.functions.map((fn) => [fn.FunctionName ?? '', fn]));
  const functions = repo.packages.flatMap((pkg) => pkg.functions.map((fn) => ({ pkg, fn })));
  const packages = await mapWithConcurrency(functions, concurrency, ({ pkg, fn }) => functionStatus(repo, pkg, fn, byName.get(fn.functionName), lambda, options));

  const ourNames = new Set(functions.map(({ fn }) => fn.functionName));
  const candidates = lambda.functions.filter((fn) => !ourNames.has(fn.FunctionName ?? '') && mayBeOurs(repo.repository, fn));
  const verdicts = await mapWithConcurrency(candidates, concurrency, (fn) => orphanVerdict(repo, fn, lambda));
  const orphans = verdicts.filter((v): v is Orphan => 'functionArn' in v);
  const kept = verdicts.filter((v): v is KeptFunction => 'why' in v && v.why !== OUTSIDE);
  const present = packages.filter((p) => p.state !== 'missing' && p.state !== 'foreign').length;
  return { repository: repo.repository, head: repo.head, scope: repo.scope, packages, orphans, kept, owned: present + orphans.length };
}

type Pkg = RepositoryAtHead['packages'][number];
type Fn = Pkg['functions'][number];

async function functionStatus(repo: RepositoryAtHead, pkg: Pkg, ours: Fn, fn: FunctionConfiguration | undefined, lambda: LambdaReads, options: ClassifyOptions): Promise<PackageStatus> {
  const revision = pkg.revision ?? null;
  const status = (state: PackageState, detail: string, extra: Partial<PackageStatus> = {}): PackageStatus => ({
    path: pkg.path, ...(ours.key === undefined ? {} : { key: ours.key }), functionName: ours.functionName, revision, deployedRevision: null, state, commitsBehind: null, drift: [], detail, ...extra,
  });
  if (!fn) return status('missing', 'no function of this name in Lambda');
  const described = parseDescription(fn.Description);
  const deployedRevision = described?.revision ?? null;
  if (described && !isDescriptionOf(fn.Description!, repo.repository, pkg.path, ours.key)) {
    const subject = described.subject === undefined ? 'another package' : `${described.subject}${described.key === undefined ? '' : `#${described.key}`}`;
    return status('foreign', `its Description names ${subject}: not this ${ours.key === undefined ? 'package' : 'function'}'s, so lambda-sync leaves it alone`, { deployedRevision });
  }
  const inSync = deployedRevision !== null && deployedRevision === revision;
  const drift = inSync ? configDrift(ours.settings, fn) : [];
  // An alias is not in ListFunctions' entries: its setting is seen only through the configuration digest (a GetFunction).
  const digestNeeded = inSync && drift.length === 0 && ours.settings.alias !== undefined;
  let full: Awaited<ReturnType<LambdaReads['getFunction']>> = undefined;
  if (!inSync || drift.length > 0 || digestNeeded || options.verifyCode) {
    full = await lambda.getFunction(ours.functionName);
    if (!full) return status('missing', 'deleted while this status was being made');
    const c = full.configuration;
    if (c.State === 'Failed') return status('failed', `State Failed: ${c.StateReason ?? 'no reason given'}${c.StateReasonCode ? ` (${c.StateReasonCode})` : ''}`, { deployedRevision });
    if (c.LastUpdateStatus === 'Failed') return status('failed', `its last update Failed: ${c.LastUpdateStatusReason ?? 'no reason given'}${c.LastUpdateStatusReasonCode ? ` (${c.LastUpdateStatusReasonCode})` : ''}`, { deployedRevision });
  }
  if (deployedRevision === null) return status('unknown-revision', `its Description ${JSON.stringify(fn.Description ?? '')} names no revision`);
  if (revision === null) return status('unknown-revision', 'the package has never been committed', { deployedRevision });
  if (!inSync) {
    const order = await options.history.compare(deployedRevision, revision);
    if (order === 'unknown') return status('unknown-revision', `the deployed revision ${deployedRevision.slice(0, 12)} is not in this repository's history`, { deployedRevision });
    if (order === 'newer') return status('newer-deployed', `Lambda runs ${deployedRevision.slice(0, 12)}, which is newer than HEAD's`, { deployedRevision });
    const behind = await commitsBetween(repo.gitRoot, deployedRevision, revision, [...pkg.watchedPaths, ...(pkg.ignoredPaths ?? []).map((p) => `:(exclude)${p}`)]);
    return status('behind', `Lambda runs ${deployedRevision.slice(0, 12)}, ${behind} commit${behind === 1 ? '' : 's'} behind`, { deployedRevision, commitsBehind: behind });
  }
  const recorded = full?.tags[TAG_CODE_SHA256];
  if (full && recorded !== undefined && recorded !== tagValue(fn.CodeSha256 ?? '')) {
    return status('code-drift', `its CodeSha256 ${fn.CodeSha256} is not the ${recorded} lambda-sync uploaded: code was uploaded by hand`, { deployedRevision });
  }
  if (drift.length > 0) return status('config-drift', `differs in ${drift.map((d) => d.field).join(', ')}`, { deployedRevision, drift });
  const digest = full?.tags[TAG_CONFIG];
  if (digestNeeded && digest !== ours.configDigest) {
    const why = digest === undefined ? 'it has no configuration digest yet' : 'its configuration digest is not this one';
    return status('config-drift', `${why} (its alias ${ours.settings.alias} is not visible in the listing)`, { deployedRevision, drift: [{ field: 'configuration digest', repository: ours.configDigest, lambda: digest ?? null }] });
  }
  return status('in-sync', 'Lambda runs this revision with this configuration', { deployedRevision });
}

/** Cheap first filter (no call): its Description starts like one of this repository's. */
function mayBeOurs(repository: RepositoryId, fn: FunctionConfiguration): boolean {
  const described = parseDescription(fn.Description);
  if (!described) return false;
  return described.subject === undefined ? fn.Description!.startsWith(`${repository}/`.slice(0, 64)) : packagePathIn(described, repository) !== undefined;
}

const OUTSIDE = 'outside the scope';

function inScope(scope: string, path: string): boolean {
  return scope === '' || path === scope || path.startsWith(`${scope}/`);
}

/**
 * An orphan is only what this repository provably owns and HEAD provably
 * lacks: its Description and its `lambda-sync:repository` tag both name this
 * repository, its path is under the scope, HEAD has no package at that path
 * (or the package there no longer declares that function: its `functions`
 * key is gone, or it went from one function to several or back), and the
 * revision it was deployed from is in HEAD's history (so HEAD is later than
 * that deploy: a shallow clone, or a checkout behind the deploy branch,
 * cannot tell, and deletes nothing).
 */
async function orphanVerdict(repo: RepositoryAtHead, fn: FunctionConfiguration, lambda: LambdaReads): Promise<Orphan | KeptFunction> {
  const functionName = fn.FunctionName ?? '';
  const described = parseDescription(fn.Description)!;
  const { revision: deployedRevision, key } = described;
  let path = packagePathIn(described, repo.repository);
  const label = (p: string): string => functionLabel(p, key);
  if (path !== undefined && !inScope(repo.scope, path)) return { functionName, path, deployedRevision, why: OUTSIDE };
  const tags = await lambda.tags(fn);
  const keep = (why: string): KeptFunction => ({ functionName, path: path ?? null, ...(key === undefined ? {} : { key }), deployedRevision, why });
  if (tags[TAG_REPOSITORY] !== tagValue(repo.repository)) {
    return keep(`its Description names this repository but its ${TAG_REPOSITORY} tag is ${JSON.stringify(tags[TAG_REPOSITORY] ?? '(none)')}: not provably this repository's`);
  }
  if (path === undefined) {
    // Lambda's 256-character cut hid the path: the tag names it, and the Description must be exactly what it would give.
    const tagged = tags[TAG_PATH];
    if (tagged === undefined || functionDescription(repo.repository, tagged, deployedRevision, key) !== fn.Description) return keep(`its Description is cut and its ${TAG_PATH} tag does not give it back`);
    path = tagged;
    if (!inScope(repo.scope, path)) return { functionName, path, deployedRevision, why: OUTSIDE };
  }
  const samePath = repo.packages.find((p) => p.path === path);
  let detail: string;
  if (samePath) {
    const now = samePath.functions.find((f) => f.key === key);
    if (now) {
      // The package still declares this function but deploys it to another name now (namePrefix or name changed).
      detail = `${label(path)} now deploys to ${now.functionName}`;
    } else if (key === undefined) {
      detail = `${path} now declares functions (${samePath.functions.map((f) => f.key).join(', ')}) instead of being one function`;
    } else {
      const keys = samePath.functions.map((f) => f.key).filter((k): k is string => k !== undefined);
      detail = keys.length ? `${path} no longer declares the function ${key} (it has ${keys.join(', ')})` : `${path} is one function now, without functions`;
    }
  } else {
    if (await pathInCommit(repo.gitRoot, repo.head, path)) return keep(`HEAD still has ${path} (not a package there, or not committed as removed)`);
    detail = `HEAD has no ${path}`;
  }
  const ordered = await isAncestor(repo.gitRoot, deployedRevision, repo.head);
  if (ordered === undefined) return keep(`it was deployed from ${deployedRevision.slice(0, 12)}, which this clone does not have (shallow, or not fetched): HEAD cannot prove it removed ${label(path)}`);
  if (!ordered) return keep(`it was deployed from ${deployedRevision.slice(0, 12)}, which is not in HEAD's history: a newer or other branch may have ${label(path)}`);
  // The Description holds the code revision, which a lambda.yml-only commit does not move: a newer push that added this
  // functions key (or renamed the function) deployed it at HEAD's code revision. Its configuration's commit tells.
  const configuredAt = tags[TAG_CONFIG_REVISION];
  if (configuredAt !== undefined && configuredAt !== deployedRevision) {
    const configOrdered = await isAncestor(repo.gitRoot, configuredAt, repo.head);
    if (configOrdered === undefined) return keep(`its configuration was read from ${configuredAt.slice(0, 12)}, which this clone does not have (shallow, or not fetched): HEAD cannot prove it removed ${label(path)}`);
    if (!configOrdered) return keep(`its configuration was read from ${configuredAt.slice(0, 12)}, which is not in HEAD's history: a newer or other branch may declare ${label(path)}`);
  }
  const folder = path.split('/').pop();
  const renamedTo = samePath ? [] : repo.packages.filter((p) => p.path !== path && p.path.split('/').pop() === folder).map((p) => p.path);
  return { functionName, functionArn: fn.FunctionArn ?? '', path, ...(key === undefined ? {} : { key }), deployedRevision, description: fn.Description ?? '', renamedTo, detail };
}
