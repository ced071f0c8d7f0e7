import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError, UsageError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Package } from '../packages/package.js';
import { resolveRevision } from '../repo/git.js';
import { runBuild } from './build-step.js';
import { checkCovered, declaredFileDependencies, isUnder, type FileDependency } from './file-deps.js';
import { dependencyInstaller } from './install/index.js';
import { stageFromGit } from './stage.js';
import { installPythonDependencies } from './python/install.js';
import { isPythonRuntime } from './python/platform.js';

export interface StageOptions {
  gitRoot: string;
  pkg: Package;
  revision: string;
  /** An empty folder to build in; it mirrors the repository's layout. */
  stageRoot: string;
  logger: Logger;
}

export interface Staged {
  /** The package's folder inside the staging tree, ready to zip. */
  packageDir: string;
  /** Full commit sha. */
  revision: string;
}

/**
 * Prepares the package's folder as it will ship: its files at the revision
 * with its dependsOn paths and path dependencies beside it, npm's install,
 * and the build. With a build command, everything the build needs is
 * installed first (for this machine); after the build, what ships is
 * installed for Lambda's platform (install/index.ts). A Python package's
 * dependencies are installed by pip, before the build.
 */
export async function stagePackage(options: StageOptions): Promise<Staged> {
  const { gitRoot, pkg, stageRoot, logger } = options;
  const revision = await resolveRevision(gitRoot, options.revision);
  const short = revision.slice(0, 12);
  const roots = [pkg.path, ...pkg.config.dependsOn];
  const first = await logger.step(`stage ${pkg.path} at ${short}`, () => stageFromGit(gitRoot, revision, roots, stageRoot), (r) => `${r.files} files from git`);
  if (!first.found.has(pkg.path)) throw new UsageError(`package ${pkg.path} does not exist at revision ${short}`, 'bundle a revision that has it (the default is the package\'s own revision)');
  for (const path of pkg.config.dependsOn) if (!first.found.has(path)) logger.warn(`${pkg.path}: dependsOn path ${path} does not exist at revision ${short}`);

  await stagePathDependencies(gitRoot, revision, pkg, stageRoot, roots, logger);

  const packageDir = join(stageRoot, ...pkg.path.split('/'));
  const request = { dir: packageDir, pkg, logger };
  const installer = dependencyInstaller(request);
  const build = pkg.config.build;
  if (isPythonRuntime(pkg.config.runtime)) {
    await logger.step(
      `install the Python dependencies of ${pkg.path}`,
      () => installPythonDependencies({ pkg, packageDir, workDir: join(dirname(stageRoot), 'python'), logger }),
      (summary) => summary ?? 'none declared',
    );
  }
  if (build) {
    if (installer?.forBuild) await installer.forBuild(request);
    await logger.step(`build ${pkg.path}: ${build}`, () => runBuild(build, packageDir, pkg.path, pkg.configFile, logger));
  }
  if (installer?.forLambda) await installer.forLambda(request, build !== undefined && installer.forBuild !== undefined);
  return { packageDir, revision };
}

/**
 * Stages the folders that the package's path dependencies (`file:../x`)
 * point at, from the same revision, following their own path dependencies.
 * npm needs them all present, dev ones included, to read the lockfile's
 * tree; production ones must also be covered by dependsOn (checkCovered).
 */
async function stagePathDependencies(gitRoot: string, revision: string, pkg: Package, stageRoot: string, roots: string[], logger: Logger): Promise<void> {
  const staged = [...roots];
  const visited = new Set<string>([pkg.path]);
  let queue: FileDependency[] = declaredFileDependencies(stageRoot, pkg.path, true);
  while (queue.length > 0) {
    for (const dependency of queue) checkCovered(pkg, dependency);
    const missing = [...new Set(queue.map((d) => d.path).filter((p) => !staged.some((s) => isUnder(p, s))))];
    if (missing.length > 0) {
      await logger.step(`stage path dependencies of ${pkg.path}: ${missing.join(', ')}`, () => stageFromGit(gitRoot, revision, missing, stageRoot), (r) => `${r.files} files from git`);
      staged.push(...missing);
    }
    const next: FileDependency[] = [];
    for (const dependency of queue) {
      if (!existsSync(join(stageRoot, ...dependency.path.split('/')))) {
        throw new ConfigError(dependency.declaredIn, dependency.field, `points at ${dependency.path}, which does not exist at revision ${revision.slice(0, 12)}`);
      }
      if (visited.has(dependency.path)) continue;
      visited.add(dependency.path);
      for (const child of declaredFileDependencies(stageRoot, dependency.path, false)) {
        next.push({ ...child, production: child.production && dependency.production });
      }
    }
    queue = next;
  }
}
