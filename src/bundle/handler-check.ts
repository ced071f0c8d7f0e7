// "Will it run?": before a zip is written, the function's entry point is
// looked for in what ships, and on Node its imports are followed through
// the bundle. One check per runtime family; each takes the handler string
// and where it was set, so that a package with several functions runs it
// once per function.
import type { SettingSource } from '../config/types.js';
import type { Logger } from '../log.js';
import type { Package } from '../packages/package.js';
import { checkBootstrap } from './custom-runtime.js';
import type { PackageFiles } from './handler/files.js';
import { checkNodeHandler } from './handler/node/check.js';
import { checkRubyHandler } from './handler/ruby.js';
import { checkPythonHandler } from './python/handler.js';
import type { ZipInput } from './zip/writer.js';

export interface HandlerCheckInput {
  /** The package folder from the repository root, for messages. */
  packagePath: string;
  /** The package's config file (lambda.yml or package.json), for hints. */
  configFile: string;
  runtime: string;
  handler: string;
  /** Where `handler` was set: errors name that file and field, or say it is the default. */
  handlerSource: SettingSource;
  /** The import check (Node); the handler's own file is always looked for. */
  checkImports: boolean;
  /** What ships: the zip's files. */
  shipped: PackageFiles;
  /** The staged package before include/exclude, to tell when a glob dropped what an import needs. */
  staged: PackageFiles;
  /** The config field (`exclude in fn/lambda.yml`) that keeps a package-relative path out of the zip, if one does. */
  droppedBy(path: string): string | undefined;
  /** The package, its zip's files and the logger, for the checks written against them (Python, provided). */
  pkg: Package;
  files: readonly ZipInput[];
  logger: Logger;
}

export interface HandlerCheckReport {
  /** One line for the step's log: what was checked. */
  summary: string;
  /** Likely problems that a static check cannot prove: shown as warnings. */
  warnings: string[];
  /** Imports the check could not follow (computed specifiers, optional dependencies), as `file:line what`. */
  notChecked: string[];
}

/** A runtime family's check. Throws a LambdaSyncError (exit 2) when the function cannot run. */
export type HandlerCheck = (input: HandlerCheckInput) => Promise<HandlerCheckReport>;

/**
 * The check of each runtime family, by runtime name prefix; the first match
 * wins. To extend a family (Python imports), replace its entry.
 */
export const HANDLER_CHECKS: ReadonlyArray<readonly [prefix: string, check: HandlerCheck]> = [
  ['nodejs', checkNodeHandler],
  // python/handler.ts: module, top-level function and imports, with Python's own ast.
  ['python', async (input) => {
    await checkPythonHandler(input);
    return { summary: `${input.handler}: module, function${input.checkImports ? ' and top-level imports' : ''} checked`, warnings: [], notChecked: [] };
  }],
  ['provided', async (input) => {
    checkBootstrap(input.pkg, input.files);
    return { summary: 'bootstrap found, executable', warnings: [], notChecked: [] };
  }],
  ['ruby', checkRubyHandler],
];

/** Runs the check of the package's runtime; runtimes without one (Java, .NET: compiled handlers) are reported as not checked. */
export async function checkHandler(input: HandlerCheckInput): Promise<HandlerCheckReport> {
  const check = HANDLER_CHECKS.find(([prefix]) => input.runtime.startsWith(prefix))?.[1];
  if (!check) return { summary: `handler ${input.handler} not checked (no check for ${input.runtime})`, warnings: [], notChecked: [] };
  return check(input);
}
