// `lambda-sync remove <path> --function-name <name>`: what a decision's
// removal task runs for one orphan (see src/taskcluster/remove-task.ts).
//
// Everything it acts on comes from its own arguments, and it re-checks all
// of it before it deletes, since a task may run long after the decision
// (a retrigger, a rerun, a push that brought the package back):
//   1. GetFunction: a function that is gone is success ("already gone"), with no clone;
//   2. its Description still names this repository and this path (and key),
//      and its lambda-sync:repository tag this repository, else it stays;
//   3. the repository at --revision, through src/lambda's classification of
//      that one function: it is an orphan only while no package there deploys
//      to it, nothing is at its path (or the package there deploys elsewhere
//      now), and the revision it was deployed from is in --revision's history
//      (so a later deploy of a package that came back is never deleted);
//   4. removeOrphan reads it once more and deletes it only if its Description
//      is still the one just checked.
import { existsSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { rootConfigFromJson, loadRootConfig } from '../config/load.js';
import { ROOT_CONFIG_FILE, type RootConfig } from '../config/types.js';
import { UsageError } from '../errors.js';
import { formatDuration, type Logger } from '../log.js';
import type { Classification, LambdaReads, RepositoryAtHead } from '../lambda/index.js';
import { redactingLogger } from '../lambda/redact.js';
import { functionLabel } from '../packages/description.js';
import { planPackages } from '../packages/plan.js';
import { cloneAtRevision, type Checkout } from '../repo/clone.js';
import { commitKnown, gitRoot as findGitRoot, headCommit, pathInCommit } from '../repo/git.js';
import { resolveRepositoryId } from '../repo/repository.js';
import { redactUrlsIn, repositoryIdFromUrl, type RepositoryId } from '../repo/repository-id.js';
import { commitTree } from '../repo/tree.js';
import { openAccess, redactingErrors } from './deploy.js';
import { RemoveReport, type RemoveOutcome } from './remove-report.js';

const lambda = () => import('../lambda/index.js');

interface RemoveCommandOptions {
  functionName: string;
  functionKey?: string;
  repoUrl?: string;
  revision?: string;
  rootConfig?: string;
  artifacts?: string;
  quiet?: boolean;
}

const KEY = /^[A-Za-z0-9_-]{1,40}$/;

export function registerRemove(program: Command, logger: Logger): void {
  program
    .command('remove')
    .description('delete one orphan: the function of a package the repository no longer has, after checking again that it still is one (what a decision\'s remove task runs)')
    .argument('<path>', 'the package path the function\'s Description names, from the repository root')
    .requiredOption('--function-name <name>', 'the function to delete')
    .addOption(new Option('--function-key <key>', 'its `functions` key, for one of several functions of a package'))
    .addOption(new Option('--repo-url <url>', 'the repository\'s URL: the source of the repository id, and what --revision clones; credentials in it are never printed'))
    .addOption(new Option('--revision <sha>', 'the revision that no longer has the package (the push\'s head): clone --repo-url at it, as a task does; default the current checkout\'s HEAD'))
    .addOption(new Option('--root-config <json>', 'lambda-sync.yml\'s region and aws sections as JSON (what the decision read), for the GetFunction before any clone; default read from the repository'))
    .option('--artifacts <dir>', 'write result.json (what the task did, why, revisions, API calls, durations) into this folder')
    .option('-q, --quiet', 'leave out the per-call lines (one per Lambda API call)')
    .action(async (path: string, options: RemoveCommandOptions) => {
      await redactingErrors(() => removeCommand(path, options, redactingLogger(logger)));
    });
}

async function removeCommand(path: string, options: RemoveCommandOptions, logger: Logger): Promise<RemoveOutcome> {
  const target = { path, key: options.functionKey, functionName: options.functionName };
  const report = new RemoveReport(target, options.revision);
  return report.record(options.artifacts, () => removeOrLeave(path, options, logger, report));
}

/** The repository at the revision to check against: a clone of --repo-url at --revision, or the current checkout at HEAD. */
interface Source {
  gitRoot: string;
  head: string;
  checkout: Checkout | undefined;
}

async function removeOrLeave(path: string, options: RemoveCommandOptions, logger: Logger, report: RemoveReport): Promise<RemoveOutcome> {
  if (!/^[^/]/.test(path) || path.split('/').some((part) => part === '' || part === '.' || part === '..')) {
    throw new UsageError(`${JSON.stringify(path)} is not a package path from the repository root`, 'pass it as the Description names it, e.g. functions/resize');
  }
  if (options.functionKey !== undefined && !KEY.test(options.functionKey)) {
    throw new UsageError(`--function-key ${JSON.stringify(options.functionKey)} is not a functions key (1-40 of A-Z a-z 0-9 _ -)`);
  }
  if (options.revision !== undefined && options.repoUrl === undefined) {
    throw new UsageError('--revision needs --repo-url: the repository to clone at that revision');
  }
  const label = `${options.functionName} (${functionLabel(path, options.functionKey)})`;
  const started = performance.now();
  let source: Source | undefined;
  const repository = async (): Promise<Source> => {
    if (source) return source;
    if (options.revision === undefined) {
      const root = await findGitRoot(process.cwd());
      source = { gitRoot: root, head: await headCommit(root), checkout: undefined };
    } else {
      // Only lambda-sync.yml and the path are checked out; planning reads the commit's trees.
      const checkout = await report.timed('clone', () =>
        logger.step(`clone ${redactUrlsIn(options.repoUrl!)} at ${options.revision} (only ${path})`, () => cloneAtRevision(options.repoUrl!, options.revision!, { sparse: [ROOT_CONFIG_FILE, path] })),
      );
      report.cloned = true;
      source = { gitRoot: checkout.dir, head: checkout.revision, checkout };
    }
    return source;
  };
  try {
    const repositoryId = options.repoUrl !== undefined ? repositoryIdFromUrl(options.repoUrl) : await resolveRepositoryId((await repository()).gitRoot, undefined);
    const rootConfig = options.rootConfig !== undefined ? rootConfigFromJson(options.rootConfig, '--root-config') : await rootConfigAt(await repository());
    const access = await openAccess({ rootConfig }, { logger, printCalls: !options.quiet, onCall: report.call });
    try {
      const { readDeployed, notOwnedAs, classify, gitHistory, removeOrphan, ALREADY_GONE } = await lambda();
      const { client } = access.forFunction({ functionName: options.functionName, executionRoleArn: undefined, purpose: 'remove' });
      const done = (outcome: RemoveOutcome): RemoveOutcome => {
        const what = outcome.action === 'already-gone' ? `${label} is already gone: nothing to delete` : `${outcome.action} ${label}: ${outcome.detail}`;
        logger.info(`${what} (${formatDuration(performance.now() - started)})`);
        return outcome;
      };
      const left = (detail: string, deployedRevision: string | null): RemoveOutcome => done({ action: 'left', detail, deployedRevision, versions: [], aliases: [] });

      const deployed = await readDeployed(client, options.functionName);
      if (deployed.kind === 'missing') return done({ action: 'already-gone', detail: ALREADY_GONE, deployedRevision: null, versions: [], aliases: [] });
      const deployedRevision = deployed.revision ?? null;
      const notOurs = notOwnedAs({ description: deployed.configuration.Description, tags: deployed.tags }, repositoryId, path, options.functionKey);
      if (notOurs) return left(`${notOurs}: not this removal's function, so it stays`, deployedRevision);

      const at = await repository();
      // A shallow clone may not reach the deploy: fetch the history, else the classification cannot order them.
      if (deployedRevision && at.checkout && !(await commitKnown(at.gitRoot, deployedRevision))) {
        await logger.step(`fetch the history back to ${deployedRevision.slice(0, 12)}`, () => at.checkout!.deepen());
      }
      const repo = await repositoryAt(at, path, repositoryId, options.repoUrl, logger);
      const reads: LambdaReads = {
        functions: [deployed.configuration],
        tags: async () => deployed.tags,
        getFunction: async (name) => (name === options.functionName ? { configuration: deployed.configuration, tags: deployed.tags } : undefined),
      };
      const history = gitHistory(at.gitRoot, { ...(at.checkout ? { remote: 'origin', deepen: at.checkout.deepen } : {}), logger });
      const classification = await classify(repo, reads, { history });
      const orphan = classification.orphans.find((o) => o.functionName === options.functionName && o.path === path && o.key === options.functionKey);
      if (!orphan) return left(`${whyNotAnOrphan(classification, options.functionName, at.head)}, so it stays`, deployedRevision);

      const removal = await removeOrphan(client, orphan, repositoryId);
      if (removal.outcome === 'deleted') return done({ action: 'deleted', detail: removal.detail, deployedRevision, versions: removal.versions, aliases: removal.aliases });
      if (removal.detail === ALREADY_GONE) return done({ action: 'already-gone', detail: ALREADY_GONE, deployedRevision, versions: [], aliases: [] });
      return left(removal.detail, deployedRevision);
    } finally {
      access.close();
    }
  } finally {
    if (source?.checkout) await rm(source.checkout.dir, { recursive: true, force: true });
  }
}

/** lambda-sync.yml at the revision, for a run without --root-config. */
async function rootConfigAt(at: Source): Promise<RootConfig> {
  return loadRootConfig(await commitTree(at.gitRoot, at.head));
}

/**
 * The repository at the revision, narrowed to `path`: its packages there
 * (a package at the path that deploys elsewhere leaves the function an
 * orphan; one that deploys to it does not), or none when nothing is there.
 */
async function repositoryAt(at: Source, path: string, repository: RepositoryId, repoUrl: string | undefined, logger: Logger): Promise<RepositoryAtHead> {
  const folder = join(at.gitRoot, path);
  if ((await pathInCommit(at.gitRoot, at.head, path)) && existsSync(folder) && statSync(folder).isDirectory()) {
    return planPackages({ root: folder, repoUrl, logger, ...(at.checkout ? { deepen: at.checkout.deepen } : {}) });
  }
  return { repository, gitRoot: at.gitRoot, head: at.head, scope: path, packages: [] };
}

function whyNotAnOrphan(classification: Classification, functionName: string, head: string): string {
  const kept = classification.kept.find((k) => k.functionName === functionName);
  if (kept) return kept.why;
  const pkg = classification.packages.find((p) => p.functionName === functionName);
  if (pkg) return `${pkg.path} at ${head.slice(0, 12)} deploys to it`;
  return `it is not an orphan at ${head.slice(0, 12)}`;
}
