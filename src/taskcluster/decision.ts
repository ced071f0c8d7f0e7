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
import { pullRequestVerdicts } from './changed-packages.js';
import { buildTaskGraph, type TaskGraph } from './graph.js';
import { decisionIdentity } from './identity.js';
import { queueFromEnvironment } from './queue-client.js';
import { taskRepoUrl } from './repo-url.js';
import type { RetriggerRequest } from './retrigger-request.js';
import { resolveDecisionSettings, type Mode } from './settings.js';
import { DEFAULT_CONCURRENCY, submissionError, submitTasks, type SubmitReport } from './submit.js';
import { removalsFor, type RemovalVerdict } from './removals.js';
import { REMOVE_LABEL_PREFIX } from './remove-task.js';
import { assertValidTaskGraph } from './validate-graph.js';
import { deployVerdicts, type LambdaView, type PackageVerdict } from './verdicts.js';

export interface DecisionOptions {
  /** Folder inside the repository whose packages get tasks. With `revision`, relative to the clone's root. */
  root?: string;
  repoUrl?: string;
  /** Clone `repoUrl` at this full sha first (as the decision task does), instead of reading the current checkout. */
  revision?: string;
  mode?: Mode;
  /** Check mode: the pull request's base commit; only packages changed since the merge base get a task. */
  base?: string;
  /** Every package gets its task, whatever the decision knows (also `taskcluster.allTasks`). */
  all?: boolean;
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
  /**
   * Deploy mode: reads what Lambda runs (the command layer passes src/lambda's
   * listing and classification). Without it, or when it fails, every package
   * gets its task and no orphan a removal; a dry run does not call it. With
   * `prune: true` it is also read for `--all` and for a retrigger of a
   * `remove` label, since only it knows the orphans.
   */
  readLambda?: (plan: Plan, checkout: Checkout | undefined) => Promise<LambdaView>;
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
  if (options.base !== undefined && mode !== 'check') {
    throw new UsageError('--base is for --mode check (a pull request\'s base commit); deploy mode compares with what Lambda runs');
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
    const notes: string[] = [];
    const { verdicts, removals } = await whatTheDecisionKnows(plan, { ...options, mode }, checkout, logger, notes);
    const graph = buildTaskGraph(
      plan,
      settings,
      { ...identity, owner, repoUrl, now: options.now ?? new Date(), decisionArgs },
      { ...(options.retrigger ? { request: options.retrigger } : {}), ...(verdicts ? { verdicts } : {}), removals, notes },
    );
    logger.info(`task graph: ${graph.tasks.length} task(s) in task group ${graph.taskGroupId} (${mode} mode)`);
    if (!options.retrigger) for (const p of graph.packages) logger.info(`${p.packagePath}: ${p.verdict}: ${p.why}`);
    for (const r of graph.removals) logger.info(`${r.label}: ${r.functionName}: ${r.why}`);
    if (!options.retrigger && graph.tasks.length === 0) logger.info('no package needs a task');
    for (const skipped of graph.skipped) logger.warn(`${skipped.path}: no task: ${skipped.reason}`);
    assertValidTaskGraph(graph);
    if (options.artifacts) await writeDecisionArtifacts(options.artifacts, graph, { rootUrl: env.TASKCLUSTER_ROOT_URL });
    if (!queue) return { graph };

    const report = await submitTasks(queue, graph.tasks, { concurrency, logger });
    if (options.artifacts) await writeSubmissionReport(options.artifacts, report);
    if (report.failed.length > 0) throw submissionError(report, graph.tasks.length, graph.scopes);
    return { graph, report };
  } finally {
    if (checkout) await rm(checkout.dir, { recursive: true, force: true });
  }
}

interface Knowledge {
  /** Per package; undefined: every package gets its task. */
  verdicts: Map<string, PackageVerdict> | undefined;
  /** The orphans that get a removal task. */
  removals: RemovalVerdict[];
}

