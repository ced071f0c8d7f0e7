import { posix } from 'node:path';
import type { HandlerCheckInput, HandlerCheckReport } from '../../handler-check.js';
import { handlerError, handlerNotFound, UnresolvedImportsError, type UnresolvedImport } from '../errors.js';
import { cjsExports, esmExports, initLexers, lineOf, parseModule, tryBlocks, type ImportSite, type ParsedModule } from './parse.js';
import { NodeResolver, splitBare, type Resolution } from './resolve.js';
import { isDroppedSdkV2, providedByNodeRuntime } from './runtime-provided.js';

/**
 * Lambda's Node runtime splits `dir/file.a.b` into the module `dir/file` and
 * the export path `a.b`, and loads the module as file, file.js, file.mjs or
 * file.cjs, in that order (aws-lambda-nodejs-runtime-interface-client,
 * UserFunction.js).
 */
export function splitNodeHandler(handler: string): { module: string; exportPath: string } {
  const slash = handler.lastIndexOf('/');
  const dot = handler.indexOf('.', slash + 1);
  return { module: handler.slice(0, dot), exportPath: handler.slice(dot + 1) };
}

const MODULE_EXTENSIONS = ['.js', '.mjs', '.cjs'];
const LEAVES = ['.json', '.node'];

function describeSite(site: ImportSite): string {
  const spec = site.specifier === undefined ? '<computed>' : JSON.stringify(site.specifier);
  return site.kind === 'require' ? `require(${spec})` : site.dynamic ? `import(${spec})` : `import ${spec}`;
}

/** The package that owns a file under node_modules (`node_modules/@s/x/lib/a.js` -> `@s/x`), if any. */
function owningPackage(path: string): string | undefined {
  const at = path.lastIndexOf('node_modules/');
  if (at === -1) return undefined;
  return splitBare(path.slice(at + 'node_modules/'.length))?.name;
}

interface Walk {
  modules: number;
  resolved: number;
  fromRuntime: number;
  unresolved: UnresolvedImport[];
  notChecked: string[];
}

export async function checkNodeHandler(input: HandlerCheckInput): Promise<HandlerCheckReport> {
  const { module, exportPath } = splitNodeHandler(input.handler);
  const looked = [...MODULE_EXTENSIONS.map((ext) => `${module}${ext}`)];
  const entry = [module, ...looked].find((p) => input.shipped.isFile(p));
  if (!entry) throw handlerNotFound(input, looked);
  if (!input.checkImports) {
    return { summary: `${entry} found; imports not followed (checkImports: false)`, warnings: [], notChecked: [] };
  }
  await initLexers();
  const resolver = new NodeResolver(input.shipped, providedByNodeRuntime(input.runtime));
  const walk = followImports(entry, resolver, input);
  if (walk.unresolved.length > 0) throw new UnresolvedImportsError(input.packagePath, walk.unresolved, input);
  const warnings = exportWarnings(entry, exportPath.split('.')[0]!, resolver, input);
  return {
    summary: `${entry} found; ${count(walk.modules, 'module')}, ${count(walk.resolved, 'import')} resolved${walk.fromRuntime ? `, ${walk.fromRuntime} provided by ${input.runtime}` : ''}${walk.notChecked.length ? `, ${walk.notChecked.length} not checked` : ''}`,
    warnings,
    notChecked: walk.notChecked,
  };
}

function parsed(path: string, resolver: NodeResolver, input: HandlerCheckInput, exact = true): ParsedModule {
  const scope = resolver.scopeOf(path);
  const type = scope === undefined ? undefined : resolver.manifest(scope)?.type;
  return parseModule(path, input.shipped.read(path), typeof type === 'string' ? type : undefined, exact);
}

/**
 * Breadth-first over every module reachable from the entry, each read once.
 * CommonJS modules go through the fast scan first (parse.ts, scanRequires)
 * and through the parser when something they seem to require does not
 * resolve. The scan may follow a `require('x')` written in a comment; so
 * when the walk finds anything wrong it is done again with the parser
 * alone, and only that walk's findings are reported.
 */
function followImports(entry: string, resolver: NodeResolver, input: HandlerCheckInput): Walk {
  const fast = walkFrom(entry, resolver, input, false);
  return fast.unresolved.length === 0 ? fast : walkFrom(entry, resolver, input, true);
}

