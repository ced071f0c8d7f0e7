import { execa } from 'execa';
import { OperationError } from '../errors.js';
import { PathIndex } from './path-index.js';
import { git, shallowBoundaries } from './git.js';

/** What decides one package's revision: every repository path whose changes count as the package's. */
export interface RevisionWatch<K> {
  key: K;
  /** Repository-relative paths, `/`-separated: folders (with everything below) or files. */
  paths: readonly string[];
  /** Files under `paths` whose changes do not count (a package's lambda.yml: configuration, not code). */
  ignore?: readonly string[];
}

export type RevisionResult =
  | { kind: 'found'; revision: string }
  /** A shallow clone's history ends before the package's last change. */
  | { kind: 'shallow'; boundary: string }
  /** No commit reachable from the start touches the package (it is not committed yet). */
  | { kind: 'uncommitted' };

const HEADER = '\x01';

/**
 * Finds, for every watch, the newest commit on the first-parent history of
 * `start` that changed one of its paths, in ONE `git log` pass that stops as
 * soon as every watch is answered.
 *
 * First-parent: on a deploy branch the revision is the commit where the change
 * arrived on that branch (the merge, for a merged pull request), which is also
 * what `git log -1 --first-parent -- <paths>` answers. Renames are listed as a
 * delete plus an add (`--no-renames`), so a package that lost a file through a
 * rename still sees the change.
 */
export async function findRevisions<K>(root: string, watches: RevisionWatch<K>[], start = 'HEAD'): Promise<Map<K, RevisionResult>> {
  const results = new Map<K, RevisionResult>();
  if (watches.length === 0) return results;

  const index = new PathIndex<K>();
  for (const watch of watches) for (const path of watch.paths) index.add(path, watch.key);
  const ignored = new Map(watches.map((watch) => [watch.key, new Set(watch.ignore ?? [])]));
  const boundaries = await shallowBoundaries(root);

  const child = execa('git', ['log', '--first-parent', '--no-renames', '--name-only', '-z', `--format=${HEADER}%H`, start, '--'], {
    cwd: root,
    buffer: false,
    reject: false,
    env: { LC_ALL: 'C' },
    stdin: 'ignore',
    stderr: 'pipe',
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));

  let commit = '';
  let commitIsBoundary = false;
  let pending = '';
  let done = false;

  const settle = (key: K): void => {
    if (results.has(key)) return;
    results.set(key, commitIsBoundary ? { kind: 'shallow', boundary: commit } : { kind: 'found', revision: commit });
    if (results.size === watches.length) done = true;
  };

  const stdout = child.stdout!;
  stdout.setEncoding('utf8');
  for await (const chunk of stdout as AsyncIterable<string>) {
    pending += chunk;
    let end: number;
    while (!done && (end = pending.indexOf('\0')) >= 0) {
      let token = pending.slice(0, end);
      pending = pending.slice(end + 1);
      if (token.startsWith('\n')) token = token.slice(1);
      if (token.startsWith(HEADER)) {
        commit = token.slice(1);
        commitIsBoundary = boundaries.has(commit);
      } else if (token !== '') {
        for (const key of index.ownersOf(token)) if (!ignored.get(key)!.has(token)) settle(key);
      }
    }
    if (done) break;
  }
  if (done) {
    child.kill();
  }
  const outcome = await child;
  if (!done && outcome.exitCode !== 0) {
    throw new OperationError(`git log failed in ${root}: ${stderr.trim() || `exit ${outcome.exitCode}`}`);
  }

  for (const watch of watches) {
    if (results.has(watch.key)) continue;
    // A shallow clone lists its boundary commit as adding every file, so a
    // watch still open at the end either has no history or lies beyond the cut.
    const boundary = [...boundaries][0];
    results.set(watch.key, boundary ? { kind: 'shallow', boundary } : { kind: 'uncommitted' });
  }
  return results;
}

/**
 * True when a commit after `from` up to `to` (`from..to`) changed one of
 * `watch`'s paths (its ignored files left out). Used when the deployed
 * revision descends from ours: if nothing of the package's code changed in
 * between, the deployed code is ours.
 */
export async function changedBetween(root: string, from: string, to: string, watch: Omit<RevisionWatch<unknown>, 'key'>): Promise<boolean> {
  const pathspecs = [...watch.paths.map((p) => `:(literal)${p}`), ...(watch.ignore ?? []).map((p) => `:(exclude,literal)${p}`)];
  const { stdout } = await git(root, ['log', '-1', '--format=%H', `${from}..${to}`, '--', ...pathspecs]);
  return stdout.trim() !== '';
}
