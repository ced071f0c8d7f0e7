import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { OperationError, UsageError } from '../errors.js';
import type { Logger } from '../log.js';
import { readJsonFile } from './json-file.js';
import { errorLines, runLogged } from './run-logged.js';

export interface Manifest {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** The staged package.json, or undefined when the package has none (a non-Node function). */
export function readManifest(dir: string, packagePath: string): Manifest | undefined {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return undefined;
  const value = readJsonFile<unknown>(file, `${packagePath}/package.json`);
  return value && typeof value === 'object' ? (value as Manifest) : {};
}

function count(record: Record<string, string> | undefined): number {
  return record ? Object.keys(record).length : 0;
}

export function hasProductionDependencies(manifest: Manifest): boolean {
  return count(manifest.dependencies) + count(manifest.optionalDependencies) > 0;
}

export function hasDevDependencies(manifest: Manifest): boolean {
  return count(manifest.devDependencies) > 0;
}

export function hasLockfile(dir: string): boolean {
  return existsSync(join(dir, 'package-lock.json')) || existsSync(join(dir, 'npm-shrinkwrap.json'));
}

const COMMON_FLAGS = [
  '--no-audit',
  '--no-fund',
  // file: dependencies are installed as copies (as if published), not as
  // symlinks that would point outside the package.
  '--install-links',
];

// Never ask, never nag: a task has no terminal and must not wait on one.
const NPM_ENV = { npm_config_update_notifier: 'false', npm_config_yes: 'true' };

/**
 * Installs the package's dependencies in its staging copy: `npm ci` with a
 * lockfile (reproducible), else `npm install` without writing one.
 * `withDev` installs dev dependencies too, for a build step; prune them
 * afterwards with pruneDevDependencies.
 */
export async function installDependencies(dir: string, packagePath: string, withDev: boolean, logger: Logger): Promise<string> {
  const args = hasLockfile(dir) ? ['ci'] : ['install', '--no-package-lock'];
  // Explicitly both ways: under NODE_ENV=production (the Docker image sets
  // it) npm omits dev dependencies by default, and a build needs them.
  args.push(withDev ? '--include=dev' : '--omit=dev');
  args.push(...COMMON_FLAGS);
  await runNpm(args, dir, packagePath, logger);
  return `npm ${args.join(' ')}`;
}

export async function pruneDevDependencies(dir: string, packagePath: string, logger: Logger): Promise<void> {
  const args = ['prune', '--omit=dev', ...COMMON_FLAGS];
  if (!hasLockfile(dir)) args.push('--no-package-lock');
  await runNpm(args, dir, packagePath, logger);
}

async function runNpm(args: string[], dir: string, packagePath: string, logger: Logger): Promise<void> {
  const run = await runLogged('npm', args, { cwd: dir, logger, env: NPM_ENV });
  if (run.notFound) throw new UsageError('npm is not installed or not on PATH', 'install Node.js with npm (npm 7 or newer)');
  if (run.exitCode === 0) return;
  const shown = npmErrorLines(run.lines);
  throw new OperationError(
    `npm ${args[0]} failed for package ${packagePath} (exit ${run.exitCode}):\n${shown.map((l) => `  ${l}`).join('\n')}`,
    args[0] === 'ci'
      ? `reproduce with: cd ${packagePath} && npm ${args.join(' ')} (if package-lock.json is out of date: run npm install there and commit it)`
      : `reproduce with: cd ${packagePath} && npm ${args.join(' ')}`,
  );
}

/**
 * npm's own error lines, without the blank ones and without the usage text
 * it appends to a usage error (EUSAGE): the first lines say what went wrong,
 * the last one where the full log is.
 */
export function npmErrorLines(lines: readonly string[], max = 12): string[] {
  const errors: string[] = [];
  for (const line of lines) {
    if (/^npm (error|ERR!) Usage:/.test(line)) break;
    if (/^npm (error|ERR!)\s*\S/.test(line)) errors.push(line);
  }
  if (errors.length === 0) return errorLines(lines, /$^/, max);
  const logLine = lines.find((l) => /A complete log of this run can be found in/.test(l));
  const shown = errors.slice(0, max);
  if (logLine && !shown.includes(logLine)) shown.push(logLine);
  return shown;
}
