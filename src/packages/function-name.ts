import { createHash } from 'node:crypto';
import { ConfigError } from '../errors.js';
import type { RepositoryId } from '../repo/repository-id.js';
import { ROOT_CONFIG_FILE } from '../config/types.js';

/** Lambda's limit for a bare function name. */
export const MAX_FUNCTION_NAME = 64;
/** 16 hex characters: 64 bits of SHA-256, never truncated. */
export const NAME_HASH_LENGTH = 16;

/**
 * Last folders that say nothing about the function (`bedrock/src`,
 * `auth/lambda`): such a folder takes its parent's name in front of it, so
 * the console shows `bedrock-src-...` rather than a column of `src-...`.
 */
export const GENERIC_FOLDERS: ReadonlySet<string> = new Set(['src', 'lambda', 'function', 'functions', 'handler', 'app', 'dist', 'index', 'code']);

/** A `name` from a package's config, with where it was written (for the error when it cannot fit). */
export interface ConfiguredName {
  value: string;
  file: string;
  field: string;
}

export interface FunctionNameParts {
  /** `namePrefix` of lambda-sync.yml. */
  prefix?: string;
  /** The package's own `name`: replaces the readable part taken from its folders. */
  name?: ConfiguredName;
  /**
   * The key of one of several functions of the package: the hash covers
   * `<repository id>/<path>#<key>` and the readable part ends with `-<key>`.
   * Without it the name is what a one-function package always had.
   */
  key?: string;
}

/** Every run of characters Lambda does not allow in a name becomes `-`; no `-` at either end. */
function readableText(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
}

/** The readable part a package gets from its path: its folder, or `<parent>-<folder>` for a generic folder. */
export function folderLabel(packagePath: string): string {
  const folders = packagePath.split('/');
  const folder = folders.at(-1) ?? '';
  const parent = folders.at(-2);
  const label = GENERIC_FOLDERS.has(folder.toLowerCase()) && parent ? `${parent}-${folder}` : folder;
  return readableText(label);
}

/**
 * `<prefix><readable>-<hash>`: hash is the first 16 hex digits of
 * SHA-256("<repository id>/<package path>", plus `#<key>` for one of several
 * functions of a package), readable is the package's `name` or else its
 * folder label, then `-<key>`. Only the readable part is cut to fit Lambda's
 * 64 characters, from its front part so that a key stays whole when it can;
 * the hash never is. When no readable part fits, `<prefix><hash>`.
 */
export function functionName(repository: RepositoryId, packagePath: string, parts: FunctionNameParts = {}): string {
  const prefix = parts.prefix ?? '';
  const room = MAX_FUNCTION_NAME - prefix.length - NAME_HASH_LENGTH - 1;
  if (room < -1 || !/^[A-Za-z0-9_-]*$/.test(prefix)) {
    throw new ConfigError(
      ROOT_CONFIG_FILE,
      'namePrefix',
      room < -1
        ? `${JSON.stringify(prefix)} is ${prefix.length} characters and leaves no room for the ${NAME_HASH_LENGTH}-character hash in Lambda's ${MAX_FUNCTION_NAME}`
        : `${JSON.stringify(prefix)} may only hold letters, digits, - and _`,
      `use a prefix of at most ${MAX_FUNCTION_NAME - NAME_HASH_LENGTH} characters`,
    );
  }
  if (parts.name) checkConfiguredName(parts.name, prefix, room);
  const hashed = parts.key === undefined ? `${repository}/${packagePath}` : `${repository}/${packagePath}#${parts.key}`;
  const hash = createHash('sha256').update(hashed).digest('hex').slice(0, NAME_HASH_LENGTH);
  const readable = fitReadable(parts.name?.value ?? folderLabel(packagePath), parts.key === undefined ? '' : readableText(parts.key), room);
  return readable ? `${prefix}${readable}-${hash}` : `${prefix}${hash}`;
}

/** `<base>-<key>` in at most `room` characters: the base is cut first, then the key. */
function fitReadable(base: string, key: string, room: number): string {
  if (room <= 0) return '';
  if (!key) return trimDashes(base.slice(0, room));
  const baseRoom = room - key.length - 1;
  const cutBase = baseRoom > 0 ? trimDashes(base.slice(0, baseRoom)) : '';
  return cutBase ? `${cutBase}-${key}` : trimDashes(key.slice(0, room));
}

function trimDashes(text: string): string {
  return text.replace(/^-+|-+$/g, '');
}

/** A name the user chose is never cut silently: when it cannot fit beside the prefix and the hash, say so. */
function checkConfiguredName(name: ConfiguredName, prefix: string, room: number): void {
  if (!/^[A-Za-z0-9_-]+$/.test(name.value)) {
    throw new ConfigError(name.file, name.field, `${JSON.stringify(name.value)} may only hold letters, digits, - and _`);
  }
  if (name.value.length > room) {
    throw new ConfigError(
      name.file,
      name.field,
      `${JSON.stringify(name.value)} is ${name.value.length} characters; with namePrefix ${JSON.stringify(prefix)} and the ${NAME_HASH_LENGTH}-character hash the function name would exceed Lambda's ${MAX_FUNCTION_NAME}`,
      `use a name of at most ${Math.max(0, room)} characters`,
    );
  }
}
