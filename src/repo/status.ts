import { git } from './git.js';
import { PathIndex } from './path-index.js';
import type { RevisionWatch } from './revisions.js';

/**
 * The watches that have uncommitted changes in the working tree: modified,
 * staged, deleted, or untracked-but-not-ignored files under one of their
 * paths. One `git status` for all of them.
 */
export async function findDirty<K>(root: string, watches: RevisionWatch<K>[]): Promise<Set<K>> {
  const index = new PathIndex<K>();
  for (const watch of watches) for (const path of watch.paths) index.add(path, watch.key);
  const { stdout } = await git(root, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames']);
  const dirty = new Set<K>();
  for (const entry of stdout.split('\0')) {
    if (entry.length < 4) continue;
    const path = entry.slice(3).replace(/\/$/, '');
    for (const key of index.ownersOf(path)) dirty.add(key);
  }
  return dirty;
}
