import { isBuiltin } from 'node:module';
import { posix } from 'node:path';
import { exports as exportsTargets, imports as importsTargets } from 'resolve.exports';
import type { PackageFiles } from '../files.js';

/** How a module asks for another: `import`/`import()` (ESM rules) or `require()` (CommonJS rules). */
export type ImportKind = 'import' | 'require';

export type Resolution =
  | { kind: 'file'; path: string }
  | { kind: 'builtin' }
  /** Not in the bundle, but the Lambda runtime provides it (see runtime-provided.ts). */
  | { kind: 'runtime' }
  /** Outside what a static check of the bundle can see: an absolute path (a layer under /opt), a URL. */
  | { kind: 'unchecked'; why: string }
  | { kind: 'missing'; why: string; packageName?: string };

export interface PackageManifest {
  name?: string;
  type?: string;
  main?: string;
  exports?: unknown;
  imports?: unknown;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

// Node 22.12+ (every Node runtime Lambda still allows) resolves the
// "module-sync" condition for both import and require, beside "node" and
// "import"/"require" (nodejs.org/api/packages.html#conditional-exports);
// resolve.exports adds "default", "node" and "import"/"require" itself.
const CONDITIONS = ['module-sync'];
const FILE_EXTENSIONS = ['', '.js', '.json', '.node'];
const INDEX_FILES = ['index.js', 'index.json', 'index.node'];

const join = (dir: string, path: string): string => posix.normalize(dir === '' ? path : `${dir}/${path}`).replace(/\/$/, '').replace(/^\.$/, '');

/** `@scope/name/sub` -> [`@scope/name`, `./sub`]; `name` -> [`name`, `.`]. */
export function splitBare(specifier: string): { name: string; subpath: string } | undefined {
  const parts = specifier.split('/');
  const count = specifier.startsWith('@') ? 2 : 1;
  if (parts.length < count || parts.slice(0, count).some((p) => p === '' || p === '.' || p === '..')) return undefined;
  const rest = parts.slice(count).join('/');
  return { name: parts.slice(0, count).join('/'), subpath: rest === '' ? '.' : `./${rest}` };
}

/**
 * Node's module resolution over a package's files (nodejs.org/api/modules.html
 * "All together", and the ESM resolver of nodejs.org/api/esm.html): relative
 * paths (with extension and index search for require, exact for import),
 * node_modules lookup up to the package root, package.json "exports" and
 * "imports" (through resolve.exports) and "main", builtins with and without
 * `node:`. Nothing outside the package is looked at: the function's
 * /var/task is the package.
 */
export class NodeResolver {
  private readonly manifests = new Map<string, PackageManifest | undefined>();

  constructor(
    private readonly files: PackageFiles,
    private readonly providedByRuntime: (packageName: string) => boolean,
  ) {}

  manifest(dir: string): PackageManifest | undefined {
    if (this.manifests.has(dir)) return this.manifests.get(dir);
    const file = join(dir, 'package.json');
    let manifest: PackageManifest | undefined;
    if (this.files.isFile(file)) {
      try {
        const value: unknown = JSON.parse(this.files.read(file));
        manifest = value && typeof value === 'object' ? (value as PackageManifest) : {};
      } catch {
        manifest = {};
      }
    }
    this.manifests.set(dir, manifest);
    return manifest;
  }

  /** The folder of the package.json that governs `path` (its package scope), or undefined. */
  scopeOf(path: string): string | undefined {
    for (let dir = posix.dirname(path); ; dir = posix.dirname(dir)) {
      const here = dir === '.' ? '' : dir;
      if (posix.basename(here) !== 'node_modules' && this.manifest(here)) return here;
      if (here === '') return undefined;
    }
  }

  resolve(specifier: string, from: string, kind: ImportKind): Resolution {
    if (specifier.startsWith('node:')) {
      return isBuiltin(specifier) ? { kind: 'builtin' } : { kind: 'missing', why: `${specifier} is not a Node.js builtin module` };
    }
    if (isBuiltin(specifier)) return { kind: 'builtin' };
    if (specifier.startsWith('/')) return { kind: 'unchecked', why: 'an absolute path (outside the bundle, e.g. a layer under /opt)' };
    if (/^[a-z][a-z0-9+.-]*:/i.test(specifier)) return { kind: 'unchecked', why: 'a URL' };
    if (specifier === '.' || specifier === '..' || specifier.startsWith('./') || specifier.startsWith('../')) {
      const target = join(posix.dirname(from), specifier);
      if (target === '..' || target.startsWith('../')) return { kind: 'missing', why: 'it points outside the package folder, which is all the function has' };
      return this.relative(target, kind, specifier);
    }
    if (specifier.startsWith('#')) return this.packageImport(specifier, from, kind);
    return this.bare(specifier, from, kind);
  }

