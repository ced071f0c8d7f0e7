// A pull request's check tasks: only the packages whose code or
// configuration differs between the merge base of (base, head) and the
// head. The merge base is what GitHub's "Files changed" compares with, so
// commits that landed on the base branch after the pull request started do
// not count. Code is compared by files (the package's lambda.yml left out,
// as in its code revision); configuration by each function's effective
// settings, read at both commits, so a change to lambda-sync.yml's defaults
// checks exactly the packages it reaches, and a comment changes nothing.
import { silentLogger, type Logger } from '../log.js';
import type { Package, PackageFunction } from '../packages/package.js';
import { functionLabel } from '../packages/description.js';
import { changedWatches, mergeBase } from '../repo/changes.js';
import type { Checkout } from '../repo/clone.js';
import { commitKnown } from '../repo/git.js';
import type { PackageVerdict } from './verdicts.js';

/** What the comparison needs of a package's configuration at one commit. */
export type PackageConfigView = Pick<Package, 'path' | 'bundleDigest'> & { functions: readonly Pick<PackageFunction, 'key' | 'settings' | 'configDigest'>[] };

export interface ChangeInput {
  gitRoot: string;
  head: string;
  /** The pull request's base commit (`pull_request.base.sha`). */
  base: string;
  packages: readonly (Pick<Package, 'path' | 'watchedPaths'> & Partial<Pick<Package, 'ignoredPaths'>> & Partial<PackageConfigView>)[];
  /**
   * The packages' configuration at another commit (the merge base), for the
   * configuration comparison; without it only files are compared.
   */
  configAt?: (commit: string) => Promise<readonly PackageConfigView[]>;
  /** The decision's clone: the base is fetched into it, and its history deepened when the merge base lies beyond it. */
  checkout?: Checkout;
  logger?: Logger;
}

/** Per package: `check` when it changed, `in-sync` when not; every package `check` (with a warning) when no merge base is found. */
export async function pullRequestVerdicts(input: ChangeInput): Promise<Map<string, PackageVerdict>> {
  const logger = input.logger ?? silentLogger;
  const { gitRoot, head, base, checkout } = input;
  const all = (why: string) => new Map(input.packages.map((p) => [p.path, { verdict: 'check' as const, why }]));
  if (checkout && !(await commitKnown(gitRoot, base))) {
    // A base force-pushed away: checking everything beats failing the pull request's decision.
    await logger.step(`fetch the base ${base.slice(0, 12)}`, () => checkout.fetch(base)).catch((error: unknown) => logger.warn((error as Error).message));
  }
  if (!(await commitKnown(gitRoot, base))) {
    logger.warn(`the base ${base.slice(0, 12)} is not in this repository: every package gets a check task`);
    return all(`the base ${base.slice(0, 12)} is unknown here, so every package is checked`);
  }
  let common = await mergeBase(gitRoot, base, head);
  if (common === undefined && checkout && (await logger.step('fetch the whole history to find the merge base', () => checkout.deepen()))) {
    common = await mergeBase(gitRoot, base, head);
  }
  if (common === undefined) {
    logger.warn(`${head.slice(0, 12)} and the base ${base.slice(0, 12)} have no common ancestor: every package gets a check task`);
    return all(`no common ancestor with the base ${base.slice(0, 12)}, so every package is checked`);
  }
  const changed = await changedWatches(gitRoot, common, head, input.packages.map((p) => ({ key: p.path, paths: [...p.watchedPaths] })));
  const since = `the merge base ${common.slice(0, 12)}`;
  const before = await configsAt(input, common, logger);
  return new Map(
    input.packages.map((p): [string, PackageVerdict] => {
      // The package's lambda.yml is configuration: compared below by what it sets, not by its text.
      const files = (changed.get(p.path) ?? []).filter((file) => !(p.ignoredPaths ?? []).includes(file));
      if (files.length > 0) {
        const shown = files.slice(0, 3).join(', ') + (files.length > 3 ? `, and ${files.length - 3} more` : '');
        return [p.path, { verdict: 'check', why: `changed since ${since}: ${shown}` }];
      }
      const configuration = configurationChange(p, before, changed.get(p.path) ?? []);
      if (configuration) return [p.path, { verdict: 'check', why: `${configuration} since ${since}` }];
      return [p.path, { verdict: 'in-sync', why: `unchanged since ${since}` }];
    }),
  );
}

/** The packages' configuration at the merge base by path; undefined when it cannot be compared (then any lambda.yml change counts). */
async function configsAt(input: ChangeInput, commit: string, logger: Logger): Promise<Map<string, PackageConfigView> | undefined> {
  if (!input.configAt) return undefined;
  try {
    return new Map((await input.configAt(commit)).map((p) => [p.path, p]));
  } catch (error) {
    logger.warn(`the configuration at the merge base ${commit.slice(0, 12)} could not be read (${error instanceof Error ? error.message.split('\n')[0] : String(error)}): packages are compared by their files only`);
    return undefined;
  }
}

/** What changed in a package's configuration, for the why; undefined when nothing that reaches Lambda or the bundle did. */
function configurationChange(p: ChangeInput['packages'][number], before: Map<string, PackageConfigView> | undefined, ignoredChanged: readonly string[]): string | undefined {
  if (!before || !p.functions || p.bundleDigest === undefined) return ignoredChanged.length > 0 ? `changed: ${ignoredChanged.join(', ')}` : undefined;
  const old = before.get(p.path);
  if (!old) return 'not a package at the merge base';
  if (old.bundleDigest !== p.bundleDigest) return 'bundle settings (build, include, exclude, dependsOn) changed';
  const oldByKey = new Map(old.functions.map((fn) => [fn.key, fn]));
  const changes: string[] = [];
  for (const fn of p.functions) {
    const was = oldByKey.get(fn.key);
    const label = fn.key ?? '';
    if (!was) changes.push(`new function ${functionLabel(p.path, fn.key)}`);
    else if (was.configDigest !== fn.configDigest) changes.push(`${label ? `${label}: ` : ''}${changedFields(was.settings, fn.settings).join(', ')}`);
  }
  const gone = old.functions.filter((fn) => !p.functions!.some((now) => now.key === fn.key));
  for (const fn of gone) changes.push(`function ${functionLabel(p.path, fn.key)} removed`);
  return changes.length > 0 ? `configuration changed (${changes.join('; ')})` : undefined;
}

function changedFields(a: object, b: object): string[] {
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].sort();
  return keys.filter((k) => JSON.stringify(left[k]) !== JSON.stringify(right[k]));
}
