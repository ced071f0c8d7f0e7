import { ConfigError, LambdaSyncError } from '../../errors.js';
import type { SettingSource } from '../../config/types.js';
import type { HandlerCheckInput } from '../handler-check.js';

/** `fn/lambda.yml: handler`, or what says that it is the default. */
export function describeSource(source: SettingSource, configFile: string): string {
  return source.kind === 'file' ? `${source.file}: ${source.field}` : `the default, not set in ${configFile}`;
}

/** The file and field an error about the handler names: where it was set, or where it would be set. */
function handlerField(input: HandlerCheckInput): { file: string; field: string } {
  if (input.handlerSource.kind === 'file') return input.handlerSource;
  return { file: input.configFile, field: input.configFile.endsWith('package.json') ? 'lambda.handler' : 'handler' };
}

/** `main.handler`, or for the default what says that it is one. */
function handlerSubject(input: HandlerCheckInput): string {
  return input.handlerSource.kind === 'default' ? `is not set, so it is the default ${input.handler}, which` : input.handler;
}

/** An error about the handler, naming the file and field that set it (or would set it). */
export function handlerError(input: HandlerCheckInput, reason: string, hint?: string): ConfigError {
  const { file, field } = handlerField(input);
  const defaultHint = `set ${field} in ${file} to the file and function that exist (e.g. index.handler for an index.js exporting handler)${input.handlerSource.kind === 'file' && input.handlerSource.file !== input.configFile ? `, in ${input.configFile} for this package alone` : ''}, or check that the build writes the file`;
  return new ConfigError(file, field, `${handlerSubject(input)} ${reason}`, hint ?? defaultHint);
}

/**
 * The handler's module is not in the bundle: Lambda would accept the zip and
 * every call would fail (Runtime.ImportModuleError). `looked` is the files
 * looked for, package-relative.
 */
export function handlerNotFound(input: HandlerCheckInput, looked: readonly string[]): ConfigError {
  const dropped = looked.map((path) => [path, input.droppedBy(path)] as const).find(([path, by]) => by !== undefined && input.staged.isFile(path));
  return handlerError(
    input,
    `needs ${orList(looked)} in the bundle of ${input.packagePath}, and it has none of them`,
    dropped ? `${dropped[0]} is there, but ${dropped[1]} keeps it out of the bundle: change that glob` : undefined,
  );
}

export function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

export interface UnresolvedImport {
  /** Package-relative importing file. */
  file: string;
  line: number;
  /** `require('x')`, `import 'x'`, `import('x')`. */
  what: string;
  why: string;
  fix: string | undefined;
}

/** Imports reachable from the handler that resolve nowhere: the function would fail when it loads them. */
export class UnresolvedImportsError extends LambdaSyncError {
  readonly exitCode = 2;
  constructor(
    readonly packagePath: string,
    readonly unresolved: readonly UnresolvedImport[],
    input: Pick<HandlerCheckInput, 'handler' | 'handlerSource' | 'configFile'>,
    max = 20,
  ) {
    const lines = unresolved.slice(0, max).map((u) => `  ${packagePath}/${u.file}:${u.line}: ${u.what} does not resolve: ${u.why}${u.fix ? `; ${u.fix}` : ''}`);
    if (unresolved.length > max) lines.push(`  ... and ${unresolved.length - max} more`);
    super(
      `${unresolved.length === 1 ? '1 import' : `${unresolved.length} imports`} of handler ${input.handler} (${describeSource(input.handlerSource, input.configFile)}) ${unresolved.length === 1 ? 'does' : 'do'} not resolve in the bundle of ${packagePath}:\n${lines.join('\n')}`,
      `fix each as said; if the check is wrong about code it cannot follow, set checkImports: false in ${input.configFile}`,
    );
  }
}
