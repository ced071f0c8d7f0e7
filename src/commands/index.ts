import { Command, CommanderError } from 'commander';
import { LambdaSyncError } from '../errors.js';
import { createLogger, type Logger } from '../log.js';
import { redactUrlsIn } from '../repo/repository-id.js';
import { toolVersion } from '../version.js';
import { registerBundle } from './bundle.js';
import { registerDecision } from './decision.js';
import { registerDeploy } from './deploy.js';
import { registerInit } from './init.js';
import { registerPlan } from './plan.js';
import { registerRemove } from './remove.js';
import { registerRollback } from './rollback.js';
import { registerStatus } from './status.js';
import { registerSync } from './sync.js';

export interface RunIo {
  logger?: Logger;
  /** Where error messages go; default stderr. */
  writeError?: (line: string) => void;
}

export function buildProgram(logger: Logger): Command {
  const program = new Command('lambda-sync')
    .description('Keep a git repository of AWS Lambda function packages in sync with AWS Lambda, with Taskcluster as the engine.')
    .version(toolVersion(), '-V, --version', 'print the version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerPlan(program, logger);
  registerBundle(program, logger);
  registerDeploy(program, logger);
  registerSync(program, logger);
  registerStatus(program, logger);
  registerRollback(program, logger);
  registerRemove(program, logger);
  registerDecision(program, logger);
  registerInit(program, logger);
  for (const command of program.commands) command.exitOverride();
  return program;
}

/** Runs the CLI and returns its exit code: 0 success, 1 failed operation, 2 bad usage or configuration, 3 not in sync (status --exit-code). */
export async function run(argv: string[], io: RunIo = {}): Promise<number> {
  const writeError = io.writeError ?? ((line: string) => process.stderr.write(`${line}\n`));
  const logger = io.logger ?? createLogger();
  const program = buildProgram(logger);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof LambdaSyncError) {
      writeError(`error: ${redactUrlsIn(error.message)}`);
      if (error.hint) writeError(`  ${redactUrlsIn(error.hint)}`);
      return error.exitCode;
    }
    writeError(`error: ${redactUrlsIn(error instanceof Error ? (error.stack ?? error.message) : String(error))}`);
    return 1;
  }
}
