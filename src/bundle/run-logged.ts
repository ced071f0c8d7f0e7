import { execa } from 'execa';
import type { Logger } from '../log.js';

export interface LoggedRun {
  exitCode: number;
  /** stdout and stderr, interleaved, line by line. */
  lines: string[];
  /** Set when the program could not be started at all. */
  notFound: boolean;
}

/**
 * Runs a program (or a shell command line, with `shell`), passing each line
 * of its output to the logger as it comes, so a task's log shows npm's or
 * the build's own words; the lines are also returned for error messages.
 */
export async function runLogged(
  file: string,
  args: readonly string[],
  options: { cwd: string; logger: Logger; shell?: boolean; env?: Record<string, string> },
): Promise<LoggedRun> {
  const lines: string[] = [];
  const subprocess = execa(file, args, {
    cwd: options.cwd,
    shell: options.shell ?? false,
    env: options.env ?? {},
    stdin: 'ignore',
    all: true,
    reject: false,
    stripFinalNewline: true,
  });
  try {
    for await (const line of subprocess.iterable({ from: 'all' })) {
      lines.push(line);
      if (line.trim() !== '') options.logger.info(`  | ${line}`);
    }
  } catch {
    // The iteration ends with the subprocess's own failure; the result below tells it.
  }
  const result = await subprocess;
  // With reject: false a spawn failure comes back as the result; its `code` says why.
  const notFound = (result as { code?: string }).code === 'ENOENT';
  return { exitCode: result.exitCode ?? 1, lines, notFound };
}

/** The lines of a failed run worth showing: the program's error lines, else its last lines. */
export function errorLines(lines: readonly string[], errorPattern: RegExp, max = 20): string[] {
  const picked = lines.filter((line) => errorPattern.test(line));
  const chosen = picked.length > 0 ? picked : lines.filter((line) => line.trim() !== '');
  return chosen.slice(-max);
}
