// `lambda-sync decision` end to end: (clone) -> plan -> settings -> graph ->
// validate -> artifacts -> submit. The command in src/commands/decision.ts
// only parses arguments and prints.
import { realpath, rm } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import type { Queue } from 'taskcluster-client';
import { UsageError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import { leftOut } from '../packages/dirty.js';
import { planPackages, type Plan } from '../packages/plan.js';
import { cloneAtRevision, type Checkout } from '../repo/clone.js';
import { git, remoteUrl } from '../repo/git.js';
import { redactUrlsIn } from '../repo/repository-id.js';
import { writeDecisionArtifacts, writeSubmissionReport } from './artifacts.js';
import { buildTaskGraph, type TaskGraph } from './graph.js';
import { decisionIdentity } from './identity.js';
import { queueFromEnvironment } from './queue-client.js';
import { taskRepoUrl } from './repo-url.js';
import type { RetriggerRequest } from './retrigger-request.js';
import { resolveDecisionSettings, type Mode } from './settings.js';
import { DEFAULT_CONCURRENCY, submissionError, submitTasks, type SubmitReport } from './submit.js';
import { assertValidTaskGraph } from './validate-graph.js';

export interface DecisionOptions {
  /** Folder inside the repository whose packages get tasks. With `revision`, relative to the clone's root. */
  root?: string;
  repoUrl?: string;
  /** Clone `repoUrl` at this full sha first (as the decision task does), instead of reading the current checkout. */
  revision?: string;
  mode?: Mode;
  dryRun?: boolean;
  /** Folder for task-graph.json, plan.json, actions.json, summary.txt. */
  artifacts?: string;
  /** metadata.owner of the tasks; default the head commit's author email. */
  owner?: string;
  taskGroupId?: string;
  /** Re-create only these tasks (what the retrigger actions run). */
  retrigger?: RetriggerRequest;
  concurrency?: number;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** The queue to submit to; default from the environment (queue-client.ts). */
  queue?: Queue;
  /** The graph's created time; default now. */
  now?: Date;
}

export interface DecisionResult {
  graph: TaskGraph;
  /** Undefined for a dry run. */
  report?: SubmitReport;
}

async function headAuthorEmail(gitRoot: string, head: string): Promise<string> {
  const { stdout } = await git(gitRoot, ['log', '-1', '--format=%ae', head]);
  return stdout.trim() || 'unknown';
}

/** `root` relative to the repository root, `/`-separated, '' for the root itself. */
async function rootInRepository(gitRoot: string, root: string): Promise<string> {
  const rel = relative(await realpath(gitRoot), await realpath(root));
  return rel.split(sep).join('/');
}

export async function runDecision(options: DecisionOptions = {}): Promise<DecisionResult> {
  const env = options.env ?? process.env;
  const logger = options.logger ?? silentLogger;
  const mode = options.mode ?? 'deploy';
  const dryRun = options.dryRun ?? false;
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency must be a positive integer, got ${concurrency}`);
  if (options.revision !== undefined && options.repoUrl === undefined) {
    throw new UsageError('--revision needs --repo-url: the repository to clone at that revision');
  }
  // Before any slow work: outside a task only a dry run makes sense.
  const identity = decisionIdentity(env, { dryRun, taskGroupId: options.taskGroupId, logger });
  // A dry run never builds a client, so it cannot touch a server.
  const queue = dryRun ? undefined : (options.queue ?? queueFromEnvironment(env));

  let checkout: Checkout | undefined;
  try {
    if (options.revision !== undefined) {
      const url = options.repoUrl!;
      checkout = await logger.step(`clone ${redactUrlsIn(url)} at ${options.revision.slice(0, 12)}`, () => cloneAtRevision(url, options.revision!));
    }
    const scanRoot = checkout ? resolve(checkout.dir, options.root ?? '.') : resolve(options.root ?? '.');
    const plan: Plan = await planPackages({
      root: scanRoot,
      repoUrl: options.repoUrl,
      logger,
      deepen: checkout ? async () => checkout!.deepen() : undefined,
    });
    const settings = resolveDecisionSettings(plan.rootConfig, mode, plan.repository);
    if (settings.droppedEnv.length > 0) {
      logger.warn(`check mode: taskcluster.env's ${settings.droppedEnv.join(', ')} not passed on (check tasks get nothing of AWS)`);
    }
    for (const pkg of plan.packages.filter((p) => p.uncommittedFiles.length > 0)) {
      logger.warn(`${leftOut(pkg, pkg.revision)}; its task clones ${plan.head.slice(0, 12)}`);
    }

    const sourceUrl = options.repoUrl ?? (await remoteUrl(plan.gitRoot))!;
    const repoUrl = taskRepoUrl(sourceUrl, plan.repository);
    const owner = options.owner ?? (await headAuthorEmail(plan.gitRoot, plan.head));
    const root = await rootInRepository(plan.gitRoot, scanRoot);
    const decisionArgs = [
      'decision', '--repo-url', repoUrl, '--revision', plan.head, '--mode', mode,
      ...(root ? ['--root', root] : []),
      '--owner', owner,
    ];

    // Packages and their config come from the head commit, which is what every task clones.
    const graph = buildTaskGraph(plan, settings, { ...identity, owner, repoUrl, now: options.now ?? new Date(), decisionArgs }, options.retrigger);
    logger.info(`task graph: ${graph.tasks.length} task(s) in task group ${graph.taskGroupId} (${mode} mode)`);
    for (const skipped of graph.skipped) logger.warn(`${skipped.path}: no task: ${skipped.reason}`);
    assertValidTaskGraph(graph);
    if (options.artifacts) await writeDecisionArtifacts(options.artifacts, graph);
    if (!queue) return { graph };

    const report = await submitTasks(queue, graph.tasks, { concurrency, logger });
    if (options.artifacts) await writeSubmissionReport(options.artifacts, report);
    if (report.failed.length > 0) throw submissionError(report, graph.tasks.length, graph.scopes);
    return { graph, report };
  } finally {
    if (checkout) await rm(checkout.dir, { recursive: true, force: true });
  }
}
