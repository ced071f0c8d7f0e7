import { readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import picomatch from 'picomatch';
import { ConfigError, UsageError } from '../errors.js';
import { readPackageConfigSource, type PackageConfigSource } from '../config/load.js';
import { ROOT_CONFIG_FILE, type RootConfig } from '../config/types.js';

export interface DiscoveredPackage {
  /** Repository-relative, `/`-separated. */
  path: string;
  source: PackageConfigSource;
}

const SKIPPED_DIRS = new Set(['node_modules']);

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

function isInside(parent: string, child: string): boolean {
  return child === parent || child.startsWith(`${parent}/`);
}

/**
 * Finds the package folders under `scanRoot` (a folder inside the repository
 * at `gitRoot`), reading the working tree. With `packages` globs in the root
 * config, a folder matching one of them and holding a package.json or a
 * lambda.yml is a package; without, a folder holding a lambda.yml or a
 * package.json with a "lambda" object is. node_modules and dot folders are
 * never entered. A symlinked folder that stays inside the repository is
 * skipped (its real folder is scanned); one that leads outside is an error
 * when it holds a package.
 */
export async function discoverPackages(gitRoot: string, scanRoot: string, config: RootConfig): Promise<DiscoveredPackage[]> {
  const realRoot = await realpath(gitRoot);
  const realScan = await realpath(scanRoot).catch(() => {
    throw new UsageError(`${scanRoot} does not exist`);
  });
  if (!isInside(realRoot, realScan)) throw new UsageError(`${scanRoot} is not inside the repository at ${gitRoot}`);

  const globs = config.packages;
  const matches = globs ? picomatch(globs, { dot: false }) : undefined;
  const found: DiscoveredPackage[] = [];

  const consider = async (relPath: string): Promise<void> => {
    const source = await readPackageConfigSource(realRoot, relPath === '' ? '.' : relPath);
    if (!source) return;
    if (relPath === '') {
      if (source.kind !== 'none') {
        throw new ConfigError(source.file, source.kind === 'package.json' ? 'lambda' : '', 'the repository root cannot be a package', 'move the function into a folder of its own');
      }
      return;
    }
    if (isPackageFolder(relPath, source, matches)) found.push({ path: relPath, source });
  };

  const walk = async (dir: string): Promise<void> => {
    const relPath = toPosix(relative(realRoot, dir));
    await consider(relPath);
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.') || SKIPPED_DIRS.has(entry.name)) continue;
      const child = join(dir, entry.name);
      if (entry.isDirectory()) {
        await walk(child);
      } else if (entry.isSymbolicLink()) {
        await checkSymlinkedFolder(realRoot, child, globs ? matches! : undefined);
      }
    }
  };

  await walk(realScan);
  if (globs && found.length === 0) {
    throw new ConfigError(ROOT_CONFIG_FILE, 'packages', `no package folder matches ${globs.map((g) => JSON.stringify(g)).join(', ')} under ${toPosix(relative(realRoot, realScan)) || '.'}`, 'each package folder needs a package.json or a lambda.yml');
  }
  return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The rule of discovery: matched by a `packages` glob, or without globs, configured (lambda.yml or a "lambda" object). */
function isPackageFolder(relPath: string, source: PackageConfigSource, matches: ((path: string) => boolean) | undefined): boolean {
  return matches ? matches(relPath) : source.kind !== 'none';
}

/**
 * The outermost package folder that holds the repository-relative folder
 * `relDir` (or is it), by discovery's rule; undefined when none does. For
 * tools that must not write into a package (a file there would make it dirty,
 * and ship once committed). A folder whose config cannot be read counts as no
 * package here: discovery reports it where it matters.
 */
export async function enclosingPackage(gitRoot: string, relDir: string, config: RootConfig): Promise<string | undefined> {
  const matches = config.packages ? picomatch(config.packages, { dot: false }) : undefined;
  const folders = relDir.split('/').filter((f) => f !== '' && f !== '.');
  for (let depth = 1; depth <= folders.length; depth++) {
    const relPath = folders.slice(0, depth).join('/');
    const source = await readPackageConfigSource(gitRoot, relPath).catch(() => undefined);
    if (source && isPackageFolder(relPath, source, matches)) return relPath;
  }
  return undefined;
}

async function checkSymlinkedFolder(realRoot: string, link: string, matches: ((path: string) => boolean) | undefined): Promise<void> {
  const target = await stat(link).catch(() => undefined);
  if (!target?.isDirectory()) return;
  const real = await realpath(link);
  if (isInside(realRoot, real)) return;
  const relLink = toPosix(relative(realRoot, link));
  // Only an error when the outside folder would have been a package.
  const outside = await readPackageConfigSource(real, '.').catch(() => undefined);
  const wouldBePackage = outside && (matches ? matches(relLink) : outside.kind !== 'none');
  if (wouldBePackage) {
    throw new ConfigError(relLink, '', `is a symlink to ${real}, outside the repository; a package must live inside the repository`, 'replace the symlink with the folder itself');
  }
}
