import { mkdirSync } from 'node:fs';
import { join, posix } from 'node:path';
import { OperationError } from '../errors.js';
import { git } from '../repo/git.js';
import { writeBlobs, type BlobJob } from './git-blobs.js';

interface TreeEntry {
  mode: string;
  type: string;
  oid: string;
  path: string;
}

async function listTree(gitRoot: string, revision: string, paths: readonly string[]): Promise<TreeEntry[]> {
  // --literal-pathspecs: a folder named `a*` is that folder, not a glob
  const { stdout } = await git(gitRoot, ['--literal-pathspecs', 'ls-tree', '-r', '-z', '--full-tree', revision, '--', ...paths]);
  return stdout
    .split('\0')
    .filter((line) => line !== '')
    .map((line) => {
      const tab = line.indexOf('\t');
      const [mode, type, oid] = line.slice(0, tab).split(' ');
      return { mode: mode!, type: type!, oid: oid!, path: line.slice(tab + 1) };
    });
}

export interface StageResult {
  /** Files and symlinks written. */
  files: number;
  /** The requested paths that exist at the revision. */
  found: Set<string>;
}

/**
 * Writes the files that `paths` (repository-relative folders or files) hold
 * at `revision` under `stageRoot`, at the same relative places, so that
 * relative references between them (`file:../shared/x`) resolve as in the
 * repository. Content comes from git's objects, never from the working
 * tree: untracked or modified files cannot leak in. Files get 0755 when git
 * records them executable (100755), else 0644; symlinks (120000) are
 * recreated as symlinks and judged when the bundle's files are collected.
 */
export async function stageFromGit(gitRoot: string, revision: string, paths: readonly string[], stageRoot: string): Promise<StageResult> {
  if (paths.length === 0) return { files: 0, found: new Set() };
  const entries = await listTree(gitRoot, revision, paths);
  const jobs: BlobJob[] = [];
  const folders = new Set<string>();
  for (const entry of entries) {
    if (entry.type === 'commit') {
      throw new OperationError(`${entry.path} is a git submodule; submodules are not bundled`, 'vendor its files into the repository, or make it an npm dependency');
    }
    if (entry.type !== 'blob') continue;
    const file = join(stageRoot, ...entry.path.split('/'));
    folders.add(posix.dirname(entry.path));
    if (entry.mode === '120000') jobs.push({ oid: entry.oid, file, kind: 'symlink' });
    else jobs.push({ oid: entry.oid, file, kind: 'file', mode: entry.mode === '100755' ? 0o755 : 0o644 });
  }
  for (const folder of folders) mkdirSync(join(stageRoot, ...folder.split('/')), { recursive: true });
  await writeBlobs(gitRoot, jobs);
  const found = new Set(paths.filter((p) => entries.some((e) => e.path === p || e.path.startsWith(`${p}/`))));
  return { files: jobs.length, found };
}
