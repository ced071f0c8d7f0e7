// Clones a repository and bundles one package, in a process of its own so
// that the test can give it another TZ and umask. Prints the Bundle as JSON.
// Usage: node build-in-child.js '{"source":..,"into":..,"packagePath":..,"umask":..,"mtime":..,"out":..}'
import './npm-offline.js';
import { execFileSync } from 'node:child_process';
import { lstatSync, readdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { buildBundle } from '../../src/bundle/index.js';
import { planPackages } from '../../src/packages/plan.js';
import { GIT_ENV } from '../support/git-repo.js';
import { REPO_URL } from './fixtures.js';

interface ChildOptions {
  source: string;
  into: string;
  packagePath: string;
  umask: number;
  /** Seconds since the epoch given to every file of the clone. */
  mtime: number;
  out: string;
}

function touchAll(dir: string, seconds: number): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === '.git') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) touchAll(path, seconds);
    if (!lstatSync(path).isSymbolicLink()) utimesSync(path, seconds, seconds);
  }
}

export async function cloneAndBundle(options: ChildOptions): Promise<unknown> {
  process.umask(options.umask);
  execFileSync('git', ['clone', '--quiet', options.source, options.into], { env: GIT_ENV });
  touchAll(options.into, options.mtime);
  const plan = await planPackages({ root: join(options.into, options.packagePath), repoUrl: REPO_URL });
  const pkg = plan.packages.find((p) => p.path === options.packagePath)!;
  const bundle = await buildBundle({ gitRoot: plan.gitRoot, pkg, revision: pkg.revision!, outFile: options.out });
  const cloneMode = lstatSync(join(options.into, options.packagePath, 'main.js')).mode & 0o777;
  return { ...bundle, cloneMode, timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone };
}

if (process.argv[2]) {
  const result = await cloneAndBundle(JSON.parse(process.argv[2]) as ChildOptions);
  process.stdout.write(JSON.stringify(result));
}
