import type { PackageConfig } from '../config/types.js';

/**
 * What the pipeline knows about one package. Discovery fills path, config and
 * functionName; the revision pass fills revision and uncommittedFiles. Later phases
 * (bundle, deploy, task graph) take a Package and add nothing to it.
 */
export interface Package {
  /** Folder from the repository root, `/`-separated (`do-things`, `functions/resize`). */
  readonly path: string;
  /** The file its config came from (lambda.yml, or package.json for a "lambda" object). */
  readonly configFile: string;
  readonly config: PackageConfig;
  readonly functionName: string;
  /** Every repository path whose changes count as the package's: its folder, dependsOn, lambda-sync.yml. */
  readonly watchedPaths: readonly string[];
  /** Newest commit that changed a watched path; undefined when the package has never been committed. */
  readonly revision: string | undefined;
  /**
   * Uncommitted files under a watched path (repository-relative, sorted):
   * what a deploy leaves out, since it reads only what is committed.
   */
  readonly uncommittedFiles: readonly string[];
}
