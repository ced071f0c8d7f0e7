import { join } from 'node:path';
import { TestRepo } from '../../support/git-repo.js';
import { emptyOutDir, REPO_URL, runBundleCli, type CliRun } from '../fixtures.js';
import { readZipFile, type ReadEntry } from '../read-zip.js';

/** A repository with one package `fn` made of `files` (lambda.yml included), committed. */
export function pythonRepo(files: Record<string, string | Buffer>, modes: Record<string, number> = {}): TestRepo {
  const repo = new TestRepo();
  for (const [path, content] of Object.entries(files)) repo.write(`fn/${path}`, content, modes[path]);
  repo.commit('fn');
  return repo;
}

export interface BundleRun extends CliRun {
  zip: string;
  /** The zip's entries by name; empty when no zip was written. */
  entries: Map<string, ReadEntry>;
}

/** `lambda-sync bundle fn` in the repository, in-process; reads the zip back when one was written. */
export async function bundleFn(repo: TestRepo, out = emptyOutDir()): Promise<BundleRun> {
  const zip = join(out, 'fn.zip');
  const result = await runBundleCli(['fn', '--root', repo.dir, '--repo-url', REPO_URL, '-o', zip]);
  const entries = new Map<string, ReadEntry>();
  if (result.code === 0) for (const entry of readZipFile(zip)) entries.set(entry.name, entry);
  return { ...result, zip, entries };
}

/** What a failed run printed, for assertion messages. */
export function output(run: CliRun): string {
  return `errors:\n${run.errors.join('\n')}\nlog:\n${run.log.join('\n')}`;
}
