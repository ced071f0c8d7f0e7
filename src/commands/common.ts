import { Option, type Command } from 'commander';

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
