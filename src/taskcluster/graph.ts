// The task graph, built in phases as taskgraph does (TASKCLUSTER.md §4.3):
//
//   packageTasks   one labelled task per package (`deploy <path>`), with its symbol,
//   removeTasks    and one per orphan the decision may remove (`remove <path>`):
//                  the full task set, which runnable-jobs.json lists
//   targetTasks    which of them to create, and how many copies (for a
//                  decision, once each package whose verdict needs a task;
//                  the requested labels for a retrigger or add-new-jobs)
//   assignTaskIds  labels are stable names; taskIds come last, derived
//   definitions    the createTask bodies, all with one created/deadline/expires
//
// Each phase is a pure function of its inputs, so a graph can be built,
// printed and checked offline (`decision --dry-run`).
import { UsageError } from '../errors.js';
import type { Package, PackageFunction } from '../packages/package.js';
import type { RepositoryId } from '../repo/repository-id.js';
import { buildActionsJson } from './actions.js';
import { scopesToCreateAll } from './create-scopes.js';
import { fromReference } from './durations.js';
import type { RetriggerRequest } from './retrigger-request.js';
import type { ActionsJson, CreateTaskRequest } from './schemas.js';
import type { DecisionSettings } from './settings.js';
import type { RemovalVerdict } from './removals.js';
import { REMOVE_GROUP, REMOVE_LABEL_PREFIX, removeLabel, removeTaskDefinition } from './remove-task.js';
import { assignSymbols } from './symbols.js';
import { packageLabel, packageTaskDefinition } from './task-definition.js';
import { deriveTaskId } from './task-ids.js';
import { treeherderConfig, treeherderRoute } from './treeherder.js';
import { needsTask, taskFor, type PackageVerdict } from './verdicts.js';

/** What the graph needs of a plan (src/packages/plan.ts): synthetic plans work as well. */
export interface GraphPlan {
  repository: RepositoryId;
  /** The push's head sha: what every task clones. */
  head: string;
  packages: readonly (Pick<Package, 'path' | 'revision' | 'bundleDigest'> & { functions: readonly GraphFunction[] })[];
}

/** What a task needs to know of each function of its package. */
export type GraphFunction = Pick<PackageFunction, 'key' | 'functionName' | 'configDigest'>;

export interface GraphContext {
  /** The task that creates the tasks and that they depend on: the decision (TASK_ID), or a retrigger action task. */
  creatorTaskId: string;
  /** The decision's task group; equal to creatorTaskId for the decision itself. */
  taskGroupId: string;
  owner: string;
  /** What the tasks clone (https, no credentials). */
  repoUrl: string;
  /** One instant for the whole graph: created/deadline/expires are the same on every task. */
  now: Date;
  /** `decision` args that regenerate this graph, for the actions (see actions.ts). */
  decisionArgs: string[];
}

/** Phase 1: a package's task, before it has a taskId. */
export interface PackageTask {
  kind: 'package';
  label: string;
  packagePath: string;
  /** Every function of the package: one task deploys them all, bundling at most once. */
  functions: readonly GraphFunction[];
  revision: string;
  bundleDigest: string;
  symbol: string;
}

/** Phase 1: an orphan's removal task, before it has a taskId. */
export interface RemoveTask {
  kind: 'remove';
  label: string;
  /** The package path its Description names (which HEAD no longer has, or deploys elsewhere). */
  packagePath: string;
  /** One of several functions of a package; undefined for a package's single function. */
  key: string | undefined;
  functionName: string;
  deployedRevision: string;
  /** Within the removal group (REMOVE_GROUP). */
  symbol: string;
  why: string;
}

/** Any task of the graph: what labels name. */
export type LabelledTask = PackageTask | RemoveTask;

/** Phase 2: one task to create; `copy` counts the copies of one label made by one creator. */
export type TargetTask = LabelledTask & {
  copy: number;
  force: boolean;
};

export type GraphTask = TargetTask & {
  taskId: string;
  definition: CreateTaskRequest;
};

