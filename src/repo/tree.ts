// What lambda-sync reads config and discovers packages from: the working
// tree (`plan`, a preview of what is on disk), or a commit (everything that
// deploys: bundle, deploy, sync, decision), so that what reaches Lambda is
// always what is committed.
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { readObjectsText } from './cat-file.js';
import { git } from './git.js';

export type PathKind = 'file' | 'folder' | 'outside' | undefined;

/** A symlinked folder of the working tree that leads outside the repository. */
export interface OutsideLink {
  /** Repository-relative path of the link. */
  path: string;
  /** Where it leads (absolute). */
  real: string;
}

export interface FolderListing {
  /** Repository-relative, `/`-separated, sorted; '' is the repository root. */
  folders: string[];
  outsideLinks: OutsideLink[];
}

export interface RepositoryTree {
  /** For messages: `the working tree` or `commit 1a2b3c4d5e6f`. */
  readonly label: string;
  /** The commit it reads; undefined for the working tree. */
  readonly commit: string | undefined;
  /** Every folder at or under `under` ('' = the root), never entering dot folders or node_modules below it. */
  folders(under: string): Promise<FolderListing>;
  /** The contents of the files at `paths` (repository-relative); undefined for one that is not a file. */
  readFiles(paths: readonly string[]): Promise<Array<string | undefined>>;
  /** What `path` is; the working tree answers 'outside' for a path that leads out of the repository through a symlink. */
  kind(path: string): Promise<PathKind>;
}

const SKIPPED_DIRS = new Set(['node_modules']);
const skipped = (name: string): boolean => name.startsWith('.') || SKIPPED_DIRS.has(name);

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

function isInside(parent: string, child: string): boolean {
  return child === parent || child.startsWith(`${parent}/`);
}

const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The files on disk under `gitRoot`, as they are now (committed or not). */
export async function workingTree(gitRoot: string): Promise<RepositoryTree> {
  const realRoot = await realpath(gitRoot);
  return {
    label: 'the working tree',
    commit: undefined,
    async folders(under) {
      const folders: string[] = [];
      const outsideLinks: OutsideLink[] = [];
      const walk = async (dir: string): Promise<void> => {
        folders.push(toPosix(relative(realRoot, dir)));
        const entries = await readdir(dir, { withFileTypes: true });
        entries.sort((a, b) => byCodePoint(a.name, b.name));
        for (const entry of entries) {
          if (skipped(entry.name)) continue;
          const child = join(dir, entry.name);
          if (entry.isDirectory()) {
            await walk(child);
          } else if (entry.isSymbolicLink()) {
            // A link to a folder inside the repository is skipped: its real folder is scanned.
            if (!(await stat(child).then((s) => s.isDirectory(), () => false))) continue;
            const real = await realpath(child);
            if (!isInside(realRoot, real)) outsideLinks.push({ path: toPosix(relative(realRoot, child)), real });
          }
        }
      };
      await walk(join(realRoot, ...under.split('/').filter(Boolean)));
      return { folders: folders.sort(byCodePoint), outsideLinks };
    },
    async readFiles(paths) {
      return Promise.all(
        paths.map(async (path) => {
          try {
            return await readFile(join(realRoot, path), 'utf8');
          } catch (error) {
            const code = (error as NodeJS.ErrnoException).code;
            if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return undefined;
            throw error;
          }
        }),
      );
    },
    async kind(path) {
      const full = join(realRoot, path);
      const stats = await stat(full).catch(() => undefined);
      if (!stats) return undefined;
      if (!isInside(realRoot, await realpath(full))) return 'outside';
      return stats.isDirectory() ? 'folder' : 'file';
    },
  };
}

interface TreeEntry {
  mode: string;
  oid: string;
}

/**
 * The files of `commit`, from git's objects: one `git ls-tree` for the whole
 * tree, and one `git cat-file --batch` per batch of reads. Uncommitted and
 * untracked files do not exist here.
 */
export async function commitTree(gitRoot: string, commit: string): Promise<RepositoryTree> {
  const { stdout } = await git(gitRoot, ['ls-tree', '-r', '-z', '--full-tree', commit]);
  const files = new Map<string, TreeEntry>();
  const allFolders = new Set<string>(['']);
  for (const line of stdout.split('\0')) {
    if (line === '') continue;
    const tab = line.indexOf('\t');
    const [mode, type, oid] = line.slice(0, tab).split(' ');
    if (type !== 'blob') continue; // submodules are no files of ours
    const path = line.slice(tab + 1);
    files.set(path, { mode: mode!, oid: oid! });
    for (let slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) allFolders.add(path.slice(0, slash));
  }
  return {
    label: `commit ${commit.slice(0, 12)}`,
    commit,
    async folders(under) {
      const prefix = under === '' ? '' : `${under}/`;
      const folders = [...allFolders].filter((folder) => {
        if (folder !== under && !folder.startsWith(prefix)) return false;
        return !folder.slice(prefix.length).split('/').some((name) => name !== '' && skipped(name));
      });
      return { folders: folders.sort(byCodePoint), outsideLinks: [] };
    },
    async readFiles(paths) {
      const wanted = paths.map((path) => files.get(path)).map((entry) => (entry && entry.mode !== '120000' ? entry.oid : undefined));
      const present = wanted.filter((oid): oid is string => oid !== undefined);
      const texts = await readObjectsText(gitRoot, present);
      let next = 0;
      return wanted.map((oid) => (oid === undefined ? undefined : texts[next++]));
    },
    async kind(path) {
      if (files.has(path)) return 'file';
      return allFolders.has(path) ? 'folder' : undefined;
    },
  };
}
