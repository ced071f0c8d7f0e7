import { parse as parseScript, type Node, type Options as AcornOptions } from 'acorn';
import { ancestor, simple } from 'acorn-walk';
import { init as initCjsLexer, parse as lexCjs } from 'cjs-module-lexer';
import { init as initEsmLexer, parse as lexEsm } from 'es-module-lexer';
import type { ImportKind } from './resolve.js';

/**
 * The syntax side of the import check. Tools, chosen to read modules the way
 * Node does, without running them:
 * - es-module-lexer (the lexer Node's own ecosystem uses for ESM; exact for
 *   `import`, `export ... from` and `import()`, and it tells whether a
 *   file has module syntax, which is how Node 22 decides what an untyped
 *   .js file is);
 * - cjs-module-lexer (what Node uses to find a CommonJS module's named
 *   exports), for the handler's export;
 * - acorn (a full parser, also vendored in Node) for CommonJS `require()`
 *   calls: cjs-module-lexer reports exports and re-exports only, not a
 *   module's requires, and only a parser can tell a `require` inside a
 *   `try` block (an optional dependency) from one that must resolve.
 */
export type ModuleFormat = 'esm' | 'cjs';

export interface ImportSite {
  /** undefined when computed (`import(name)`, `require(path.join(...))`). */
  specifier: string | undefined;
  kind: ImportKind;
  dynamic: boolean;
  /** Source offset, for the line. */
  at: number;
  /** Inside a try block: the code expects it may be missing (an optional dependency). */
  guarded: boolean;
}

export interface ParsedModule {
  format: ModuleFormat;
  imports: ImportSite[];
  /** Set when the source could not be read as JavaScript: nothing in it is checked. */
  error?: string;
  /** Found by scanRequires, not the parser: a superset of the real imports, to be parsed when one does not resolve. */
  scanned?: true;
}

let ready: Promise<void> | undefined;
/** The lexers are WebAssembly; instantiate them once per process. */
export function initLexers(): Promise<void> {
  ready ??= Promise.all([initEsmLexer(), initCjsLexer()]).then(() => {});
  return ready;
}

const ACORN: AcornOptions = { ecmaVersion: 'latest', allowHashBang: true, allowReturnOutsideFunction: true, sourceType: 'script' };

export function lineOf(source: string, offset: number): number {
  let line = 1;
  for (let i = source.indexOf('\n'); i !== -1 && i < offset; i = source.indexOf('\n', i + 1)) line++;
  return line;
}

function isTryBlockOf(parent: Node, child: Node): boolean {
  return parent.type === 'TryStatement' && (parent as unknown as { block: Node }).block === child;
}

function guardedBy(ancestors: readonly Node[]): boolean {
  return ancestors.some((node, i) => i + 1 < ancestors.length && isTryBlockOf(node, ancestors[i + 1]!));
}

const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

/** A bundler's wrapper (browserify, UMD) that takes its own `require` parameter: not Node's require. */
function requireShadowed(ancestors: readonly Node[]): boolean {
  return ancestors.some((node) => FUNCTIONS.has(node.type) && (node as unknown as { params: { type: string; name?: string }[] }).params.some((p) => p.type === 'Identifier' && p.name === 'require'));
}

interface LiteralLike { type: string; value?: unknown; expressions?: unknown[]; quasis?: { value: { cooked?: string | null } }[] }

function literal(node: LiteralLike | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node.type === 'TemplateLiteral' && node.expressions?.length === 0) return node.quasis?.[0]?.value.cooked ?? undefined;
  return undefined;
}

/** `require('x')`, `require(x)` and `import()` of a CommonJS module, with their try context. */
function cjsImports(source: string): ImportSite[] {
  const sites: ImportSite[] = [];
  // A module without the words has nothing to find: skip the parse.
  if (!source.includes('require') && !source.includes('import')) return sites;
  const ast = parseScript(source, ACORN);
  ancestor(ast, {
    CallExpression(node, _state, ancestors) {
      const call = node as unknown as { callee: { type: string; name?: string }; arguments: LiteralLike[]; start: number };
      if (call.callee.type !== 'Identifier' || call.callee.name !== 'require' || call.arguments.length === 0) return;
      if (requireShadowed(ancestors)) return;
      sites.push({ specifier: literal(call.arguments[0]), kind: 'require', dynamic: false, at: call.start, guarded: guardedBy(ancestors) });
    },
    ImportExpression(node, _state, ancestors) {
      const expression = node as unknown as { source: LiteralLike; start: number };
      sites.push({ specifier: literal(expression.source), kind: 'import', dynamic: true, at: expression.start, guarded: guardedBy(ancestors) });
    },
  });
  return sites;
}

