import { realpath } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import picomatch from 'picomatch';
import { ConfigError, UsageError } from '../errors.js';
import { configFilesOf, packageConfigSource, type PackageConfigSource } from '../config/load.js';
import { ROOT_CONFIG_FILE, type RootConfig } from '../config/types.js';
import { workingTree, type RepositoryTree } from '../repo/tree.js';
import { silentLogger, type Logger } from '../log.js';

export interface DiscoveredPackage {
  /** Repository-relative, `/`-separated. */
  path: string;
  source: PackageConfigSource;
}

function isInside(parent: string, child: string): boolean {
  return child === parent || child.startsWith(`${parent}/`);
}

/** Where discovery looks: the folder under the repository at `gitRoot`, repository-relative ('' = the root). */
export async function scanPath(gitRoot: string, scanRoot: string): Promise<string> {
  const realRoot = await realpath(gitRoot);
  const realScan = await realpath(scanRoot).catch(() => {
    throw new UsageError(`${scanRoot} does not exist`);
  });
  if (!isInside(realRoot, realScan)) throw new UsageError(`${scanRoot} is not inside the repository at ${gitRoot}`);
  const rel = relative(realRoot, realScan);
  return sep === '/' ? rel : rel.split(sep).join('/');
}

/**
 * Finds the package folders at or under `under` (repository-relative) in
 * `tree`. With `packages` globs in the root config, only the folders they
 * match are read at all, and each that holds a package.json or a lambda.yml
 * is a package. Without globs, a folder holding a lambda.yml or a
 * package.json with a "lambda" object is one; a package.json that cannot be
 * parsed in a folder without a lambda.yml cannot be a package, so it is a
 * warning naming the file, never a failure. node_modules and dot folders are
 * never entered. A working-tree folder symlinked from outside the repository
 * is an error when it would be a package.
 */
export async function discoverPackages(tree: RepositoryTree, under: string, config: RootConfig, logger: Logger = silentLogger): Promise<DiscoveredPackage[]> {
  const globs = config.packages;
  const matches = globs ? picomatch(globs, { dot: false }) : undefined;
  const listing = await tree.folders(under);
  // The root is read too: it must not be configured as a package.
  const candidates = listing.folders.filter((folder) => folder === '' || !matches || matches(folder));
  const texts = await tree.readFiles(candidates.flatMap((folder) => Object.values(configFilesOf(folder))));

  const found: DiscoveredPackage[] = [];
  for (const [i, folder] of candidates.entries()) {
    const isRoot = folder === '';
    // Without globs, and at the root, an unreadable package.json only says this folder is no package.
    const lenient = !matches || isRoot
      ? (error: ConfigError) => logger.warn(`${error.message}; ${isRoot ? 'the repository root' : 'a folder without lambda.yml'} is no package, so it is left out`)
      : undefined;
    const source = packageConfigSource(folder, { yml: texts[2 * i], manifest: texts[2 * i + 1] }, lenient);
    if (!source) continue;
    if (isRoot) {
      if (source.kind !== 'none') {
        throw new ConfigError(source.file, source.kind === 'package.json' ? 'lambda' : '', 'the repository root cannot be a package', 'move the function into a folder of its own');
      }
      continue;
    }
    if (matches || source.kind !== 'none') found.push({ path: folder, source });
  }

  for (const link of listing.outsideLinks) {
    // Only an error when the outside folder would have been a package.
    const outside = await workingTree(link.real).catch(() => undefined);
    const [yml, manifest] = outside ? await outside.readFiles(['lambda.yml', 'package.json']) : [];
    const source = (() => {
      try {
        return packageConfigSource('', { yml, manifest });
      } catch {
        return undefined;
      }
    })();
    const wouldBePackage = source && (matches ? matches(link.path) : source.kind !== 'none');
    if (wouldBePackage) {
      throw new ConfigError(link.path, '', `is a symlink to ${link.real}, outside the repository; a package must live inside the repository`, 'replace the symlink with the folder itself');
    }
  }

  if (globs && found.length === 0) {
    throw new ConfigError(ROOT_CONFIG_FILE, 'packages', `no package folder matches ${globs.map((g) => JSON.stringify(g)).join(', ')} under ${under || '.'} in ${tree.label}`, 'each package folder needs a package.json or a lambda.yml');
  }
  return found;
}

/**
 * The outermost package folder of `tree` that holds the repository-relative
 * folder `relDir` (or is it), by discovery's rule; undefined when none does.
 * For tools that must not write into a package (a file there makes it dirty,
 * and ships once committed). A folder whose package.json cannot be read is no
 * package here, as for discovery without globs.
 */
export async function enclosingPackage(tree: RepositoryTree, relDir: string, config: RootConfig): Promise<string | undefined> {
  const matches = config.packages ? picomatch(config.packages, { dot: false }) : undefined;
  const folders = relDir.split('/').filter((f) => f !== '' && f !== '.');
  for (let depth = 1; depth <= folders.length; depth++) {
    const folder = folders.slice(0, depth).join('/');
    if (matches && !matches(folder)) continue;
    const { yml, manifest } = configFilesOf(folder);
    const [ymlText, manifestText] = await tree.readFiles([yml, manifest]);
    let source: PackageConfigSource | undefined;
    try {
      source = packageConfigSource(folder, { yml: ymlText, manifest: manifestText }, () => {});
    } catch {
      source = undefined;
    }
    if (source && (matches || source.kind !== 'none')) return folder;
  }
  return undefined;
}
