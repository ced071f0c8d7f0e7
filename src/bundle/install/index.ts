// Installing a package's dependencies into its staging copy, per runtime.
// The staging code calls only dependencyInstaller(); each runtime's installer
// decides what "dependencies" means for it.
//
// Policies (every manager):
// - What ships is installed for Lambda's platform: linux, glibc, the
//   function's architecture (platform.ts), whatever machine bundles. What a
//   build needs is installed for this machine, since the build runs here.
// - Dependencies' install scripts are off; the package's `allowScripts`
//   names the ones that may run (scripts.ts), after the install.
import type { Logger } from '../../log.js';
import type { Package } from '../../packages/package.js';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { chooseManager } from './lockfile.js';
import { managerCommand } from './managers.js';
import { managerInstall } from './pnpm-yarn.js';
import { hasDevDependencies, hasProductionDependencies, npmInstall, npmRebuild, readManifest, type Manifest, type NpmPhase } from './npm.js';
import { describeTarget, lambdaTarget } from './platform.js';
import { reviewScripts } from './scripts.js';

export interface InstallRequest {
  /** The package's folder in the staging tree. */
  dir: string;
  /** A folder of the bundle's own, above the staging tree (so above the package): managers' state and settings go there. */
  outside: string;
  pkg: Package;
  logger: Logger;
}

export interface DependencyInstaller {
  /**
   * Installs what the package's build needs (dev dependencies included) for
   * this machine. Undefined when the build needs nothing installed.
   */
  forBuild: ((request: InstallRequest) => Promise<void>) | undefined;
  /**
   * Installs what ships: production dependencies for Lambda's platform and
   * the function's architecture. `afterBuild`: forBuild ran and the build
   * may have written into the install, which must be kept.
   */
  forLambda: ((request: InstallRequest, afterBuild: boolean) => Promise<void>) | undefined;
}

/**
 * The installer for the package in `request.dir`, or undefined when it has
 * nothing to install. Node packages (a package.json) go through npm.
 */
export function dependencyInstaller(request: InstallRequest): DependencyInstaller | undefined {
  const { dir, pkg } = request;
  const manifest = readManifest(dir, pkg.path);
  if (!manifest) return undefined;
  const production = hasProductionDependencies(manifest);
  const forBuild = pkg.config.build !== undefined && (production || hasDevDependencies(manifest));
  if (!production && !forBuild) return undefined;
  return {
    forBuild: forBuild ? (r) => nodeInstall(r, manifest, 'build', false) : undefined,
    forLambda: (r, afterBuild) => nodeInstall(r, manifest, 'lambda', afterBuild),
  };
}

/**
 * The manager is the one whose lockfile the package has (lockfile.ts): npm,
 * pnpm or yarn; npm without a lockfile. Whatever the manager, the install
 * scripts the package allows run through `npm rebuild`, which reads any
 * plain node_modules (pnpm's and yarn berry's own rebuilds would reinstall).
 */
async function nodeInstall(request: InstallRequest, manifest: Manifest, phase: NpmPhase, afterBuild: boolean): Promise<void> {
  const { dir, pkg, logger } = request;
  const target = lambdaTarget(pkg.config.architecture);
  const label = phase === 'build' ? `install the dependencies of ${pkg.path} for its build` : `install the dependencies of ${pkg.path} for ${describeTarget(target)}`;
  const choice = chooseManager(dir, pkg.path, manifest);
  if (choice.manager === 'npm') {
    await logger.step(label, () => npmInstall(dir, pkg.path, phase, target, afterBuild, logger), (command) => command);
  } else {
    const command = await managerCommand(choice.manager, choice.version, dir, logger);
    // pnpm and yarn cannot install for another platform over an install for
    // this machine: after a build, what ships is a fresh install.
    if (phase === 'lambda' && afterBuild) await rm(join(dir, 'node_modules'), { recursive: true, force: true });
    await logger.step(label, () => managerInstall({ command, dir, packagePath: pkg.path, lockfile: choice.lockfile!, outside: request.outside, phase, target, logger }), (shown) => shown);
  }
  const allowed = reviewScripts(dir, pkg, phase === 'lambda' ? logger : { ...logger, warn: () => {} });
  if (allowed.length > 0) {
    await logger.step(`run the install scripts of ${allowed.join(', ')} (allowScripts)`, () => npmRebuild(dir, pkg.path, allowed, phase, target, logger), (command) => command);
  }
}
