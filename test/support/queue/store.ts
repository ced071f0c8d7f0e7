// In-memory state of the queue and secrets doubles, with the queue's
// storage-level rules: one schedulerId per task group, sealed groups,
// idempotent createTask, dependencies that must already exist.
import { isDeepStrictEqual } from 'node:util';
import type { TaskStatus } from 'taskcluster-client';
import type { Secret, TaskDefinition } from '../../../src/taskcluster/schemas.js';
import { ApiError } from './validate.js';

export interface TaskGroup {
  schedulerId: string;
  sealed: boolean;
}

export class QueueStore {
  /** taskId -> definition exactly as Queue.task() returns it. */
  readonly tasks = new Map<string, TaskDefinition>();
  readonly statuses = new Map<string, TaskStatus>();
  readonly groups = new Map<string, TaskGroup>();
  readonly secrets = new Map<string, Secret>();

  /** ensureTaskGroup: the first task fixes the group's schedulerId (even if that task then fails). */
  ensureGroup(taskGroupId: string, schedulerId: string): void {
    const group = this.groups.get(taskGroupId);
    if (!group) {
      this.groups.set(taskGroupId, { schedulerId, sealed: false });
      return;
    }
    if (group.schedulerId !== schedulerId) {
      throw new ApiError('RequestConflict', [
        'Task group `{{taskGroupId}}` contains tasks with a schedulerId other',
        'than `{{schedulerId}}`. All tasks in the same task-group must have',
        'the same schedulerId.',
      ].join('\n'), { taskGroupId, schedulerId });
    }
    if (group.sealed) {
      throw new ApiError('RequestConflict', 'Task group `{{taskGroupId}}` is sealed and does not accept new tasks.', { taskGroupId });
    }
  }

  /**
   * Stores a new task, or returns the existing status when the same taskId
   * was created with an identical definition (the queue's idempotency).
   */
  createTask(taskId: string, def: TaskDefinition, now: Date): TaskStatus {
    const existing = this.tasks.get(taskId);
    if (existing) {
      if (!isDeepStrictEqual(existing, def)) {
        throw new ApiError('RequestConflict', [
          'taskId `{{taskId}}` already used by another task.',
          'This could be the result of faulty idempotency!',
        ].join('\n'), { taskId });
      }
      return this.statuses.get(taskId)!;
    }
    this.checkDependencies(taskId, def);
    const status: TaskStatus = {
      taskId,
      provisionerId: def.provisionerId,
      workerType: def.workerType,
      taskQueueId: def.taskQueueId,
      schedulerId: def.schedulerId,
      projectId: def.projectId,
      taskGroupId: def.taskGroupId,
      deadline: def.deadline,
      expires: def.expires,
      retriesLeft: def.retries,
      state: 'unscheduled',
      runs: [],
    };
    // Nothing ever resolves in the double, so any dependency keeps the task
    // unscheduled; with none, the queue schedules run 0 at once.
    if (def.dependencies.length === 0) {
      status.state = 'pending';
      status.runs = [{ runId: 0, state: 'pending', reasonCreated: 'scheduled', scheduled: now.toJSON() }];
    }
    this.tasks.set(taskId, def);
    this.statuses.set(taskId, status);
    return status;
  }

  // dependencytracker.js trackDependencies: every dependency must exist and
  // must not expire before this task's deadline. A task may name itself.
  private checkDependencies(taskId: string, def: TaskDefinition): void {
    const missing = def.dependencies.filter((d) => d !== taskId && !this.tasks.has(d));
    const expiring = def.dependencies.filter((d) => {
      const dep = this.tasks.get(d);
      return dep !== undefined && Date.parse(def.deadline) > Date.parse(dep.expires);
    });
    if (missing.length === 0 && expiring.length === 0) return;
    let msg = '';
    if (missing.length > 0) {
      msg += '`task.dependencies` references non-existing tasks: \n';
      msg += missing.map((id) => ` * ${id}`).join('\n') + '\n';
      msg += 'All taskIds in `task.dependencies` **must** exist\nbefore the task is created.\n';
    }
    if (expiring.length > 0) {
      msg += '`task.dependencies` references tasks that expires\nbefore `task.deadline` this is not allowed, see tasks: \n';
      msg += expiring.map((id) => ` * ${id},`).join('\n') + '\n';
      msg += 'All taskIds in `task.dependencies` **must** have\n`task.expires` greater than the `deadline` for this task.\n';
    }
    throw new ApiError('InputError', msg, {
      dependencies: def.dependencies,
      missingTaskDependencies: missing,
      expiringTaskDependencies: expiring,
    });
  }

  /** Members of a group, ordered by taskId as the queue's SQL does. */
  groupMembers(taskGroupId: string): string[] {
    return [...this.tasks]
      .filter(([, def]) => def.taskGroupId === taskGroupId)
      .map(([taskId]) => taskId)
      .sort();
  }
}
