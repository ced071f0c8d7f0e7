import { git } from './git.js';
import { PathIndex } from './path-index.js';
import type { RevisionWatch } from './revisions.js';

/**
 * The uncommitted files of each watch that has any: modified, staged,
 * deleted, or untracked-but-not-ignored files under one of its paths,
 * repository-relative and sorted. One `git status` for all of them.
 */
export async function findUncommitted<K>(root: string, watches: RevisionWatch<K>[]): Promise<Map<K, string[]>> {
  const index = new PathIndex<K>();
  for (const watch of watches) for (const path of watch.paths) index.add(path, watch.key);
  const { stdout } = await git(root, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames']);
  const found = new Map<K, string[]>();
  for (const entry of stdout.split('\0').sort()) {
    if (entry.length < 4) continue;
    const path = entry.slice(3).replace(/\/$/, '');
    for (const key of index.ownersOf(path)) {
      const list = found.get(key) ?? [];
      if (!list.includes(path)) list.push(path);
      found.set(key, list);
    }
  }
  for (const list of found.values()) list.sort();
  return found;
}