export interface SkippedPackage {
  path: string;
  reason: string;
}

/** Every package of the graph with the decision's verdict: plan.json, the summary, the check run. */
export interface PlannedPackage extends PackageTask, PackageVerdict {
  /** Its task in this graph; undefined when the verdict needs none. */
  taskId: string | undefined;
}

/** Every orphan that got a removal task, with the decision's why: plan.json, the summary, the check run. */
export interface PlannedRemoval extends RemoveTask {
  verdict: 'remove';
  taskId: string | undefined;
}

/** One entry of runnable-jobs.json, keyed by label (taskgraph's full_task_graph_to_runnable_jobs). */
export interface RunnableJob {
  symbol: string;
  groupSymbol?: string;
  groupName?: string;
  platform?: string;
}

export interface GraphOptions {
  /** Re-create only these labels (the retrigger and add-new-jobs actions); verdicts then play no part. */
  request?: RetriggerRequest;
  /** Per package path; a package without one gets its task (`deploy` or `check` by mode). */
  verdicts?: ReadonlyMap<string, PackageVerdict>;
  /** What people must know about how the verdicts were reached (Lambda unreadable, ...): shown in the summary and the check run. */
  notes?: string[];
  /**
   * Deploy mode: the orphans that get a removal task (src/taskcluster/removals.ts
   * decided: pruning on, within the safety valve). A retrigger that names a
   * `remove` label gets them from a fresh read of Lambda; a label that is
   * not among them any more (already removed, or its package is back) is
   * skipped, not an error.
   */
  removals?: readonly RemovalVerdict[];
}

export interface TaskGraph {
  repository: RepositoryId;
  head: string;
  mode: DecisionSettings['mode'];
  taskGroupId: string;
  creatorTaskId: string;
  tasks: GraphTask[];
  /** Warnings about the decision itself (GraphOptions.notes). */
  notes: string[];
  /** Every committed package, with or without a task. */
  packages: PlannedPackage[];
  /** Every orphan with a removal task (a retrigger: those it created). */
  removals: PlannedRemoval[];
  /** Every package's task, created or not: what Treeherder's "Add new jobs" offers. */
  runnableJobs: Record<string, RunnableJob>;
  skipped: SkippedPackage[];
  actions: ActionsJson;
  /** Every scope createTask demands for these tasks: what the creating task must hold. */
  scopes: string[];
}

/**
 * Phase 1. A package with no revision is not in the head commit (the caller
 * says so with `revision: undefined`): its task would clone the head and
 * not find it, so it gets no task.
 */
export function packageTasks(plan: GraphPlan): { tasks: PackageTask[]; skipped: SkippedPackage[] } {
  const committed = plan.packages.filter((p): p is typeof p & { revision: string } => p.revision !== undefined);
  const skipped = plan.packages
    .filter((p) => p.revision === undefined)
    .map((p) => ({ path: p.path, reason: `not committed at ${plan.head.slice(0, 12)}, so a task could not clone it` }));
  const symbols = assignSymbols(committed.map((p) => p.path));
  const tasks = committed.map((p): PackageTask => ({
    kind: 'package',
    label: packageLabel(p.path),
    packagePath: p.path,
    functions: p.functions,
    revision: p.revision,
    bundleDigest: p.bundleDigest,
    symbol: symbols.get(p.path)!,
  }));
  return { tasks, skipped };
}

/**
 * Phase 1 for the orphans. Their symbols are unique among themselves, in
 * their own Treeherder group; `path/#key` tells the functions of one
 * package apart and gives each the symbol of its key.
 */
export function removeTasks(removals: readonly RemovalVerdict[]): RemoveTask[] {
  const symbolPath = (r: RemovalVerdict): string => (r.key === undefined ? r.path : `${r.path}/#${r.key}`);
  const symbols = assignSymbols(removals.map(symbolPath));
  return removals.map((r) => ({
    kind: 'remove',
    label: removeLabel(r.path, r.key),
    packagePath: r.path,
    key: r.key,
    functionName: r.functionName,
    deployedRevision: r.deployedRevision,
    symbol: symbols.get(symbolPath(r))!,
    why: r.why,
  }));
}

