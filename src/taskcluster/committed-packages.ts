// A task clones the push's head commit, so a package that exists only in the
// working tree (never committed, or its config file not yet added) cannot
// be deployed by a task. Such packages still get a revision from the plan
// (lambda-sync.yml is watched and committed), so this asks git directly.
import { git } from '../repo/git.js';

/** The subset of `configFiles` (repository-relative) that the commit `head` holds. */
export async function filesInCommit(gitRoot: string, head: string, configFiles: readonly string[]): Promise<Set<string>> {
  if (configFiles.length === 0) return new Set();
  // One listing of the whole tree: cheaper than a git call per package.
  const { stdout } = await git(gitRoot, ['ls-tree', '-r', '-z', '--name-only', head]);
  const all = new Set(stdout.split('\0'));
  return new Set(configFiles.filter((file) => all.has(file)));
}