/** Source ranges of the try blocks of an ES module, to tell guarded `import()`s; parsed only when one fails. */
export function tryBlocks(source: string): [number, number][] {
  const ranges: [number, number][] = [];
  try {
    simple(parseScript(source, { ...ACORN, sourceType: 'module', allowReturnOutsideFunction: false }), {
      TryStatement(node) {
        const block = (node as unknown as { block: Node }).block;
        ranges.push([block.start, block.end]);
      },
    });
  } catch {
    // not parseable: no import() is taken as guarded
  }
  return ranges;
}

const IDENTIFIER_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/;

/**
 * The fast path for CommonJS: every `require(` in the text followed by a
 * plain string, found by looking at the characters around each occurrence
 * of the word. It can only over-find (a `require('x')` in a comment or a
 * string), never miss one, so when all of them resolve the module needs no
 * parse. Undefined when some `require(` takes anything but a plain string
 * (a computed one, a comment in between): then only the parser can tell.
 */
export function scanRequires(source: string): ImportSite[] | undefined {
  const sites: ImportSite[] = [];
  for (let at = source.indexOf('require'); at !== -1; at = source.indexOf('require', at + 7)) {
    const before = source[at - 1];
    if (before !== undefined && (before === '.' || IDENTIFIER_CHAR.test(before))) continue;
    let i = at + 7;
    if (source[i] !== undefined && IDENTIFIER_CHAR.test(source[i]!)) continue;
    while (source[i] === ' ' || source[i] === '\t' || source[i] === '\n' || source[i] === '\r') i++;
    if (source[i] !== '(') continue;
    i++;
    while (source[i] === ' ' || source[i] === '\t' || source[i] === '\n' || source[i] === '\r') i++;
    const quote = source[i];
    if (quote !== "'" && quote !== '"' && quote !== '`') return undefined;
    const end = source.indexOf(quote, i + 1);
    if (end === -1) return undefined;
    const specifier = source.slice(i + 1, end);
    if (specifier.includes('\\') || specifier.includes('\n') || (quote === '`' && specifier.includes('${'))) return undefined;
    sites.push({ specifier, kind: 'require', dynamic: false, at, guarded: false });
  }
  return sites;
}

/**
 * Reads one JavaScript module. `declaredType` is the "type" of its package
 * scope's package.json (undefined when the field is absent): with none,
 * a .js file with module syntax is an ES module, as Node 22 decides.
 * `exact` makes a CommonJS module always go through the parser; without
 * it, scanRequires may stand in for it (`scanned` is then set).
 */
export function parseModule(path: string, source: string, declaredType: string | undefined, exact = true): ParsedModule {
  let lexed: ReturnType<typeof lexEsm> | undefined;
  let lexError: string | undefined;
  try {
    lexed = lexEsm(source, path);
  } catch (error) {
    lexError = (error as Error).message;
  }
  const format: ModuleFormat = path.endsWith('.mjs')
    ? 'esm'
    : path.endsWith('.cjs')
      ? 'cjs'
      : declaredType === 'module'
        ? 'esm'
        : declaredType === 'commonjs'
          ? 'cjs'
          : lexed?.[3] ? 'esm' : 'cjs';
  if (format === 'esm') {
    if (!lexed) return { format, imports: [], error: lexError ?? 'not readable' };
    const imports: ImportSite[] = [];
    for (const entry of lexed[0]) {
      if (entry.type === 'import-meta') continue;
      if (entry.type === 'dynamic') {
        if (entry.probablyTypeOnly) continue;
        imports.push({ specifier: entry.glob ? undefined : entry.specifier, kind: 'import', dynamic: true, at: entry.importStart, guarded: false });
      } else {
        if (entry.typeOnly) continue;
        imports.push({ specifier: entry.specifier, kind: 'import', dynamic: false, at: entry.importStart, guarded: false });
      }
    }
    return { format, imports };
  }
  if (!exact && lexed) {
    const requires = scanRequires(source);
    const dynamic = lexed[0].filter((e) => e.type === 'dynamic');
    // A computed import() needs the parser too, to be reported as such.
    if (requires && dynamic.every((e) => e.specifier !== undefined && !e.glob)) {
      return { format, scanned: true, imports: [...requires, ...dynamic.map((e) => ({ specifier: e.specifier, kind: 'import' as const, dynamic: true, at: e.importStart, guarded: false }))] };
    }
  }
  try {
    return { format, imports: cjsImports(source) };
  } catch (error) {
    return { format, imports: [], error: (error as Error).message };
  }
}

/** The names an ES module exports, and whether it re-exports everything of another (`export * from`). */
export function esmExports(source: string): { names: string[]; star: boolean } {
  const [, exports] = lexEsm(source);
  return { names: exports.filter((e) => e.type !== 'reexport-all' && !e.typeOnly).map((e) => (e as { name: string }).name), star: exports.some((e) => e.type === 'reexport-all') };
}

/** The names a CommonJS module visibly exports, and the modules it re-exports (`module.exports = require('./x')`). */
export function cjsExports(source: string): { names: string[]; reexports: string[] } {
  const { exports, reexports } = lexCjs(source);
  return { names: exports, reexports };
}