function walkFrom(entry: string, resolver: NodeResolver, input: HandlerCheckInput, exact: boolean): Walk {
  const walk: Walk = { modules: 0, resolved: 0, fromRuntime: 0, unresolved: [], notChecked: [] };
  const seen = new Set<string>([entry]);
  const queue = [entry];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const path = next;
    walk.modules++;
    if (LEAVES.some((ext) => path.endsWith(ext))) continue;
    let module = parsed(path, resolver, input, exact);
    if (module.scanned && module.imports.some((site) => resolver.resolve(site.specifier!, path, site.kind).kind === 'missing')) {
      module = parsed(path, resolver, input, true);
    }
    if (module.error) {
      walk.notChecked.push(`${path}: not readable as ${module.format === 'esm' ? 'an ES module' : 'CommonJS'} (${module.error.split('\n')[0]})`);
      continue;
    }
    let blocks: [number, number][] | undefined;
    const source = (): string => input.shipped.read(path);
    const at = (site: ImportSite): string => `${path}:${lineOf(source(), site.at)}`;
    for (const site of module.imports) {
      if (site.specifier === undefined) {
        walk.notChecked.push(`${at(site)} ${describeSite(site)}: computed specifier`);
        continue;
      }
      const resolution = resolver.resolve(site.specifier, path, site.kind);
      if (resolution.kind === 'file') {
        walk.resolved++;
        if (!seen.has(resolution.path)) {
          seen.add(resolution.path);
          queue.push(resolution.path);
        }
        continue;
      }
      if (resolution.kind === 'builtin') {
        walk.resolved++;
        continue;
      }
      if (resolution.kind === 'runtime') {
        walk.fromRuntime++;
        continue;
      }
      if (resolution.kind === 'unchecked') {
        walk.notChecked.push(`${at(site)} ${describeSite(site)}: ${resolution.why}`);
        continue;
      }
      let guarded = site.guarded;
      if (!guarded && module.format === 'esm' && site.dynamic) {
        blocks ??= tryBlocks(source());
        guarded = blocks.some(([start, end]) => site.at >= start && site.at < end);
      }
      if (guarded) {
        walk.notChecked.push(`${at(site)} ${describeSite(site)}: inside try (an optional dependency), and not in the bundle`);
        continue;
      }
      walk.unresolved.push({ file: path, line: lineOf(source(), site.at), what: describeSite(site), why: resolution.why, fix: fixFor(site, path, resolution, input) });
    }
  }
  return walk;
}

/** What the user can do about one unresolved import. */
function fixFor(site: ImportSite, importer: string, resolution: Extract<Resolution, { kind: 'missing' }>, input: HandlerCheckInput): string | undefined {
  const name = resolution.packageName;
  const manifestFile = `${input.packagePath}/package.json`;
  if (name && isDroppedSdkV2(input.runtime, name)) {
    return `the AWS SDK v2 (aws-sdk) is not provided by Lambda's Node runtimes from nodejs18.x on (${input.runtime} provides the v3, @aws-sdk/*): move this code to the v3 clients (e.g. @aws-sdk/client-s3; npx aws-sdk-js-codemod -t v2-to-v3 does most of it), or add aws-sdk to "dependencies" in ${manifestFile} to ship v2 yourself (AWS ended its support in September 2025)`;
  }
  const staged = new NodeResolver(input.staged, () => false).resolve(site.specifier!, importer, site.kind);
  if (staged.kind === 'file') {
    const by = input.droppedBy(staged.path);
    if (by) return `${staged.path} is installed but ${by} keeps it out of the bundle: change that glob`;
  }
  if (!name) return undefined;
  const owner = owningPackage(importer);
  if (owner && owner !== name) {
    const peer = new NodeResolver(input.shipped, () => false).manifest(importer.slice(0, importer.lastIndexOf(`node_modules/${owner}`) + `node_modules/${owner}`.length))?.peerDependencies?.[name];
    return peer !== undefined
      ? `${name} is a peer dependency of ${owner} (${peer}): add it to "dependencies" in ${manifestFile}`
      : `${owner} needs ${name}, which is not installed: add ${name} to "dependencies" in ${manifestFile}`;
  }
  const root = new NodeResolver(input.staged, () => false).manifest('');
  if (root?.devDependencies?.[name] !== undefined && root.dependencies?.[name] === undefined) {
    return `${name} is only in "devDependencies" of ${manifestFile}, which do not ship: move it to "dependencies"`;
  }
  if (root?.dependencies?.[name] !== undefined) return `${name} is in "dependencies" of ${manifestFile} but was not installed: look at npm's output above`;
  return `add it to "dependencies" in ${manifestFile} (npm install ${name})`;
}

/**
 * Lambda calls the handler's export by name (Runtime.HandlerNotFound
 * otherwise). An ES module's exports are exact (es-module-lexer); a
 * CommonJS module's are what cjs-module-lexer can see, which misses
 * exports built at run time, so there a missing name is only a warning.
 */
function exportWarnings(entry: string, name: string, resolver: NodeResolver, input: HandlerCheckInput): string[] {
  if (LEAVES.some((ext) => entry.endsWith(ext))) return [];
  const module = parsed(entry, resolver, input);
  if (module.error) return [];
  const source = input.shipped.read(entry);
  if (module.format === 'esm') {
    const { names, star } = esmExports(source);
    if (names.includes(name) || star) return [];
    throw handlerError(input, `needs the export ${name} of ${entry}, which exports none by that name (its exports: ${names.length ? names.join(', ') : 'none'}); every call would fail with Runtime.HandlerNotFound`);
  }
  const seen = new Set<string>();
  const visible = (path: string, depth: number): boolean => {
    if (seen.has(path) || depth > 5) return false;
    seen.add(path);
    let exported: ReturnType<typeof cjsExports>;
    try {
      exported = cjsExports(input.shipped.read(path));
    } catch {
      return true; // not lexable: do not guess
    }
    if (exported.names.includes(name)) return true;
    return exported.reexports.some((spec) => {
      const target = resolver.resolve(spec, path, 'require');
      return target.kind === 'file' && visible(target.path, depth + 1);
    });
  };
  if (visible(entry, 0)) return [];
  return [`handler ${input.handler}: ${posix.join(entry)} shows no export named ${name} (cjs-module-lexer sees: ${cjsExports(source).names.join(', ') || 'none'}); if it is not set at run time, Lambda will fail with Runtime.HandlerNotFound`];
}

/** `1 module`, `3 modules`. */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
