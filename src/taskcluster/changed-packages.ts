// A pull request's check tasks: only the packages whose files differ
// between the merge base of (base, head) and the head, which is what
// GitHub's "Files changed" shows, so commits that landed on the base branch
// after the pull request started do not count.
import { silentLogger, type Logger } from '../log.js';
import type { Package } from '../packages/package.js';
import { changedWatches, mergeBase } from '../repo/changes.js';
import type { Checkout } from '../repo/clone.js';
import { commitKnown } from '../repo/git.js';
import type { PackageVerdict } from './verdicts.js';

export interface ChangeInput {
  gitRoot: string;
  head: string;
  /** The pull request's base commit (`pull_request.base.sha`). */
  base: string;
  packages: readonly Pick<Package, 'path' | 'watchedPaths'>[];
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
  return new Map(
    input.packages.map((p): [string, PackageVerdict] => {
      const files = changed.get(p.path);
      if (!files) return [p.path, { verdict: 'in-sync', why: `unchanged since ${since}` }];
      const shown = files.slice(0, 3).join(', ') + (files.length > 3 ? `, and ${files.length - 3} more` : '');
      return [p.path, { verdict: 'check', why: `changed since ${since}: ${shown}` }];
    }),
  );
}
