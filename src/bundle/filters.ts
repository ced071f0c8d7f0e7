import picomatch from 'picomatch';
import { ConfigError } from '../errors.js';
import type { Package } from '../packages/package.js';
import { configField } from '../config/field.js';

/**
 * Never shipped, whatever the package's globs say: secrets (`.env*` files,
 * `.npmrc` which may hold a registry token), git metadata, npm's
 * `node_modules/.bin` links, which Lambda never runs, and the package's
 * `lambda.yml`: configuration, not code, so that a change to it updates the
 * function's configuration and never needs a new bundle.
 */
export const DEFAULT_EXCLUDES: readonly string[] = ['**/.git', '**/.env*', '**/.npmrc', 'node_modules/.bin', 'lambda.yml'];

export interface FileFilter {
  /** True when the file at `path` (package-relative, `/`-separated) ships. */
  ships(path: string): boolean;
  /** True when nothing under the folder at `path` can ship. */
  excludes(path: string): boolean;
  /** For a file that does not ship, the config field that keeps it out (`exclude in fn/lambda.yml`); undefined when it ships. */
  droppedBy(path: string): string | undefined;
}

function ancestorsAndSelf(path: string): string[] {
  const parts = path.split('/');
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}

function checkGlobs(globs: readonly string[], pkg: Package, name: 'include' | 'exclude'): string[] {
  return globs.map((glob, i) => {
    const at = `${configField(pkg, name)}[${i}]`;
    if (glob.startsWith('/') || /^[A-Za-z]:/.test(glob)) {
      throw new ConfigError(pkg.configFile, at, `${JSON.stringify(glob)} is absolute; globs are relative to the package folder`);
    }
    if (glob.split('/').includes('..')) throw new ConfigError(pkg.configFile, at, `${JSON.stringify(glob)} reaches outside the package folder`);
    return glob.replace(/\/+$/, '');
  });
}

/**
 * The package's include/exclude globs (picomatch, dotfiles matched, relative
 * to the package folder). A glob matching a folder covers everything under
 * it, so `exclude: [test]` drops the whole folder and `include: [dist]`
 * ships all of dist. Without include, everything ships; excludes always win.
 */
export function createFilter(pkg: Package): FileFilter {
  const excludeGlobs = [...DEFAULT_EXCLUDES, ...checkGlobs(pkg.config.exclude, pkg, 'exclude')];
  const includeGlobs = pkg.config.include ? checkGlobs(pkg.config.include, pkg, 'include') : undefined;
  const excluded = picomatch(excludeGlobs, { dot: true });
  const builtin = picomatch([...DEFAULT_EXCLUDES], { dot: true });
  const included = includeGlobs ? picomatch(includeGlobs, { dot: true }) : undefined;
  const excludes = (path: string): boolean => ancestorsAndSelf(path).some((p) => excluded(p));
  const ships = (path: string): boolean => !excludes(path) && (!included || ancestorsAndSelf(path).some((p) => included(p)));
  return {
    excludes,
    ships,
    droppedBy: (path) => {
      if (ships(path)) return undefined;
      if (ancestorsAndSelf(path).some((p) => builtin(p))) return `the built-in excludes (${DEFAULT_EXCLUDES.join(', ')})`;
      return excludes(path) ? `${configField(pkg, 'exclude')} in ${pkg.configFile}` : `${configField(pkg, 'include')} in ${pkg.configFile} (it matches no include glob)`;
    },
  };
}
