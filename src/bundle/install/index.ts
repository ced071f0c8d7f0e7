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
import { hasDevDependencies, hasProductionDependencies, npmInstall, npmRebuild, readManifest, type NpmPhase } from './npm.js';
import { describeTarget, lambdaTarget } from './platform.js';
import { reviewScripts } from './scripts.js';

export interface InstallRequest {
  /** The package's folder in the staging tree. */
  dir: string;
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
    forBuild: forBuild ? (r) => nodeInstall(r, 'build', false) : undefined,
    forLambda: (r, afterBuild) => nodeInstall(r, 'lambda', afterBuild),
  };
}

async function nodeInstall(request: InstallRequest, phase: NpmPhase, afterBuild: boolean): Promise<void> {
  const { dir, pkg, logger } = request;
  const target = lambdaTarget(pkg.config.architecture);
  const label = phase === 'build' ? `install the dependencies of ${pkg.path} for its build` : `install the dependencies of ${pkg.path} for ${describeTarget(target)}`;
  await logger.step(label, () => npmInstall(dir, pkg.path, phase, target, afterBuild, logger), (command) => command);
  const allowed = reviewScripts(dir, pkg, phase === 'lambda' ? logger : { ...logger, warn: () => {} });
  if (allowed.length > 0) {
    await logger.step(`run the install scripts of ${allowed.join(', ')} (allowScripts)`, () => npmRebuild(dir, pkg.path, allowed, phase, target, logger), (command) => command);
  }
}
