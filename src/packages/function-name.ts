import { createHash } from 'node:crypto';
import { ConfigError } from '../errors.js';
import type { RepositoryId } from '../repo/repository-id.js';
import { ROOT_CONFIG_FILE } from '../config/types.js';

/** Lambda's limit for a bare function name. */
export const MAX_FUNCTION_NAME = 64;
/** 16 hex characters: 64 bits of SHA-256, never truncated. */
export const NAME_HASH_LENGTH = 16;

/**
 * `<prefix><folder>-<hash>`, where hash is the first 16 hex digits of
 * SHA-256("<repository id>/<package path>") and folder is the package folder's
 * name with characters Lambda does not allow replaced by `-`, shortened so the
 * whole name fits in 64. When no readable part fits, `<prefix><hash>`. For
 * one of several functions of a package, `key` is hashed too
 * (`<repository id>/<package path>#<key>`) and the readable part ends with
 * `-<key>`, cut from its front so that the key stays whole when it can.
 */
export function functionName(repository: RepositoryId, packagePath: string, prefix = '', key?: string): string {
  const room = MAX_FUNCTION_NAME - prefix.length - NAME_HASH_LENGTH;
  if (room < 0 || !/^[A-Za-z0-9_-]*$/.test(prefix)) {
    throw new ConfigError(
      ROOT_CONFIG_FILE,
      'namePrefix',
      room < 0
        ? `${JSON.stringify(prefix)} is ${prefix.length} characters and leaves no room for the ${NAME_HASH_LENGTH}-character hash in Lambda's ${MAX_FUNCTION_NAME}`
        : `${JSON.stringify(prefix)} may only hold letters, digits, - and _`,
      `use a prefix of at most ${MAX_FUNCTION_NAME - NAME_HASH_LENGTH} characters`,
    );
  }
  const hash = createHash('sha256').update(key === undefined ? `${repository}/${packagePath}` : `${repository}/${packagePath}#${key}`).digest('hex').slice(0, NAME_HASH_LENGTH);
  const clean = (text: string): string => text.replace(/[^A-Za-z0-9_-]+/g, '-');
  const trim = (text: string): string => text.replace(/^-+|-+$/g, '');
  const folder = clean(packagePath.split('/').pop() ?? '');
  const fit = Math.max(0, room - 1);
  let readable: string;
  if (key === undefined) {
    readable = trim(folder.slice(0, fit));
  } else {
    const tail = trim(clean(key));
    const head = trim(folder.slice(0, Math.max(0, fit - tail.length - 1)));
    readable = head ? `${head}-${tail}` : trim(tail.slice(0, fit));
  }
  return readable ? `${prefix}${readable}-${hash}` : `${prefix}${hash}`;
}
