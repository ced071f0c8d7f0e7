import { OperationError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import { errorLines, runLogged } from './run-logged.js';

/** Runs the package's `build` command through the shell, in its staging copy. */
export async function runBuild(command: string, dir: string, packagePath: string, configFile: string, logger: Logger): Promise<void> {
  const run = await runLogged(command, [], { cwd: dir, logger, shell: true, env: { npm_config_update_notifier: 'false' } });
  if (run.exitCode === 0) return;
  // Its output has just been printed line by line (`  | ...`) unless the
  // logger is silent (sync without --verbose): it goes into the message only
  // then, so that it is printed once.
  const any = run.lines.some((l) => l.trim() !== '');
  const shown = logger === silentLogger ? errorLines(run.lines, /error/i) : [];
  const detail = !any ? ', printing nothing' : shown.length > 0 ? `:\n${shown.map((l) => `  ${l}`).join('\n')}` : '; its output is above';
  throw new OperationError(
    `build command ${JSON.stringify(command)} failed for package ${packagePath} (exit ${run.exitCode})${detail}`,
    `the command comes from "build" in ${configFile}; it runs in a clean copy of the package at the revision, after its dependencies (dev ones included) are installed`,
  );
}
