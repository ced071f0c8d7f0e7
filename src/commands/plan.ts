import type { Command } from 'commander';
import { planPackages } from '../packages/plan.js';
import { join } from 'node:path';
import { isUnpinned } from '../bundle/install/lockfile.js';
import { functionDescription, functionLabel } from '../packages/description.js';
import type { Logger } from '../log.js';
import { missingRoleHint } from '../config/role.js';
import type { Package } from '../packages/package.js';
import { addRepositoryOptions, formatTable, type RepositoryOptions } from './common.js';

interface PlanCommandOptions extends RepositoryOptions {
  json?: boolean;
}

export function registerPlan(program: Command, logger: Logger): void {
  addRepositoryOptions(
    program
      .command('plan')
      .description('list the packages of the repository with their function names and revisions (offline; changes nothing)')
      .option('--json', 'print the plan as one JSON object on stdout'),
  ).action(async (options: PlanCommandOptions) => {
    // A preview of what is on disk: uncommitted packages and edits show, marked dirty.
    const plan = await planPackages({ root: options.root, repoUrl: options.repoUrl, logger, from: 'working-tree' });
    warnMissingRoles(plan.packages, logger);
    if (options.json) {
      const out = {
        repository: plan.repository,
        head: plan.head,
        packages: plan.packages.map((p) => ({
          path: p.path,
          // A package's single function as always; null when it declares several (see functions).
          functionName: single(p) ? p.functionName : null,
          revision: p.revision ?? null,
          description: p.revision && single(p) ? functionDescription(plan.repository, p.path, p.revision) : null,
          // Each of several functions has its own handler (see functions): none is the package's.
          handler: single(p) ? p.config.handler : null,
          runtime: p.config.runtime,
          architecture: p.config.architecture,
          memory: p.config.memory,
          timeout: p.config.timeout,
          role: p.config.role ?? null,
          dirty: p.uncommittedFiles.length > 0,
          uncommittedFiles: p.uncommittedFiles,
          // dependencies installed without a lockfile: versions may change between bundles
          unpinned: isUnpinned(join(plan.gitRoot, p.path), p.path),
          functions: p.functions.map((fn) => ({
            key: fn.key ?? null,
            functionName: fn.functionName,
            description: p.revision ? functionDescription(plan.repository, p.path, p.revision, fn.key) : null,
            handler: fn.settings.handler,
            memory: fn.settings.memory,
            timeout: fn.settings.timeout,
            configDigest: fn.configDigest,
          })),
        })),
      };
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      return;
    }
    const functions = plan.packages.reduce((n, p) => n + p.functions.length, 0);
    logger.info(`repository ${plan.repository} at ${plan.head.slice(0, 12)}: ${plan.packages.length} package(s), ${functions} function(s)`);
    if (plan.packages.length === 0) return;
    // One row per function: `path#key` for one of several functions of a package.
    const rows = plan.packages.flatMap((p) => {
      const state = [p.uncommittedFiles.length > 0 ? 'dirty' : '', isUnpinned(join(plan.gitRoot, p.path), p.path) ? 'unpinned' : ''].filter(Boolean).join(', ');
      return p.functions.map((fn) => [functionLabel(p.path, fn.key), fn.functionName, p.revision ? p.revision.slice(0, 12) : '(uncommitted)', p.config.runtime, p.config.architecture, state]);
    });
    process.stdout.write(`${formatTable(['PATH', 'FUNCTION', 'REVISION', 'RUNTIME', 'ARCH', 'STATE'], rows)}\n`);
  });
}

/** A package without `functions`: one function, named and described as always. */
function single(p: Package): boolean {
  return p.functions.length === 1 && p.functions[0]!.key === undefined;
}

/**
 * A warning, not an error: Lambda needs the role only to create a function
 * (deploy fails then, exit 2), and updates an existing one without it; plan
 * is offline and cannot know which functions exist yet.
 */
function warnMissingRoles(packages: readonly Package[], logger: Logger): void {
  for (const p of packages) {
    for (const fn of p.functions) {
      if (fn.settings.role !== undefined) continue;
      logger.warn(`${functionLabel(p.path, fn.key)}: no execution role; creating its function ${fn.functionName} will fail (updating an existing one works): ${missingRoleHint(p.configFile)}`);
    }
  }
}
