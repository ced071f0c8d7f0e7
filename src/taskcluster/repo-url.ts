// The repository URL that goes into task definitions. Task definitions are
// public (anyone can read them in the Taskcluster UI), and the tasks clone
// without any key, so the URL is an https one without credentials.
import type { RepositoryId } from '../repo/repository-id.js';

/**
 * An http(s) URL loses any user/password/token; an ssh or scp-like URL
 * (`git@github.com:owner/name`), which a task could not clone without a key,
 * becomes `https://<repository id>`.
 */
export function taskRepoUrl(url: string, repository: RepositoryId): string {
  if (/^https?:\/\//i.test(url.trim())) {
    const parsed = new URL(url.trim());
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/+$/, '');
  }
  return `https://${repository}`;
}

/** metadata.source of a package's task: the package folder at the revision where the host has such pages, else the repository. */
export function packageSourceUrl(repoUrl: string, revision: string, packagePath: string): string {
  const base = repoUrl.replace(/\.git$/i, '');
  if (/^https:\/\/github\.com\//i.test(base)) return `${base}/tree/${revision}/${packagePath}`;
  return base;
}
