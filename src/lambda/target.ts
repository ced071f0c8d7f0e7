import type { FunctionSettings } from '../packages/function-settings.js';
import type { RepositoryId } from '../repo/repository-id.js';

/** One function as check-and-deploy sees it: what to deploy, and where. */
export interface DeployTarget {
  /** `github.com/owner/name` */
  repository: RepositoryId;
  /** Package folder from the repository root. */
  path: string;
  /** The function's key under the package's `functions`; undefined for a package's single function. */
  key: string | undefined;
  functionName: string;
  /** The package's code revision: the newest commit that changed its code. */
  revision: string;
  /** The commit the configuration was read from (the push's head): orders two configurations of one code revision. */
  configRevision: string;
  /** What reaches Lambda's configuration. */
  settings: FunctionSettings;
  /** configDigest(settings), compared with the function's `lambda-sync:config` tag. */
  configDigest: string;
  /** bundleDigest of the package's bundle settings, compared with the `lambda-sync:bundle` tag. */
  bundleDigest: string;
  /** What counts as the package's code, to tell whether a newer deployed revision changed it. */
  code: { paths: readonly string[]; ignore: readonly string[] };
  /** The file the config came from, named in config errors. */
  configFile: string;
}
