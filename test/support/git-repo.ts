import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Environment for every git call in tests: a fixed identity and no user or system config. */
export const GIT_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Test Author',
  GIT_AUTHOR_EMAIL: 'author@example.com',
  GIT_COMMITTER_NAME: 'Test Committer',
  GIT_COMMITTER_EMAIL: 'committer@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  LC_ALL: 'C',
};

export function tempDir(prefix = 'lambda-sync-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A throwaway git repository in a temp folder. */
export class TestRepo {
  readonly dir: string;
  private tick = 0;

  constructor(dir?: string, options: { init?: boolean; branch?: string } = {}) {
    this.dir = dir ?? tempDir('lambda-sync-repo-');
    mkdirSync(this.dir, { recursive: true });
    if (options.init !== false) this.git('init', '--quiet', `--initial-branch=${options.branch ?? 'main'}`);
  }

  /** Runs git in the repository and returns its trimmed stdout. */
  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.dir, env: this.env(), encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }).trim();
  }

  /** Deterministic, increasing commit dates so ordering never depends on the clock. */
  private env(): NodeJS.ProcessEnv {
    const date = `${1_700_000_000 + this.tick} +0000`;
    return { ...GIT_ENV, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
  }

  write(path: string, content: string | Buffer, mode?: number): this {
    const file = join(this.dir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content, mode === undefined ? undefined : { mode });
    return this;
  }

  writeJson(path: string, value: unknown): this {
    return this.write(path, `${JSON.stringify(value, null, 2)}\n`);
  }

  symlink(path: string, target: string): this {
    const file = join(this.dir, path);
    mkdirSync(dirname(file), { recursive: true });
    symlinkSync(target, file);
    return this;
  }

  remove(path: string): this {
    rmSync(join(this.dir, path), { recursive: true, force: true });
    return this;
  }

  /** Stages everything and commits; returns the new commit's sha. */
  commit(message = `commit ${this.tick}`): string {
    this.tick++;
    this.git('add', '--all');
    this.git('commit', '--quiet', '--allow-empty', '-m', message);
    return this.head();
  }

  head(): string {
    return this.git('rev-parse', 'HEAD');
  }

  /** Writes a minimal Node package (package.json + main.js), optionally with a "lambda" object or a lambda.yml. */
  addPackage(path: string, options: { lambda?: Record<string, unknown>; lambdaYml?: string; main?: string } = {}): this {
    const name = path.split('/').pop()!;
    this.writeJson(`${path}/package.json`, { name, version: '1.0.0', private: true, ...(options.lambda ? { lambda: options.lambda } : {}) });
    this.write(`${path}/main.js`, options.main ?? `exports.handler = async () => ${JSON.stringify(name)};\n`);
    if (options.lambdaYml !== undefined) this.write(`${path}/lambda.yml`, options.lambdaYml);
    return this;
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Environment that makes git fetch `url` (and `<url>.git`) from the local
 * folder `dir` through `url.<dir>.insteadOf`, so that
 * `--repo-url https://github.com/owner/name --revision <sha>` clones offline,
 * with the real URL (and so the real repository id) on the command line.
 */
export function gitRedirectEnv(dir: string, url: string): Record<string, string> {
  // git takes the longest matching prefix, so `<url>.git` maps whole too.
  return {
    GIT_CONFIG_COUNT: '2',
    GIT_CONFIG_KEY_0: `url.${dir}.insteadOf`,
    GIT_CONFIG_VALUE_0: `${url}.git`,
    GIT_CONFIG_KEY_1: `url.${dir}.insteadOf`,
    GIT_CONFIG_VALUE_1: url,
  };
}
