import { realpath } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import { ConfigError, ConfigErrors, UsageError } from '../errors.js';
import { configField } from '../config/field.js';
import { loadRootConfig, resolvePackageConfig } from '../config/load.js';
import { ROOT_CONFIG_FILE, type RootConfig } from '../config/types.js';
import { gitRoot as findGitRoot, headCommit, resolveRevision } from '../repo/git.js';
import { commitTree, workingTree } from '../repo/tree.js';
import { resolveRepositoryId } from '../repo/repository.js';
import type { RepositoryId } from '../repo/repository-id.js';
import { findRevisions, type RevisionWatch } from '../repo/revisions.js';
import { findUncommitted } from '../repo/status.js';
import { counted, silentLogger, type Logger } from '../log.js';
import { discoverPackages, scanPath } from './discover.js';
import { functionName } from './function-name.js';
import { bundleDigest, configDigest, settingsOf } from './function-settings.js';
import type { Package, PackageFunction } from './package.js';
import { functionLabel } from './description.js';

export interface PlanOptions {
  /** A folder inside the repository; discovery is narrowed to the packages under it. Default: the current folder. */
  root?: string;
  /** Source of the repository id; default the `origin` remote. */
  repoUrl?: string;
  logger?: Logger;
  /**
   * Called when a shallow clone's history ends before some package's last
   * change. Return true after fetching more history to try again; false (the
   * default) makes it an error.
   */
  deepen?: (packages: string[]) => Promise<boolean>;
  /**
   * Where packages and their config are read. Default `{ commit: 'HEAD' }`:
   * what deploys reads exactly what is committed. `working-tree` is `plan`'s
   * preview of the files on disk, uncommitted packages and edits included.
   */
  from?: 'working-tree' | { commit: string };
}

/** The result of discovery: the repository and its packages, each with function name and revision. */
export interface Plan {
  gitRoot: string;
  repository: RepositoryId;
  /** The commit the packages and their config were read from (HEAD for the working tree). */
  head: string;
  /** The scanned folder (`--root`) from the repository root, `/`-separated; '' for the whole repository. */
  scope: string;
  rootConfig: RootConfig;
  packages: Package[];
}

/**
 * The first phases of the pipeline: load the root config, discover the
 * packages, name their functions and find their revisions. Offline.
 */
export async function planPackages(options: PlanOptions = {}): Promise<Plan> {
  const logger = options.logger ?? silentLogger;
  const scanRoot = resolve(options.root ?? '.');
  const gitRoot = await findGitRoot(scanRoot);
  const repository = await resolveRepositoryId(gitRoot, options.repoUrl);
  const from = options.from ?? { commit: 'HEAD' };
  const head = from === 'working-tree' || from.commit === 'HEAD' ? await headCommit(gitRoot) : await resolveRevision(gitRoot, from.commit);
  const tree = from === 'working-tree' ? await workingTree(gitRoot) : await commitTree(gitRoot, head);
  const under = await scanPath(gitRoot, scanRoot);
  const rootConfig = await loadRootConfig(tree);

  const discovered = await logger.step(`discover packages under ${scanRoot} in ${tree.label}`, () => discoverPackages(tree, under, rootConfig, logger), (list) => `${list.length} found`);
  const configs = await collectErrors(discovered.map((found) => resolvePackageConfig(tree, found.source, rootConfig)));

  const named = discovered.map((found, i) => {
    const config = configs[i]!;
    const name = config.name === undefined ? undefined : { value: config.name, file: found.source.file, field: configField({ configFile: found.source.file }, 'name') };
    // Without `functions` the package is one function, named and described exactly as always.
    const functions: PackageFunction[] = (config.functions ?? [undefined]).map((own) => {
      const settings = settingsOf(own ? { ...config, ...own } : config);
      return {
        key: own?.key,
        functionName: functionName(repository, found.path, { prefix: rootConfig.namePrefix, name, key: own?.key }),
        settings,
        handlerSource: own?.handlerSource ?? config.handlerSource,
        configDigest: configDigest(settings),
      };
    });
    return {
      path: found.path,
      configFile: found.source.file,
      config,
      functions,
      functionName: functions[0]!.functionName,
      bundleDigest: bundleDigest(config),
      // The package's lambda.yml is configuration: it never ships and never moves the code revision.
      watchedPaths: [found.path, ...config.dependsOn],
      ignoredPaths: found.source.kind === 'lambda.yml' ? [found.source.file] : [],
    };
  });
  checkUniqueNames(named.flatMap((p) => p.functions.map((fn) => ({ path: functionLabel(p.path, fn.key), configFile: p.configFile, functionName: fn.functionName }))));

  const watches: RevisionWatch<string>[] = named.map((p) => ({ key: p.path, paths: p.watchedPaths, ignore: p.ignoredPaths }));
  const revisions = await logger.step(`revisions of ${counted(watches.length, 'package')}`, () => revisionsWithDeepening(gitRoot, watches, head, options.deepen));
  // Uncommitted configuration counts too: a deploy leaves it out.
  const uncommitted = await findUncommitted(gitRoot, named.map((p) => ({ key: p.path, paths: [...p.watchedPaths, ROOT_CONFIG_FILE] })));

  const scope = relative(await realpath(gitRoot), await realpath(scanRoot)).split(sep).join('/');
  return {
    gitRoot,
    repository,
    head,
    scope,
    rootConfig,
    packages: named.map((p) => ({ ...p, revision: revisions.get(p.path), uncommittedFiles: uncommitted.get(p.path) ?? [] })),
  };
}

async function revisionsWithDeepening(
  gitRoot: string,
  watches: RevisionWatch<string>[],
  head: string,
  deepen: PlanOptions['deepen'],
): Promise<Map<string, string | undefined>> {
  for (;;) {
    const results = await findRevisions(gitRoot, watches, head);
    const cut = [...results].filter(([, r]) => r.kind === 'shallow').map(([path]) => path);
    if (cut.length === 0) {
      return new Map([...results].map(([path, r]) => [path, r.kind === 'found' ? r.revision : undefined]));
    }
    if (!deepen || !(await deepen(cut))) {
      throw new UsageError(
        `this is a shallow clone and its history does not reach the last change of ${cut.length} package(s): ${cut.slice(0, 5).join(', ')}${cut.length > 5 ? ', ...' : ''}; their revision cannot be known`,
        'fetch the history first: git fetch --unshallow (or clone without --depth)',
      );
    }
  }
}

async function collectErrors<T>(work: Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(work);
  const errors: ConfigError[] = [];
  for (const result of settled) {
    if (result.status === 'fulfilled') continue;
    const reason: unknown = result.reason;
    if (reason instanceof ConfigError) errors.push(reason);
    else if (reason instanceof ConfigErrors) errors.push(...reason.errors);
    else throw reason;
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new ConfigErrors(errors);
  return settled.map((r) => (r as PromiseFulfilledResult<T>).value);
}

/** Two packages (or functions, `path#key`) with one function name would deploy over each other: refuse. */
export function checkUniqueNames(packages: { path: string; configFile: string; functionName: string }[]): void {
  const byName = new Map<string, string>();
  for (const pkg of packages) {
    const other = byName.get(pkg.functionName);
    if (other !== undefined) {
      throw new ConfigError(pkg.configFile, '', `packages ${other} and ${pkg.path} would both deploy to the function ${pkg.functionName}`, 'rename one of the package folders, or set a different name in one of their configs');
    }
    byName.set(pkg.functionName, pkg.path);
  }
}
