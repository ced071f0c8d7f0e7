// The task graph, built in phases as taskgraph does (TASKCLUSTER.md §4.3):
//
//   packageTasks   one labelled task per package (`deploy <path>`), with its symbol
//   targetTasks    which of them to create, and how many copies (all, once,
//                  for a decision; the requested labels for a retrigger)
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
import { assignSymbols } from './symbols.js';
import { packageLabel, packageTaskDefinition } from './task-definition.js';
import { deriveTaskId } from './task-ids.js';
import { treeherderRoute } from './treeherder.js';

/** What the graph needs of a plan (src/packages/plan.ts): synthetic plans work as well. */
export interface GraphPlan {
  repository: RepositoryId;
  /** The push's head sha: what every task clones. */
  head: string;
  packages: readonly (Pick<Package, 'path' | 'revision'> & { functions: readonly GraphFunction[] })[];
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
  label: string;
  packagePath: string;
  /** Every function of the package: one task deploys them all, bundling at most once. */
  functions: readonly GraphFunction[];
  revision: string;
  symbol: string;
}

/** Phase 2: one task to create; `copy` counts the copies of one label made by one creator. */
export interface TargetTask extends PackageTask {
  copy: number;
  force: boolean;
}

export interface GraphTask extends TargetTask {
  taskId: string;
  definition: CreateTaskRequest;
}

export interface SkippedPackage {
  path: string;
  reason: string;
}

export interface TaskGraph {
  repository: RepositoryId;
  head: string;
  mode: DecisionSettings['mode'];
  taskGroupId: string;
  creatorTaskId: string;
  tasks: GraphTask[];
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
  const tasks = committed.map((p) => ({
    label: packageLabel(p.path),
    packagePath: p.path,
    functions: p.functions,
    revision: p.revision,
    symbol: symbols.get(p.path)!,
  }));
  return { tasks, skipped };
}

/** Phase 2. Every task once for a decision; for a retrigger, `times` copies of each requested label. */
export function targetTasks(tasks: readonly PackageTask[], request?: RetriggerRequest): TargetTask[] {
  if (!request) return tasks.map((task) => ({ ...task, copy: 0, force: false }));
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

/** Phases 1-4 and the actions that go with the graph. */
export function buildTaskGraph(plan: GraphPlan, settings: DecisionSettings, context: GraphContext, request?: RetriggerRequest): TaskGraph {
  const { tasks: all, skipped } = packageTasks(plan);
  const withIds = assignTaskIds(targetTasks(all, request), context.creatorTaskId);
  const times = {
    created: context.now.toJSON(),
    deadline: fromReference(settings.deadline, context.now),
    expires: fromReference(settings.expires, context.now),
  };
  const tasks: GraphTask[] = withIds.map((task) => ({
    ...task,
    definition: packageTaskDefinition({
      settings,
      repository: plan.repository,
      repoUrl: context.repoUrl,
      head: plan.head,
      packagePath: task.packagePath,
      functions: task.functions,
      revision: task.revision,
      symbol: task.symbol,
      taskGroupId: context.taskGroupId,
      creatorTaskId: context.creatorTaskId,
      owner: context.owner,
      times,
      force: task.force,
    }),
  }));
  // All package tasks of one graph demand the same scopes (one queue, route,
  // secret...), so these are also what an action task needs to re-create any.
  const scopes = scopesToCreateAll(tasks.map((t) => t.definition));
  const route = treeherderRoute(settings.treeherder.project, plan.head);
  const actions = buildActionsJson({
    settings,
    decisionArgs: context.decisionArgs,
    creationScopes: scopes,
    treeherderRoute: route,
    source: context.repoUrl,
    owner: context.owner,
  });
  return {
    repository: plan.repository,
    head: plan.head,
    mode: settings.mode,
    taskGroupId: context.taskGroupId,
    creatorTaskId: context.creatorTaskId,
    tasks,
    skipped,
    actions,
    scopes,
  };
}
