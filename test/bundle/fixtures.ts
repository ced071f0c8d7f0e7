import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { GIT_ENV, TestRepo } from '../support/git-repo.js';
import { scratchDir } from './scratch.js';
import { createLogger, type Logger } from '../../src/log.js';
import { run } from '../../src/commands/index.js';

export const REPO_URL = 'https://github.com/example/functions';

/** npm's lockfile for `fn`: one production path dependency, one dev one (as npm 11 writes it). */
export function fnLockfile(dependencies: Record<string, string> = { greeting: 'file:../shared/greeting' }): unknown {
  return {
    name: 'fn',
    version: '1.0.0',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'fn', version: '1.0.0', dependencies, devDependencies: { 'test-helper': 'file:../shared/test-helper' } },
      '../shared/greeting': { version: '1.0.0' },
      '../shared/test-helper': { version: '1.0.0', dev: true },
      'node_modules/greeting': { resolved: '../shared/greeting', link: true },
      'node_modules/test-helper': { resolved: '../shared/test-helper', link: true },
    },
  };
}

/**
 * A repository with shared code and one function `fn` that uses it: a
 * production path dependency (greeting), a dev one (test-helper), a lockfile,
 * an executable file, a symlink inside the package, and tracked secrets that
 * the default excludes must keep out. Committed; then an untracked `.env`
 * and a stray node_modules file are left in the working tree. The first
 * commit holds only a README.
 */
export function functionsRepo(): TestRepo {
  const repo = new TestRepo();
  repo.write('README.md', 'functions\n').commit('initial');
  repo.writeJson('shared/greeting/package.json', { name: 'greeting', version: '1.0.0', main: 'index.js' });
  repo.write('shared/greeting/index.js', 'exports.greet = (name) => `hello, ${name}`;\n');
  repo.writeJson('shared/test-helper/package.json', { name: 'test-helper', version: '1.0.0', main: 'index.js' });
  repo.write('shared/test-helper/index.js', 'exports.helper = true;\n');
  repo.write('fn/lambda.yml', 'handler: main.handler\ndependsOn:\n  - shared/greeting\n');
  repo.writeJson('fn/package.json', {
    name: 'fn',
    version: '1.0.0',
    private: true,
    dependencies: { greeting: 'file:../shared/greeting' },
    devDependencies: { 'test-helper': 'file:../shared/test-helper' },
  });
  repo.writeJson('fn/package-lock.json', fnLockfile());
  repo.write('fn/main.js', "const { greet } = require('greeting');\nexports.handler = async () => greet('fn');\n");
  repo.write('fn/lib/util.js', 'exports.util = 1;\n');
  repo.symlink('fn/lib/alias.js', 'util.js');
  repo.write('fn/bin/run.sh', '#!/bin/sh\necho run\n', 0o755);
  repo.write('fn/.npmrc', '//registry.example.com/:_authToken=tracked-secret\n');
  repo.write('fn/.env.production', 'SECRET=tracked\n');
  repo.commit('functions');
  repo.write('fn/.env', 'SECRET=untracked\n');
  repo.write('fn/node_modules/stray/index.js', 'stray\n');
  repo.write('fn/notes.txt', 'untracked notes\n');
  return repo;
}

export interface CliRun {
  code: number;
  errors: string[];
  log: string[];
}

/**
 * Runs `lambda-sync bundle` in-process through the CLI's run(), capturing its
 * error lines and step log. (stdout is not captured: under node --test it is
 * the runner's own channel; spawnBundleCli covers what the command prints.)
 */
export async function runBundleCli(args: string[]): Promise<CliRun> {
  const log: string[] = [];
  const errors: string[] = [];
  const logger: Logger = createLogger((line) => log.push(line));
  const code = await run(['node', 'lambda-sync', 'bundle', ...args], { logger, writeError: (line) => errors.push(line) });
  return { code, errors, log };
}

const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));

/** Runs the compiled CLI as a user would, in a child process. */
export async function spawnBundleCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const result = await promisify(execFile)(process.execPath, [CLI, 'bundle', ...args], { env: { ...GIT_ENV, AWS_SDK_JS_SUPPRESS_NODE_DEPRECATION_WARNING: '1' } }).catch(
    (error: { code?: number; stdout?: string; stderr?: string }) => ({ stdout: error.stdout ?? '', stderr: error.stderr ?? '', code: error.code ?? 1 }),
  );
  return { code: 'code' in result ? (result.code as number) : 0, stdout: result.stdout, stderr: result.stderr };
}

export function emptyOutDir(): string {
  return scratchDir('lambda-sync-bundle-out-');
}

export function filesIn(dir: string): string[] {
  return readdirSync(dir);
}

export { join };
