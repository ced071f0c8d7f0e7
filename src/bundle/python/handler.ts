import { posix } from 'node:path';
import { execa } from 'execa';
import { ConfigError, ConfigErrors } from '../../errors.js';
import { configField } from '../../config/field.js';
import type { HandlerCheckInput } from '../handler-check.js';
import type { ZipInput } from '../zip/writer.js';
import { pythonVersion } from './platform.js';
import { removedFromStdlib, stdlibModules } from './stdlib.js';

/**
 * What Lambda's Python runtimes put on sys.path besides /var/task: boto3
 * and what boto3 needs to import (AWS documents boto3 and botocore; the
 * others are their dependencies, so they are there too), and the runtime
 * interface client.
 */
export const RUNTIME_PROVIDED: ReadonlySet<string> = new Set(['boto3', 'botocore', 's3transfer', 'jmespath', 'dateutil', 'urllib3', 'six', 'awslambdaric']);

/**
 * Reads the module with Python's own parser (`ast`) and reports its
 * module-level statements only: imports in functions, `if` or `try` blocks
 * are optional or late, so they are not judged. Runs with the bundling
 * machine's python3; a module it cannot parse (newer syntax than it knows)
 * is reported as not checked.
 */
const INSPECT = `
import ast, json, sys
path, name = sys.argv[1], sys.argv[2]
try:
    tree = ast.parse(open(path, 'rb').read(), path)
except SyntaxError as e:
    print(json.dumps({'syntaxError': {'line': e.lineno or 0, 'message': e.msg}}))
    sys.exit(0)
defined = False
dynamic = False
imports = []
for node in tree.body:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        defined = defined or node.name == name
        dynamic = dynamic or node.name == '__getattr__'
    elif isinstance(node, ast.Assign):
        defined = defined or any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
    elif isinstance(node, ast.AnnAssign):
        defined = defined or (isinstance(node.target, ast.Name) and node.target.id == name)
    elif isinstance(node, ast.Import):
        for alias in node.names:
            imports.append({'module': alias.name, 'level': 0, 'line': node.lineno})
            defined = defined or (alias.asname or alias.name.split('.')[0]) == name
    elif isinstance(node, ast.ImportFrom):
        imports.append({'module': node.module or '', 'level': node.level, 'line': node.lineno})
        for alias in node.names:
            dynamic = dynamic or alias.name == '*'
            defined = defined or (alias.asname or alias.name) == name
print(json.dumps({'defined': defined, 'dynamic': dynamic, 'imports': imports}))
`;

interface Inspection {
  syntaxError?: { line: number; message: string };
  defined?: boolean;
  /** `from x import *` or a module `__getattr__`: any name may exist. */
  dynamic?: boolean;
  imports?: { module: string; level: number; line: number }[];
}

/** The module paths (`a/b` for a/b.py, a/b.pyc or a/b.cpython-312-x86_64-linux-gnu.so) and folders of the bundle. */
function bundleIndex(files: readonly ZipInput[]): { modules: Set<string>; folders: Set<string> } {
  const modules = new Set<string>();
  const folders = new Set<string>();
  for (const { name } of files) {
    const dir = posix.dirname(name);
    for (let d = dir; d !== '.'; d = posix.dirname(d)) folders.add(d);
    if (!/\.(py|pyc|so)$/.test(name)) continue;
    const base = posix.basename(name).split('.')[0]!;
    modules.add(dir === '.' ? base : `${dir}/${base}`);
  }
  return { modules, folders };
}

/** True when `parts` (a dotted module path, already made absolute) can be imported from the bundle root. */
function resolvesInBundle(parts: readonly string[], index: ReturnType<typeof bundleIndex>): boolean {
  for (let i = 0; i < parts.length; i++) {
    const path = parts.slice(0, i + 1).join('/');
    if (index.modules.has(path)) return true; // a module; the rest are its attributes or submodules
    if (!index.folders.has(path)) return false;
  }
  return true; // a package or namespace package
}

/**
 * Checks a Python function before it ships: the handler's module is in the
 * bundle (`a/b.py` or `a/b/__init__.py` for `a.b.fn` and `a/b.fn`, as
 * Lambda's runtime reads it), the function is defined at its top level, and
 * each of its top-level imports resolves in the bundle, in the runtime's
 * standard library, or in what the runtime provides (RUNTIME_PROVIDED).
 * Each failure is a ConfigError (exit 2): Lambda would take the zip and
 * fail at the first call with Runtime.ImportModuleError or
 * Runtime.HandlerNotFound.
 */
