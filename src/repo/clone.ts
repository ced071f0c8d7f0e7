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
  /**
   * A partial clone: commits and trees only (`--filter=blob:none`), and a
   * sparse checkout of just these repository paths (folders or files), whose
   * blobs are fetched in one batch; `widen` adds more. Anything else's blobs
   * come on demand. Default: everything.
   */
  sparse?: string[];
}

export interface Checkout {
  dir: string;
  revision: string;
  /** Fetches the whole history of the revision, and of every commit `fetch` added (after a shallow start). Returns false when it already had it. */
  deepen(): Promise<boolean>;
  /** Fetches another commit (a pull request's base), as shallowly as the clone started. */
  fetch(commit: string): Promise<void>;
  /** A sparse clone checks these paths out too (their blobs fetched then); a full clone has them already. */
  widen(paths: string[]): Promise<void>;
}

/** Non-cone sparse patterns: a path matches itself and, for a folder, everything below it. */
const sparsePattern = (path: string): string => `/${path.replace(/^\/+|\/+$/g, '')}`;

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
  const sparse = options.sparse !== undefined;
  // Non-cone mode, since a path may be a single file (lambda-sync.yml, a dependsOn file).
  if (sparse) await git(dir, ['sparse-checkout', 'set', '--no-cone', ...options.sparse!.map(sparsePattern)]);
  // The filter is remembered (remote.origin.partialclonefilter), so later fetches stay partial.
  await git(dir, ['fetch', '--quiet', '--no-tags', depth, ...(sparse ? ['--filter=blob:none'] : []), 'origin', revision]);
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
    async widen(paths) {
      if (!sparse || paths.length === 0) return;
      await git(dir, ['sparse-checkout', 'add', ...paths.map(sparsePattern)]);
    },
  };
}
