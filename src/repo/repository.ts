import { UsageError } from '../errors.js';
import { remoteUrl } from './git.js';
import { repositoryIdFromUrl, type RepositoryId } from './repository-id.js';

/**
 * The repository id comes from --repo-url when given (whatever origin says),
 * else from the `origin` remote.
 */
export async function resolveRepositoryId(gitRoot: string, repoUrl: string | undefined): Promise<RepositoryId> {
  if (repoUrl !== undefined) return repositoryIdFromUrl(repoUrl);
  const origin = await remoteUrl(gitRoot);
  if (origin === undefined) {
    throw new UsageError(
      `cannot tell the repository id: ${gitRoot} has no "origin" remote and no --repo-url was given`,
      'pass --repo-url https://<host>/<owner>/<name> (the repository\'s canonical URL)',
    );
  }
  return repositoryIdFromUrl(origin);
}
