import { UsageError } from '../errors.js';

/**
 * The canonical name of a repository: `host/owner/name` in lower case, with no
 * scheme, user, port, `.git` or trailing slash. Function names and
 * Descriptions are derived from it, so every spelling of one repository's URL
 * must give the same id.
 */
export type RepositoryId = string & { readonly __brand: 'RepositoryId' };

const SCP_LIKE = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/)(.+)$/; // git@host:owner/repo

/** Replaces any `user:password@` or `token@` in URLs inside `text`, so credentials are never printed. */
export function redactUrlsIn(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1***@');
}

export function repositoryIdFromUrl(raw: string): RepositoryId {
  const input = raw.trim();
  const shown = redactUrlsIn(input);
  const fail = (why: string): never => {
    throw new UsageError(
      `cannot derive a repository id from ${JSON.stringify(shown)}: ${why}`,
      'pass --repo-url with the repository\'s URL, e.g. --repo-url https://github.com/owner/name',
    );
  };
  if (input === '') fail('it is empty');

  let host: string;
  let path: string;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(input)?.[1]?.toLowerCase();
  if (scheme) {
    if (scheme === 'file') fail('it is a local path, which names no host/owner/name');
    if (!['http', 'https', 'ssh', 'git', 'git+ssh', 'ssh+git'].includes(scheme)) fail(`unsupported scheme ${scheme}://`);
    let url: URL;
    try {
      url = new URL(input);
    } catch {
      return fail('it is not a valid URL');
    }
    host = url.hostname;
    path = decodeURIComponent(url.pathname);
  } else {
    const scp = SCP_LIKE.exec(input);
    if (!scp || input.startsWith('/') || input.startsWith('.')) return fail('it is a local path, which names no host/owner/name');
    host = scp[1]!;
    path = scp[2]!;
  }

  const segments = path
    .replace(/\/+$/, '')
    .replace(/\.git$/i, '')
    .split('/')
    .filter((segment) => segment !== '');
  if (!host) fail('it has no host');
  if (segments.length < 2) fail('it needs an owner and a name after the host');
  if (segments.some((s) => s === '.' || s === '..' || !/^[A-Za-z0-9._~-]+$/.test(s))) fail('its path has characters a repository name cannot hold');
  return [host, ...segments].join('/').toLowerCase() as RepositoryId;
}