  private relative(target: string, kind: ImportKind, specifier: string): Resolution {
    if (kind === 'import') {
      if (this.files.isFile(target)) return { kind: 'file', path: target };
      const asRequire = this.loadAsFile(target) ?? this.loadAsDirectory(target);
      if (asRequire) {
        return { kind: 'missing', why: `an ES module import needs the full file name (Node adds no extension and reads no index file): import ${JSON.stringify(`${specifier.replace(/\/$/, '')}${asRequire.slice(target.length)}`)}` };
      }
      return { kind: 'missing', why: `there is no file ${target}` };
    }
    const found = this.loadAsFile(target) ?? this.loadAsDirectory(target);
    return found ? { kind: 'file', path: found } : { kind: 'missing', why: `there is no ${target}, ${target}.js, ${target}.json or ${target}/index.js` };
  }

  private loadAsFile(path: string): string | undefined {
    return FILE_EXTENSIONS.map((ext) => `${path}${ext}`).find((p) => this.files.isFile(p));
  }

  private loadIndex(dir: string): string | undefined {
    return INDEX_FILES.map((f) => join(dir, f)).find((p) => this.files.isFile(p));
  }

  private loadAsDirectory(dir: string): string | undefined {
    if (!this.files.isDirectory(dir)) return undefined;
    const main = this.manifest(dir)?.main;
    if (typeof main === 'string' && main !== '') {
      const target = join(dir, main);
      const found = this.loadAsFile(target) ?? this.loadIndex(target);
      if (found) return found;
    }
    return this.loadIndex(dir);
  }

  private packageImport(specifier: string, from: string, kind: ImportKind): Resolution {
    const scope = this.scopeOf(from);
    const manifest = scope === undefined ? undefined : this.manifest(scope);
    let targets: string[] | void = undefined;
    try {
      if (manifest) targets = importsTargets(manifest as never, specifier, { require: kind === 'require', conditions: CONDITIONS });
    } catch {
      targets = undefined;
    }
    const target = targets?.[0];
    if (target === undefined) return { kind: 'missing', why: `the "imports" of ${scope === undefined ? 'its package.json' : join(scope, 'package.json')} do not map it` };
    if (target.startsWith('./')) {
      const path = join(scope!, target);
      return this.files.isFile(path) ? { kind: 'file', path } : { kind: 'missing', why: `"imports" maps it to ${path}, which is not in the bundle` };
    }
    return this.bare(target, from, kind);
  }

  private bare(specifier: string, from: string, kind: ImportKind): Resolution {
    const split = splitBare(specifier);
    if (!split) return { kind: 'missing', why: 'it is not a valid package name' };
    for (let dir = posix.dirname(from); ; dir = posix.dirname(dir)) {
      const here = dir === '.' ? '' : dir;
      if (posix.basename(here) !== 'node_modules') {
        const candidate = join(here, `node_modules/${split.name}`);
        if (this.files.isDirectory(candidate)) return this.inPackage(candidate, split.name, split.subpath, kind);
      }
      if (here === '') break;
    }
    if (this.providedByRuntime(split.name)) return { kind: 'runtime' };
    return { kind: 'missing', packageName: split.name, why: `${split.name} is not in the bundle's node_modules` };
  }

  private inPackage(dir: string, name: string, subpath: string, kind: ImportKind): Resolution {
    const manifest = this.manifest(dir);
    if (manifest?.exports !== undefined && manifest.exports !== null) {
      let targets: string[] | void = undefined;
      try {
        targets = exportsTargets({ name, ...manifest } as never, subpath, { require: kind === 'require', conditions: CONDITIONS });
      } catch {
        targets = undefined;
      }
      const target = targets?.[0];
      if (target === undefined) return { kind: 'missing', packageName: name, why: `the "exports" of ${join(dir, 'package.json')} have no ${JSON.stringify(subpath)} for ${kind}` };
      const path = join(dir, target);
      return this.files.isFile(path) ? { kind: 'file', path } : { kind: 'missing', packageName: name, why: `the "exports" of ${join(dir, 'package.json')} point at ${path}, which is not in the bundle` };
    }
    if (subpath === '.') {
      // Both loaders read "main" this way (ESM: legacyMainResolve).
      const found = this.loadAsDirectory(dir);
      return found ? { kind: 'file', path: found } : { kind: 'missing', packageName: name, why: `${dir} has no "main" file and no index.js` };
    }
    const target = join(dir, subpath);
    if (kind === 'import') {
      return this.files.isFile(target) ? { kind: 'file', path: target } : { kind: 'missing', packageName: name, why: `there is no file ${target} (an ES module import of a package without "exports" needs the full file name)` };
    }
    const found = this.loadAsFile(target) ?? this.loadAsDirectory(target);
    return found ? { kind: 'file', path: found } : { kind: 'missing', packageName: name, why: `there is no ${target}, ${target}.js or ${target}/index.js` };
  }
}
