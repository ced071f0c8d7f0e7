import { existsSync } from 'node:fs';
import { join, posix } from 'node:path';
import { ConfigError } from '../errors.js';
import type { Package } from '../packages/package.js';
import { configField } from './config-field.js';
import { readJsonFile } from './json-file.js';
import type { Manifest } from './install/npm.js';

/** A `file:` (or plain path) dependency on a folder of the repository. */
export interface FileDependency {
  /** Repository-relative path of the folder (or tarball) it points at. */
  path: string;
  /** Shipped in the bundle (a production dependency), or only installed (dev). */
  production: boolean;
  /** Where it is declared, for messages: `<file>: <field>`. */
  declaredIn: string;
  field: string;
}

const PATH_SPEC = /^(file:|\.\.?\/|\/|~\/)/;

function specPath(spec: string): string | undefined {
  if (!PATH_SPEC.test(spec)) return undefined;
  return spec.startsWith('file:') ? spec.slice('file:'.length).replace(/^\/\/(?=\/)/, '') : spec;
}

/**
 * Resolves a dependency path written in `declaredIn` (a package.json or a
 * lockfile inside folder `fromDir`) to a repository path; one that is
 * absolute or leaves the repository cannot be bundled from a revision.
 */
function resolveSpec(fromDir: string, raw: string, declaredIn: string, field: string): string {
  if (raw.startsWith('/') || raw.startsWith('~')) {
    throw new ConfigError(declaredIn, field, `${JSON.stringify(raw)} is an absolute path; a bundle can only use folders of the repository`, 'point it at a folder of the repository with a relative path (file:../shared/x)');
  }
  const path = posix.normalize(posix.join(fromDir, raw)).replace(/\/+$/, '');
  if (path === '..' || path.startsWith('../')) {
    throw new ConfigError(declaredIn, field, `${JSON.stringify(raw)} leads outside the repository; a bundle can only use folders of the repository`);
  }
  return path;
}

/**
 * The path dependencies declared by the staged package.json of `dir` (and,
 * for the package itself, by its lockfile, which also lists indirect ones).
 * Dev dependencies count only for the package itself: npm never installs a
 * dependency's own dev dependencies.
 */
export function declaredFileDependencies(stageRoot: string, dir: string, isPackage: boolean): FileDependency[] {
  const found: FileDependency[] = [];
  const manifestFile = posix.join(dir, 'package.json');
  const abs = join(stageRoot, ...manifestFile.split('/'));
  if (!existsSync(abs)) return found;
  const manifest = readJsonFile<Manifest>(abs, manifestFile);
  const fields: [keyof Manifest, boolean][] = [['dependencies', true], ['optionalDependencies', true]];
  if (isPackage) fields.push(['devDependencies', false]);
  for (const [field, production] of fields) {
    for (const [name, spec] of Object.entries(manifest[field] ?? {})) {
      const raw = typeof spec === 'string' ? specPath(spec) : undefined;
      if (raw === undefined) continue;
      const at = `${field}.${name}`;
      found.push({ path: resolveSpec(dir, raw, manifestFile, at), production, declaredIn: manifestFile, field: at });
    }
  }
  if (isPackage) found.push(...lockfileLinks(stageRoot, dir));
  return found;
}

/** Lockfile v2/v3 `packages` keys outside node_modules are the link targets npm will install from. */
function lockfileLinks(stageRoot: string, dir: string): FileDependency[] {
  for (const name of ['npm-shrinkwrap.json', 'package-lock.json']) {
    const file = posix.join(dir, name);
    const abs = join(stageRoot, ...file.split('/'));
    if (!existsSync(abs)) continue;
    const lock = readJsonFile<{ packages?: Record<string, { dev?: boolean }> }>(abs, file);
    return Object.entries(lock.packages ?? {})
      .filter(([key]) => key !== '' && !key.startsWith('node_modules/') && !key.includes('/node_modules/'))
      .map(([key, entry]) => ({ path: resolveSpec(dir, key, file, `packages[${JSON.stringify(key)}]`), production: entry.dev !== true, declaredIn: file, field: `packages[${JSON.stringify(key)}]` }));
  }
  return [];
}

export function isUnder(path: string, folder: string): boolean {
  return path === folder || path.startsWith(`${folder}/`);
}

/**
 * A production path dependency ships in the bundle, so a change to it must
 * change the package's revision: it has to be inside the package or under
 * one of its `dependsOn` paths.
 */
export function checkCovered(pkg: Package, dependency: FileDependency): void {
  if (!dependency.production) return;
  if (isUnder(dependency.path, pkg.path) || pkg.config.dependsOn.some((d) => isUnder(dependency.path, d))) return;
  const field = configField(pkg, 'dependsOn');
  throw new ConfigError(
    pkg.configFile,
    field,
    `must list ${dependency.path}: ${dependency.declaredIn} depends on it (${dependency.field}) and it ships in the bundle, but its changes would not change the package's revision`,
    `add "${dependency.path}" to dependsOn in ${pkg.configFile}`,
  );
}
