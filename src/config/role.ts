import { ROOT_CONFIG_FILE } from './types.js';

/**
 * What to do about a package without an execution role. Lambda refuses to
 * create a function without one, and most repositories run all their
 * functions under one role, so the root default comes first.
 */
export function missingRoleHint(configFile: string): string {
  return `set defaults.role in ${ROOT_CONFIG_FILE} (where most repositories set it, once for every package), or role in the package's own config (${configFile})`;
}
