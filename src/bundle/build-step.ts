import { OperationError } from '../errors.js';
import type { Logger } from '../log.js';
import { errorLines, runLogged } from './run-logged.js';

/** Runs the package's `build` command through the shell, in its staging copy. */
export async function runBuild(command: string, dir: string, packagePath: string, configFile: string, logger: Logger): Promise<void> {
  const run = await runLogged(command, [], { cwd: dir, logger, shell: true, env: { npm_config_update_notifier: 'false' } });
  if (run.exitCode === 0) return;
  const shown = errorLines(run.lines, /error/i);
  throw new OperationError(
    `build command ${JSON.stringify(command)} failed for package ${packagePath} (exit ${run.exitCode})${shown.length ? `:\n${shown.map((l) => `  ${l}`).join('\n')}` : ''}`,
    `the command comes from "build" in ${configFile}; it runs in a clean copy of the package at the revision, after its dependencies (dev ones included) are installed`,
  );
}
