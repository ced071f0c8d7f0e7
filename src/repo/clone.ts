import { mkdtemp, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { git } from './git.js';

export interface CloneOptions {
  /** Where to clone; default a new temporary folder. */
  into?: string;
  /** History to fetch at first; the revision pass deepens when it needs more. Default 50. */
  depth?: number;
}

export interface Checkout {
  dir: string;
  revision: string;
  /** Fetches the whole history of the revision, and of every commit `fetch` added (after a shallow start). Returns false when it already had it. */
  deepen(): Promise<boolean>;
  /** Fetches another commit (a pull request's base), as shallowly as the clone started. */
  fetch(commit: string): Promise<void>;
}

const FULL_SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/**
 * Clones `url` at exactly `revision` (a full commit sha) into a fresh folder,
 * shallowly, as a task does: `git fetch <sha>` works on GitHub and on any
 * protocol-v2 server without fetching every branch. Credentials in `url` are
 * never printed (git.ts redacts them).
 */
export async function cloneAtRevision(url: string, revision: string, options: CloneOptions = {}): Promise<Checkout> {
  if (!FULL_SHA.test(revision)) {
    throw new UsageError(`--revision must be a full commit sha (40 hex digits), got ${JSON.stringify(revision)}`);
  }
  const dir = options.into ?? (await mkdtemp(join(tmpdir(), 'lambda-sync-')));
  await mkdir(dir, { recursive: true });
  await git(dir, ['init', '--quiet']);
  await git(dir, ['remote', 'add', 'origin', url]);
  const depth = `--depth=${options.depth ?? 50}`;
  await git(dir, ['fetch', '--quiet', '--no-tags', depth, 'origin', revision]);
  await git(dir, ['checkout', '--quiet', '--detach', revision]);
  const fetched = [revision];
  return {
    dir,
    revision,
    async deepen() {
      const { stdout } = await git(dir, ['rev-parse', '--is-shallow-repository']);
      if (stdout.trim() !== 'true') return false;
      await git(dir, ['fetch', '--quiet', '--no-tags', '--unshallow', 'origin', ...fetched]);
      return true;
    },
    async fetch(commit) {
      if (!FULL_SHA.test(commit)) throw new UsageError(`not a full commit sha: ${JSON.stringify(commit)}`);
      await git(dir, ['fetch', '--quiet', '--no-tags', depth, 'origin', commit]);
      fetched.push(commit);
    },
  };
}