/**
 * A retrigger's `remove` labels that are not among the current orphans: the
 * function is gone already, its package is back, or pruning is off now.
 * They are left out of the request, and listed as skipped.
 */
function withoutGoneRemovals(request: RetriggerRequest, labels: ReadonlySet<string>): { request: RetriggerRequest; skipped: SkippedPackage[] } {
  const gone = (label: string) => label.startsWith(REMOVE_LABEL_PREFIX) && !labels.has(label);
  const skipped = [...new Set(request.requests.flatMap((r) => r.tasks).filter(gone))].map((label) => ({
    path: label.slice(REMOVE_LABEL_PREFIX.length),
    reason: 'not an orphan the decision may remove now (already removed, its package is back, pruning is off, over the safety valve, or Lambda could not be read)',
  }));
  return { request: { ...request, requests: request.requests.map((r) => ({ ...r, tasks: r.tasks.filter((label) => !gone(label)) })) }, skipped };
}

/** Phase 2. For a decision, once each task whose package needs one, and each removal; for a retrigger, `times` copies of each requested label. */
export function targetTasks(tasks: readonly LabelledTask[], request?: RetriggerRequest, verdicts?: ReadonlyMap<string, PackageVerdict>): TargetTask[] {
  if (!request) {
    return tasks
      .filter((task) => task.kind === 'remove' || needsTask(verdicts?.get(task.packagePath)?.verdict ?? 'deploy'))
      .map((task) => ({ ...task, copy: 0, force: false }));
  }
  const byLabel = new Map(tasks.map((task) => [task.label, task]));
  const unknown = request.requests.flatMap((r) => r.tasks).filter((label) => !byLabel.has(label));
  if (unknown.length > 0) {
    throw new UsageError(
      `--retrigger names ${unknown.length === 1 ? 'a task' : 'tasks'} this graph does not have: ${[...new Set(unknown)].map((l) => JSON.stringify(l)).join(', ')}`,
      `the graph's tasks are ${tasks.slice(0, 5).map((t) => JSON.stringify(t.label)).join(', ')}${tasks.length > 5 ? ', ...' : ''}`,
    );
  }
  const copies = new Map<string, number>();
  const targets: TargetTask[] = [];
  for (const { tasks: labels, times } of request.requests) {
    for (const label of labels) {
      for (let i = 0; i < times; i++) {
        const copy = copies.get(label) ?? 0;
        copies.set(label, copy + 1);
        targets.push({ ...byLabel.get(label)!, copy, force: request.force });
      }
    }
  }
  return targets;
}

/** Phase 3. */
export function assignTaskIds(targets: readonly TargetTask[], creatorTaskId: string): Array<TargetTask & { taskId: string }> {
  return targets.map((target) => ({ ...target, taskId: deriveTaskId(creatorTaskId, target.label, target.copy) }));
}

/** runnable-jobs.json: each label with its task's Treeherder symbol, group and platform. */
export function runnableJobs(tasks: readonly LabelledTask[], settings: DecisionSettings): Record<string, RunnableJob> {
  return Object.fromEntries(
    tasks.map((task) => {
      const th = task.kind === 'remove' ? treeherderConfig(settings.treeherder, task.symbol, REMOVE_GROUP.symbol, REMOVE_GROUP.name) : treeherderConfig(settings.treeherder, task.symbol);
      const job: RunnableJob = { symbol: th.symbol };
      if (th.groupSymbol !== undefined) job.groupSymbol = th.groupSymbol;
      if (th.groupName !== undefined) job.groupName = th.groupName;
      if (th.machine?.platform) job.platform = th.machine.platform;
      return [task.label, job];
    }),
  );
}

