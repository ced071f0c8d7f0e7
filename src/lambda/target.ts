import type { PackageConfig } from '../config/types.js';
import type { RepositoryId } from '../repo/repository-id.js';

/** One package as check-and-deploy sees it: what to deploy, and where. */
export interface DeployTarget {
  /** `github.com/owner/name` */
  repository: RepositoryId;
  /** Package folder from the repository root. */
  path: string;
  functionName: string;
  /** The package's revision: the newest commit that changed it. */
  revision: string;
  config: PackageConfig;
  /** The file the config came from, named in config errors. */
  configFile: string;
}
