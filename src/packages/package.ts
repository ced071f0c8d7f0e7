import type { PackageConfig, SettingSource } from '../config/types.js';
import type { FunctionSettings } from './function-settings.js';

/** One Lambda function of a package: a package deploys one bundle to each of its functions. */
export interface PackageFunction {
  /** The key under the package's `functions`; undefined for the single function of a package without them. */
  readonly key: string | undefined;
  readonly functionName: string;
  /** What reaches Lambda's configuration, after defaults. */
  readonly settings: FunctionSettings;
  /** Where its handler was set: the handler check names it. */
  readonly handlerSource: SettingSource;
  /** configDigest(settings): what the function's `lambda-sync:config` tag holds once deployed. */
  readonly configDigest: string;
}

/**
 * What the pipeline knows about one package. Discovery fills path, config and
 * functions; the revision pass fills revision and uncommittedFiles. Later
 * phases (bundle, deploy, task graph) take a Package and add nothing to it.
 */
export interface Package {
  /** Folder from the repository root, `/`-separated (`do-things`, `functions/resize`). */
  readonly path: string;
  /** The file its config came from (lambda.yml, or package.json for a "lambda" object). */
  readonly configFile: string;
  readonly config: PackageConfig;
  /** Its functions, at least one. */
  readonly functions: readonly PackageFunction[];
  /** Name of its (first) function. */
  readonly functionName: string;
  /** bundleDigest(config): with the revision, the identity of the code it ships. */
  readonly bundleDigest: string;
  /** The code: repository paths whose changes count as the package's code (its folder and dependsOn). */
  readonly watchedPaths: readonly string[];
  /** Files under watchedPaths that are configuration, not code (its lambda.yml): they never ship and never move the revision. */
  readonly ignoredPaths: readonly string[];
  /** Code revision: the newest commit that changed the code (watchedPaths but ignoredPaths); undefined when never committed. */
  readonly revision: string | undefined;
  /**
   * Uncommitted files of its code or configuration (repository-relative,
   * sorted): what a deploy leaves out, since it reads only what is committed.
   */
  readonly uncommittedFiles: readonly string[];
}