/** Phases 1-4 and the actions that go with the graph. */
export function buildTaskGraph(plan: GraphPlan, settings: DecisionSettings, context: GraphContext, options: GraphOptions = {}): TaskGraph {
  const { verdicts } = options;
  const { tasks: packages, skipped } = packageTasks(plan);
  const removals = removeTasks(options.removals ?? []);
  const all: LabelledTask[] = [...packages, ...removals];
  let request = options.request;
  if (request) {
    const resolved = withoutGoneRemovals(request, new Set(removals.map((r) => r.label)));
    request = resolved.request;
    skipped.push(...resolved.skipped);
  }
  const withIds = assignTaskIds(targetTasks(all, request, verdicts), context.creatorTaskId);
  const times = {
    created: context.now.toJSON(),
    deadline: fromReference(settings.deadline, context.now),
    expires: fromReference(settings.expires, context.now),
  };
  // A decision removes only after every package of its graph deployed, as
  // `sync --prune` does; a removal an action asked for waits for nothing more.
  const deploys = request ? [] : withIds.filter((t) => t.kind === 'package').map((t) => t.taskId);
  const definitionOf = (task: TargetTask & { taskId: string }): CreateTaskRequest => {
    const common = {
      settings,
      repository: plan.repository,
      repoUrl: context.repoUrl,
      head: plan.head,
      packagePath: task.packagePath,
      symbol: task.symbol,
      taskGroupId: context.taskGroupId,
      creatorTaskId: context.creatorTaskId,
      owner: context.owner,
      times,
    };
    if (task.kind === 'remove') {
      return removeTaskDefinition({ ...common, key: task.key, functionName: task.functionName, deployedRevision: task.deployedRevision, after: deploys });
    }
    const fullCheck = request ? false : verdicts?.get(task.packagePath)?.fullCheck === true;
    return packageTaskDefinition({ ...common, functions: task.functions, revision: task.revision, bundleDigest: task.bundleDigest, force: task.force, fullCheck });
  };
  const tasks: GraphTask[] = withIds.map((task) => ({ ...task, definition: definitionOf(task) }));
  // The scopes to create any task of the graph, also one this graph leaves
  // out: what the decision's role grants, and all an add-new-jobs action
  // task needs, even when this graph has no task at all.
  const scopes = scopesToCreateAll(
    all.map((task) => definitionOf({ ...task, copy: 0, force: false, taskId: deriveTaskId(context.creatorTaskId, task.label) })),
  );
  const route = treeherderRoute(settings.treeherder.project, plan.head);
  const actions = buildActionsJson({
    settings,
    decisionArgs: context.decisionArgs,
    creationScopes: scopes,
    treeherderRoute: route,
    source: context.repoUrl,
    owner: context.owner,
  });
  const taskIdOf = new Map(tasks.filter((t) => t.copy === 0).map((t) => [t.label, t.taskId]));
  // An action lists only what it was asked for; a decision, every package.
  const planned = (request ? packages.filter((task) => taskIdOf.has(task.label)) : packages).map((task) => {
    const verdict = request ? taskFor(settings.mode, 'requested by an action') : (verdicts?.get(task.packagePath) ?? taskFor(settings.mode, 'every package gets a task'));
    return { ...task, ...verdict, taskId: taskIdOf.get(task.label) };
  });
  const plannedRemovals = (request ? removals.filter((task) => taskIdOf.has(task.label)) : removals).map((task): PlannedRemoval => ({
    ...task,
    verdict: 'remove',
    ...(request ? { why: 'requested by an action' } : {}),
    taskId: taskIdOf.get(task.label),
  }));
  return {
    repository: plan.repository,
    head: plan.head,
    mode: settings.mode,
    taskGroupId: context.taskGroupId,
    creatorTaskId: context.creatorTaskId,
    tasks,
    packages: planned,
    removals: plannedRemovals,
    notes: options.notes ?? [],
    runnableJobs: runnableJobs(all, settings),
    skipped,
    actions,
    scopes,
  };
}
