import { createHash } from 'node:crypto';
import type { RepositoryId } from '../repo/repository-id.js';

/** Lambda's limit on a function's Description. */
export const MAX_DESCRIPTION = 256;

/** `path`, or `path#key` for one of several functions of a package: how Descriptions, logs and tables name a function. */
export function functionLabel(path: string, key: string | undefined): string {
  return key === undefined ? path : `${path}#${key}`;
}

/**
 * `<repository id>/<package path>@<revision>`, or
 * `<repository id>/<package path>#<key>@<revision>` for one of several
 * functions of a package. When that exceeds 256
 * characters, `@<revision>` stays whole and the middle of the
 * `<repository id>/<package path>` part is replaced by `~<12 hex of its SHA-256>~`,
 * keeping its start and end readable: the result is exactly 256 characters and
 * still unique per package.
 */
export function functionDescription(repository: RepositoryId, packagePath: string, revision: string, key?: string): string {
  const subject = `${repository}/${functionLabel(packagePath, key)}`;
  const suffix = `@${revision}`;
  if (subject.length + suffix.length <= MAX_DESCRIPTION) return subject + suffix;
  const marker = `~${createHash('sha256').update(subject).digest('hex').slice(0, 12)}~`;
  const room = MAX_DESCRIPTION - suffix.length - marker.length;
  const head = Math.ceil(room / 2);
  const tail = room - head;
  return `${subject.slice(0, head)}${marker}${tail > 0 ? subject.slice(-tail) : ''}${suffix}`;
}

/** The revision a deployed Description names, or undefined when it is not one of ours. */
export function revisionInDescription(description: string | undefined): string | undefined {
  return parseDescription(description)?.revision;
}

/** What a Description of ours says: whose function, which package, which revision. */
export interface DescribedFunction {
  /** `<repository id>/<package path>`; undefined when Lambda's 256-character cut hashed its middle (`~<hex>~`). */
  subject: string | undefined;
  /** The key of one of several functions of a package (`...#<key>@<revision>`); undefined for a package's single function. */
  key: string | undefined;
  revision: string;
}

/**
 * Reads a Description written by functionDescription, in both forms:
 * `<repository id>/<path>@<revision>` and `<repository id>/<path>#<key>@<revision>`
 * (keys never hold `#`, `/` or `@`). Undefined when it is not one (empty,
 * edited by hand, another tool's): such a function is never ours.
 */
export function parseDescription(description: string | undefined): DescribedFunction | undefined {
  const match = /^(.+)@([0-9a-f]{40}|[0-9a-f]{64})$/.exec(description ?? '');
  if (!match) return undefined;
  const [, labelled, revision] = match as unknown as [string, string, string];
  const keyed = /^(.+)#([A-Za-z0-9_-]{1,40})$/.exec(labelled);
  const subject = keyed ? keyed[1]! : labelled;
  const cut = description!.length === MAX_DESCRIPTION && /~[0-9a-f]{12}~/.test(subject);
  return { subject: cut ? undefined : subject, key: keyed?.[2], revision };
}

/** The package path a Description names when it is `repository`'s, else undefined. */
export function packagePathIn(described: DescribedFunction, repository: RepositoryId): string | undefined {
  const prefix = `${repository}/`;
  if (described.subject === undefined || !described.subject.startsWith(prefix)) return undefined;
  const path = described.subject.slice(prefix.length);
  return path === '' ? undefined : path;
}

/** Whether `description` (whole, or cut in the middle) is one that deploys of `path` (its function `key`, for one of several) in `repository` write. */
export function isDescriptionOf(description: string, repository: RepositoryId, path: string, key?: string): boolean {
  const described = parseDescription(description);
  if (!described) return false;
  if (described.subject !== undefined) return described.subject === `${repository}/${path}` && described.key === key;
  return functionDescription(repository, path, described.revision, key) === description;
}
