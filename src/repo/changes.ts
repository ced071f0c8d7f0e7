import { git } from './git.js';
import { PathIndex } from './path-index.js';
import type { RevisionWatch } from './revisions.js';

/** The best common ancestor of two commits; undefined when git finds none (unrelated, or a shallow history cut before it). */
export async function mergeBase(root: string, a: string, b: string): Promise<string | undefined> {
  const { stdout, exitCode } = await git(root, ['merge-base', a, b], { okExitCodes: [1] });
  return exitCode === 0 ? stdout.trim() : undefined;
}

/**
 * The watches with a file that differs between `from` and `to`: what
 * GitHub's "Files changed" shows for a pull request when `from` is the merge
 * base. A change made and reverted in between does not count. One `git diff`
 * for all of them.
 */
export async function changedWatches<K>(root: string, from: string, to: string, watches: readonly RevisionWatch<K>[]): Promise<Map<K, string[]>> {
  const index = new PathIndex<K>();
  for (const watch of watches) for (const path of watch.paths) index.add(path, watch.key);
  const { stdout } = await git(root, ['diff', '--name-only', '-z', '--no-renames', from, to, '--']);
  const changed = new Map<K, string[]>();
  for (const file of stdout.split('\0')) {
    if (file === '') continue;
    for (const key of index.ownersOf(file)) {
      const files = changed.get(key);
      if (files) files.push(file);
      else changed.set(key, [file]);
    }
  }
  return changed;
}
