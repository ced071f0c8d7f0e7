import type { Command } from 'commander';
import { planPackages } from '../packages/plan.js';
import { functionDescription } from '../packages/description.js';
import type { Logger } from '../log.js';
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
    if (options.json) {
      const out = {
        repository: plan.repository,
        head: plan.head,
        packages: plan.packages.map((p) => ({
          path: p.path,
          functionName: p.functionName,
          revision: p.revision ?? null,
          description: p.revision ? functionDescription(plan.repository, p.path, p.revision) : null,
          handler: p.config.handler,
          runtime: p.config.runtime,
          architecture: p.config.architecture,
          memory: p.config.memory,
          timeout: p.config.timeout,
          dirty: p.uncommittedFiles.length > 0,
          uncommittedFiles: p.uncommittedFiles,
        })),
      };
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      return;
    }
    logger.info(`repository ${plan.repository} at ${plan.head.slice(0, 12)}: ${plan.packages.length} package(s)`);
    if (plan.packages.length === 0) return;
    const rows = plan.packages.map((p) => [p.path, p.functionName, p.revision ? p.revision.slice(0, 12) : '(uncommitted)', p.config.runtime, p.config.architecture, p.uncommittedFiles.length > 0 ? 'dirty' : '']);
    process.stdout.write(`${formatTable(['PATH', 'FUNCTION', 'REVISION', 'RUNTIME', 'ARCH', 'STATE'], rows)}\n`);
  });
}
