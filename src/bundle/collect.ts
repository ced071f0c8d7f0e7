import { lstatSync, readdirSync, readlinkSync, realpathSync, statSync, type Stats } from 'node:fs';
import { isAbsolute, join, posix, sep } from 'node:path';
import type { Logger } from '../log.js';
import { SymlinkError } from './errors.js';
import type { FileFilter } from './filters.js';
import type { ZipInput } from './zip/writer.js';

/** 0755 when any execute bit is set (git's 100755, or what npm or the build made executable), else 0644. */
export function normalisedMode(stats: Stats): 0o644 | 0o755 {
  return (stats.mode & 0o111) !== 0 ? 0o755 : 0o644;
}

function isInside(real: string, root: string): boolean {
  return real === root || real.startsWith(`${root}${sep}`);
}

/**
 * Lists what ships from the staged package folder `dir`, after npm and the
 * build have run.
 *
 * Symlinks are followed: the zip holds a regular file (or the folder's files)
 * at the link's path. That keeps the archive to plain files, which every
 * unzip (Lambda's included) treats the same, at the cost of duplicate bytes
 * when a link and its target both ship. A link must stay inside the package:
 * an absolute target, one that climbs out (`../`), one that leads out
 * through other links, a dangling one, or one that loops back to a folder
 * above it is an error naming it. Links under an excluded path are not
 * judged, since they do not ship.
 */
export function collectFiles(dir: string, packagePath: string, filter: FileFilter, logger: Logger): ZipInput[] {
  const root = realpathSync(dir);
  const files: ZipInput[] = [];

  const add = (name: string, source: string, stats: Stats): void => {
    files.push({ name, source, size: stats.size, mode: normalisedMode(stats) });
  };

  const walk = (abs: string, rel: string, expanding: Set<string>): void => {
    const entries = readdirSync(abs, { withFileTypes: true });
    for (const entry of entries) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      const source = join(abs, entry.name);
      if (entry.isDirectory()) {
        // `abs` is always a real path, so a plain folder below it is one too
        if (!filter.excludes(path)) walk(source, path, new Set([...expanding, source]));
      } else if (entry.isFile()) {
        if (filter.ships(path)) add(path, source, lstatSync(source));
      } else if (entry.isSymbolicLink()) {
        if (filter.excludes(path)) continue;
        const real = followLink(source, path);
        const stats = statSync(real);
        if (stats.isDirectory()) {
          if (expanding.has(real)) throw new SymlinkError(packagePath, path, readlinkSync(source), 'points to a folder that contains it (a loop)');
          walk(real, path, new Set([...expanding, real]));
        } else if (stats.isFile()) {
          if (filter.ships(path)) add(path, real, stats);
        }
      } else {
        logger.warn(`${packagePath}: ${path} is not a file, folder or symlink; not bundled`);
      }
    }
  };

  const followLink = (source: string, path: string): string => {
    const target = readlinkSync(source);
    if (isAbsolute(target)) throw new SymlinkError(packagePath, path, target, 'is absolute');
    const lexical = posix.normalize(posix.join(posix.dirname(path), target.split(sep).join('/')));
    if (lexical === '..' || lexical.startsWith('../')) throw new SymlinkError(packagePath, path, target, 'points outside the package');
    let real: string;
    try {
      real = realpathSync(source);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new SymlinkError(packagePath, path, target, code === 'ELOOP' ? 'is a loop of links' : 'points to nothing');
    }
    if (!isInside(real, root)) throw new SymlinkError(packagePath, path, target, 'leads outside the package (through another link)');
    return real;
  };

  walk(root, '', new Set([root]));
  return files;
}
