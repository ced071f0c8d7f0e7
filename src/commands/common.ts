import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';

/** Options every command that reads the repository accepts. */
export interface RepositoryOptions {
  root?: string;
  repoUrl?: string;
}

export function addRepositoryOptions(command: Command): Command {
  return command
    .addOption(new Option('--root <dir>', 'a folder inside the repository; only packages under it are considered').default(undefined, 'current folder'))
    .addOption(new Option('--repo-url <url>', 'the repository\'s URL, source of the repository id (default: the origin remote); credentials in it are never printed'));
}

/** Prints a table with left-aligned columns. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/**
 * Why a package path given to `deploy` or `rollback` does not exist. plan,
 * sync and status name one of a package's functions `path#key`, so people
 * copy that: those commands work on the whole package, all its functions.
 */
export function missingPackageError(command: string, path: string, where = ''): UsageError {
  const label = /^(.+)#[A-Za-z0-9_-]{1,40}$/.exec(path);
  if (label) {
    return new UsageError(`${path} names one function of the package ${label[1]}: ${command} works on a whole package, all of its functions`, `run lambda-sync ${command} ${label[1]}`);
  }
  return new UsageError(`${path} does not exist${where}`);
}
