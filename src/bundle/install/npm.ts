import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { OperationError, UsageError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { readJsonFile } from '../json-file.js';
import { errorLines, runLogged } from '../run-logged.js';
import type { InstallTarget } from './platform.js';

export interface Manifest {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  packageManager?: string;
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

export function hasNpmLockfile(dir: string): boolean {
  return existsSync(join(dir, 'package-lock.json')) || existsSync(join(dir, 'npm-shrinkwrap.json'));
}

const COMMON_FLAGS = [
  '--no-audit',
  '--no-fund',
  // file: dependencies are installed as copies (as if published), not as
  // symlinks that would point outside the package.
  '--install-links',
  // Dependencies' preinstall/install/postinstall scripts would run inside the
  // deploy task, next to its credentials: off, and `npm rebuild` runs the
  // ones the package allows (allowScripts).
  '--ignore-scripts',
];

/** npm's flags for the platform to install for: optional dependencies that declare another os/cpu/libc are skipped. */
export function npmTargetFlags(target: InstallTarget): string[] {
  return [`--os=${target.os}`, `--cpu=${target.cpu}`, `--libc=${target.libc}`];
}

// Never ask, never nag: a task has no terminal and must not wait on one.
const NPM_ENV = { npm_config_update_notifier: 'false', npm_config_yes: 'true' };

/** --os/--cpu came in npm 10.2, --libc in npm 10.3: older ones take the flags as unknown config and install for the machine. */
const MIN_NPM: readonly [number, number] = [10, 3];
let npmVersion: Promise<string | undefined> | undefined;

async function checkNpmVersion(dir: string, logger: Logger): Promise<void> {
  npmVersion ??= runLogged('npm', ['--version'], { cwd: dir, logger: { ...logger, info: () => {} }, env: NPM_ENV }).then((run) => (run.exitCode === 0 ? run.lines.join('').trim() : undefined));
  const version = await npmVersion;
  if (version === undefined) {
    npmVersion = undefined;
    throw new UsageError('npm is not installed or not on PATH', 'install Node.js with npm 10.3 or newer');
  }
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major < MIN_NPM[0] || (major === MIN_NPM[0] && minor < MIN_NPM[1])) {
    throw new UsageError(
      `npm ${version} cannot install dependencies for Lambda's platform (--os, --cpu and --libc need npm ${MIN_NPM.join('.')} or newer), so native dependencies would be the ones of this machine`,
      'install a newer npm: npm install --global npm@11',
    );
  }
}

export type NpmPhase =
  /** Everything the build needs, dev dependencies included, for this machine (the build runs here). */
  | 'build'
  /** What ships: production dependencies for Lambda's platform. */
  | 'lambda';

/**
 * Installs the package's dependencies in its staging copy, scripts off.
 * With a lockfile `npm ci` (reproducible), else `npm install` without
 * writing one. The `lambda` phase after a build installs over the build's
 * node_modules without deleting it (`npm install --no-save`, which follows
 * the lockfile that `npm ci` has just checked), so files the build wrote
 * there stay; it removes dev dependencies and other platforms' optional ones.
 * Returns the command, for the step line.
 */
export async function npmInstall(dir: string, packagePath: string, phase: NpmPhase, target: InstallTarget, afterBuild: boolean, logger: Logger): Promise<string> {
  await checkNpmVersion(dir, logger);
  const lockfile = hasNpmLockfile(dir);
  const args = !lockfile ? ['install', '--no-package-lock'] : phase === 'lambda' && afterBuild ? ['install', '--no-save'] : ['ci'];
  // Explicitly both ways: under NODE_ENV=production (the Docker image sets
  // it) npm omits dev dependencies by default, and a build needs them.
  args.push(phase === 'build' ? '--include=dev' : '--omit=dev');
  if (phase === 'lambda') args.push(...npmTargetFlags(target));
  args.push(...COMMON_FLAGS);
  await runNpm(args, dir, packagePath, logger);
  return `npm ${args.join(' ')}`;
}

/** Runs the install scripts of the allowed, installed dependencies. */
export async function npmRebuild(dir: string, packagePath: string, names: readonly string[], phase: NpmPhase, target: InstallTarget, logger: Logger): Promise<string> {
  const args = ['rebuild', ...names, '--no-audit', '--no-fund'];
  if (phase === 'lambda') args.push(...npmTargetFlags(target));
  await runNpm(args, dir, packagePath, logger);
  return `npm ${args.join(' ')}`;
}

async function runNpm(args: string[], dir: string, packagePath: string, logger: Logger): Promise<void> {
  const run = await runLogged('npm', args, { cwd: dir, logger, env: NPM_ENV });
  if (run.notFound) throw new UsageError('npm is not installed or not on PATH', 'install Node.js with npm 10.3 or newer');
  if (run.exitCode === 0) return;
  const shown = npmErrorLines(run.lines);
  throw new OperationError(
    `npm ${args[0]} failed for package ${packagePath} (exit ${run.exitCode}):\n${shown.map((l) => `  ${l}`).join('\n')}`,
    args[0] === 'ci'
      ? `reproduce with: cd ${packagePath} && npm ${args.join(' ')} (if package-lock.json is out of date: run npm install there and commit it)`
      : args[0] === 'rebuild'
        ? `an install script of ${args.slice(1).filter((a) => !a.startsWith('-')).join(', ')} failed (they run because allowScripts names them); reproduce with: cd ${packagePath} && npm ${args.join(' ')}`
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