/**
 * What the decision knows before the graph: in check mode with a base,
 * which packages the pull request changed; in deploy mode, what Lambda runs
 * and the orphans pruning may remove. Reasons people must see go to `notes`
 * (and the log).
 */
async function whatTheDecisionKnows(
  plan: Plan,
  options: DecisionOptions & { mode: Mode },
  checkout: Checkout | undefined,
  logger: Logger,
  notes: string[],
): Promise<Knowledge> {
  const prune = plan.rootConfig.prune === true;
  const mayRead = options.mode === 'deploy' && options.readLambda !== undefined && !options.dryRun;
  /** `so` says what the decision does without it (a retrigger only looks for its orphans). */
  const read = async (so = `every package gets a task${prune ? ' and no orphan is removed' : ''}`): Promise<LambdaView | undefined> => {
    const paths = plan.packages.map((p) => p.path);
    try {
      return await logger.step(`read what Lambda runs for ${paths.length} packages`, () => options.readLambda!(plan, checkout));
    } catch (error) {
      // Never a missed deploy, never a failed decision for this: the tasks check Lambda themselves.
      const note = `Lambda could not be read (${redactUrlsIn(error instanceof Error ? error.message.split('\n')[0]! : String(error))}), so ${so}`;
      logger.warn(note);
      notes.push(note);
      return undefined;
    }
  };
  const removalsOf = (view: LambdaView | undefined): RemovalVerdict[] => {
    if (!view) return [];
    const decided = removalsFor(view, prune);
    for (const note of decided.notes) logger.warn(note);
    notes.push(...decided.notes);
    return decided.removals;
  };

  if (options.retrigger) {
    // Labels are regenerated, not judged; only a removal needs Lambda, to find its orphan again.
    const namesRemoval = options.retrigger.requests.some((r) => r.tasks.some((label) => label.startsWith(REMOVE_LABEL_PREFIX)));
    return { verdicts: undefined, removals: namesRemoval && mayRead ? removalsOf(await read('no remove task is created')) : [] };
  }
  const every = options.all ? 'every task requested (--all)' : plan.rootConfig.taskcluster?.allTasks ? 'every task requested (taskcluster.allTasks in lambda-sync.yml)' : undefined;
  if (every) {
    const verdicts = new Map(plan.packages.map((p) => [p.path, { verdict: options.mode, why: every }]));
    // Every package's task without asking Lambda, unless pruning needs to know the orphans.
    return { verdicts, removals: prune && mayRead ? removalsOf(await read()) : [] };
  }
  if (options.mode === 'check' && options.base !== undefined) {
    // The same packages read at another commit: lambda-sync.yml and each package's config as they were there.
    const configAt = async (commit: string) =>
      (await planPackages({ root: resolve(plan.gitRoot, plan.scope), repoUrl: options.repoUrl, from: { commit }, ...(checkout ? { deepen: async () => checkout.deepen() } : {}) })).packages;
    return { verdicts: await pullRequestVerdicts({ gitRoot: plan.gitRoot, head: plan.head, base: options.base, packages: plan.packages, configAt, ...(checkout ? { checkout } : {}), logger }), removals: [] };
  }
  const paths = plan.packages.map((p) => p.path);
  if (options.mode === 'deploy' && options.readLambda !== undefined && options.dryRun) {
    // Say so, or a dry run's summary reads as if every push gave every package a task.
    if (prune) notes.push('a dry run does not read Lambda, so it shows no orphan and no remove task');
    return { verdicts: new Map(paths.map((path) => [path, { verdict: 'deploy', why: 'a dry run does not read Lambda' }])), removals: [] };
  }
  if (!mayRead) return { verdicts: undefined, removals: [] };
  const view = await read();
  if (!view) return { verdicts: new Map(paths.map((path) => [path, { verdict: 'deploy', why: 'Lambda could not be read' }])), removals: [] };
  return { verdicts: deployVerdicts(view, paths), removals: removalsOf(view) };
}
