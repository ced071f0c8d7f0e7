import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { execa, ExecaError } from 'execa';
import { OperationError, UsageError } from '../errors.js';
import { redactUrlsIn } from './repository-id.js';

export interface GitOptions {
  /** Exit codes that are an answer rather than a failure (e.g. 1 for `merge-base --is-ancestor`). */
  okExitCodes?: number[];
}

export interface GitResult {
  stdout: string;
  exitCode: number;
}

/** Runs one git command in `cwd`. Failures become an OperationError carrying git's own message. */
export async function git(cwd: string, args: string[], options: GitOptions = {}): Promise<GitResult> {
  try {
    const result = await execa('git', args, {
      cwd,
      stripFinalNewline: false,
      maxBuffer: 1024 * 1024 * 1024,
      env: { GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
      reject: false,
    });
    const exitCode = result.exitCode ?? 1;
    if (exitCode === 0 || options.okExitCodes?.includes(exitCode)) {
      return { stdout: result.stdout, exitCode };
    }
    throw new OperationError(`git ${redactUrlsIn(args.join(' '))} failed in ${cwd}: ${redactUrlsIn(result.stderr.trim() || `exit ${exitCode}`)}`);
  } catch (error) {
    if (error instanceof OperationError) throw error;
    if (error instanceof ExecaError && error.code === 'ENOENT') {
      throw new UsageError('git is not installed or not on PATH', 'install git (2.30 or newer)');
    }
    throw error;
  }
}

/** The top folder of the git working tree that holds `dir`. */
export async function gitRoot(dir: string): Promise<string> {
  const result = await execa('git', ['rev-parse', '--show-toplevel'], { cwd: dir, reject: false }).catch((error: unknown) => {
    if (error instanceof ExecaError && error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (!result || result.exitCode !== 0) {
    throw new UsageError(`${dir} is not inside a git repository`, 'run lambda-sync inside a git checkout, or pass --root <folder inside one>');
  }
  return result.stdout.trim();
}

export async function headCommit(root: string): Promise<string> {
  const { stdout, exitCode } = await git(root, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], { okExitCodes: [1] });
  if (exitCode !== 0) throw new UsageError(`the git repository at ${root} has no commits yet`, 'commit the packages first');
  return stdout.trim();
}

/** Resolves a commit-ish to its full sha; an unknown one is a usage error. */
export async function resolveRevision(gitRoot: string, revision: string): Promise<string> {
  if (revision.startsWith('-')) throw new UsageError(`not a revision: ${JSON.stringify(revision)}`);
  const { stdout, exitCode } = await git(gitRoot, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${revision}^{commit}`], { okExitCodes: [1] });
  if (exitCode !== 0) {
    throw new UsageError(`revision ${JSON.stringify(revision)} is not a commit of the repository at ${gitRoot}`, 'fetch it first (git fetch origin <sha>), or check the sha');
  }
  return stdout.trim();
}

/** The subset of `files` (repository-relative) that the commit `head` holds. */
export async function filesInCommit(root: string, head: string, files: readonly string[]): Promise<Set<string>> {
  if (files.length === 0) return new Set();
  // One listing of the whole tree: cheaper than a git call per file.
  const { stdout } = await git(root, ['ls-tree', '-r', '-z', '--name-only', head]);
  const all = new Set(stdout.split('\0'));
  return new Set(files.filter((file) => all.has(file)));
}

export async function remoteUrl(root: string, remote = 'origin'): Promise<string | undefined> {
  const { stdout, exitCode } = await git(root, ['config', '--get', `remote.${remote}.url`], { okExitCodes: [1] });
  return exitCode === 0 ? stdout.trim() : undefined;
}

/** The commits at which a shallow clone's history is cut (empty when not shallow). */
export async function shallowBoundaries(root: string): Promise<Set<string>> {
  const { stdout } = await git(root, ['rev-parse', '--git-path', 'shallow']);
  try {
    const text = await readFile(resolve(root, stdout.trim()), 'utf8');
    return new Set(text.split('\n').filter((line) => /^[0-9a-f]{40,64}$/.test(line)));
  } catch {
    return new Set();
  }
}

/** True when the repository holds the commit `sha`. */
export async function commitKnown(root: string, sha: string): Promise<boolean> {
  const { exitCode } = await git(root, ['cat-file', '-e', `${sha}^{commit}`], { okExitCodes: [1, 128] });
  return exitCode === 0;
}

/** True when `ancestor` is an ancestor of (or equal to) `descendant`; undefined when git does not know one of them. */
export async function isAncestor(root: string, ancestor: string, descendant: string): Promise<boolean | undefined> {
  if (!(await commitKnown(root, ancestor))) return undefined;
  const { exitCode } = await git(root, ['merge-base', '--is-ancestor', ancestor, descendant], { okExitCodes: [1] });
  return exitCode === 0;
}

/** How many first-parent commits `to` has that `from` lacks, counting only those that touch `paths` when given. */
export async function commitsBetween(root: string, from: string, to: string, paths: readonly string[] = []): Promise<number> {
  const { stdout } = await git(root, ['rev-list', '--count', '--first-parent', `${from}..${to}`, '--', ...paths]);
  return Number(stdout.trim());
}

/** True when the tree of `commit` holds anything at `path` (a file or a folder). */
export async function pathInCommit(root: string, commit: string, path: string): Promise<boolean> {
  const { stdout } = await git(root, ['ls-tree', '--name-only', commit, '--', path]);
  return stdout.trim() !== '';
}
