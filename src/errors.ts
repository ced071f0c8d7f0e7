/**
 * Errors that reach the user. Each kind carries its exit code so that every
 * command maps failures the same way: 2 for bad usage or configuration,
 * 1 for a failed operation (deploy, bundle, submission), 3 for "not in sync"
 * (`status --exit-code`: the command worked, and found differences).
 */
export abstract class LambdaSyncError extends Error {
  abstract readonly exitCode: 1 | 2 | 3;
  /** What the user can do about it, printed after the message. */
  readonly hint: string | undefined;

  constructor(message: string, hint?: string) {
    super(message);
    this.name = new.target.name;
    this.hint = hint;
  }
}

/** Bad command line, or an environment the command cannot work in (no git repository, ...). */
export class UsageError extends LambdaSyncError {
  readonly exitCode = 2;
}

/** A configuration file is wrong. Names the file and the field. */
export class ConfigError extends LambdaSyncError {
  readonly exitCode = 2;
  constructor(
    readonly file: string,
    readonly field: string,
    readonly reason: string,
    hint?: string,
  ) {
    super(`${file}: ${field ? `${field}: ` : ''}${reason}`, hint);
  }
}

/** Several configuration errors at once, so that one run shows all of them. */
export class ConfigErrors extends LambdaSyncError {
  readonly exitCode = 2;
  constructor(readonly errors: ConfigError[]) {
    super(errors.map((e) => e.message).join('\n'));
  }
}

/** An operation failed (git, npm, Lambda, the queue). */
export class OperationError extends LambdaSyncError {
  readonly exitCode = 1;
}

/** `status --exit-code` found something that is not in sync (exit 3, for cron jobs; 1 and 2 keep their meanings). */
export class NotInSyncError extends LambdaSyncError {
  readonly exitCode = 3;
}