export async function checkPythonHandler(input: Pick<HandlerCheckInput, 'pkg' | 'files' | 'logger' | 'handler' | 'handlerSource' | 'checkImports'>): Promise<void> {
  const { pkg, files, logger, handler, handlerSource } = input;
  // Errors name where the handler was set: the package's file, lambda-sync.yml's defaults, or the built-in default.
  const configFile = handlerSource.kind === 'file' ? handlerSource.file : pkg.configFile;
  const dot = handler.lastIndexOf('.');
  const moduleParts = handler.slice(0, dot).replace(/\//g, '.').split('.');
  const functionName = handler.slice(dot + 1);
  const field = handlerSource.kind === 'file' ? handlerSource.field : `${configField(pkg, 'handler')} (the default)`;
  const modulePath = moduleParts.join('/');
  const byName = new Map(files.map((f) => [f.name, f]));
  const candidates = [`${modulePath}.py`, `${modulePath}/__init__.py`];
  const index = bundleIndex(files);
  const moduleFile = candidates.map((c) => byName.get(c)).find((f) => f !== undefined);
  if (!moduleFile) {
    if (index.modules.has(modulePath)) {
      logger.info(`${pkg.path}: handler ${handler} is a compiled module; its function and imports are not checked`);
      return;
    }
    throw new ConfigError(configFile, field, `${handler} needs ${candidates.join(' or ')} in the bundle of ${pkg.path}, which has neither`, 'add the module, fix the handler, or check include/exclude');
  }

  const run = await execa('python3', ['-c', INSPECT, moduleFile.source, functionName], { reject: false, env: { PYTHONDONTWRITEBYTECODE: '1' } });
  if ((run as { code?: string }).code === 'ENOENT' || run.exitCode !== 0) {
    logger.warn(`${pkg.path}: python3 could not read ${moduleFile.name} (${run.stderr.trim().split('\n').at(-1) || 'python3 is not on PATH'}); the handler's function and imports are not checked`);
    return;
  }
  const inspection = JSON.parse(run.stdout) as Inspection;
  if (inspection.syntaxError) {
    logger.warn(`${pkg.path}: this machine's python3 cannot parse ${moduleFile.name} (line ${inspection.syntaxError.line}: ${inspection.syntaxError.message}); the handler's function and imports are not checked`);
    return;
  }
  const display = `${pkg.path}/${moduleFile.name}`;
  if (!inspection.defined && !inspection.dynamic) {
    throw new ConfigError(configFile, field, `${handler}: ${moduleFile.name} defines no ${functionName} at its top level`, `define def ${functionName}(event, context) in ${moduleFile.name}, or fix the handler`);
  }

  if (!input.checkImports) return; // the package turned the import check off (checkImports: false)
  const version = pythonVersion(pkg.config.runtime)!;
  const stdlib = stdlibModules(version);
  const packageParts = moduleFile.name.endsWith('/__init__.py') ? moduleParts : moduleParts.slice(0, -1);
  const errors: ConfigError[] = [];
  for (const imported of inspection.imports ?? []) {
    const names = imported.module === '' ? [] : imported.module.split('.');
    if (imported.level > 0) {
      const base = packageParts.slice(0, packageParts.length - (imported.level - 1));
      if (imported.level - 1 > packageParts.length || names.length === 0) continue; // `from . import x`: x may be a name of __init__
      if (!resolvesInBundle([...base, ...names], index)) {
        errors.push(new ConfigError(display, `line ${imported.line}`, `from ${'.'.repeat(imported.level)}${imported.module} import ...: ${[...base, ...names].join('/')}.py is not in the bundle`));
      }
      continue;
    }
    const top = names[0]!;
    if (stdlib.has(top) || RUNTIME_PROVIDED.has(top) || resolvesInBundle(names, index)) continue;
    const removed = removedFromStdlib(top, version);
    errors.push(
      new ConfigError(
        display,
        `line ${imported.line}`,
        removed
          ? `import ${imported.module}: ${top} was removed from the standard library in Python ${removed}, and the bundle does not have it`
          : `import ${imported.module}: neither the bundle, python${version}'s standard library nor the runtime (boto3, botocore) has ${names.length > 1 ? imported.module : top}`,
        `add the distribution that provides ${top} to requirements.txt (or pyproject.toml's [project].dependencies); if it is the package's own code, check include/exclude`,
      ),
    );
  }
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new ConfigErrors(errors);
}
