// The scopes Queue.createTask demands of whoever creates a task (tc
// services/queue/src/api.js createTask): the task's own scopes, a
// queue:route scope per route, the project, the scheduler and the task queue
// at the task's priority. Their union over a graph is what the decision task
// (and a retrigger action task) must hold; .taskcluster.yml grants them.
import type { CreateTaskRequest } from './schemas.js';

export function scopesToCreate(task: CreateTaskRequest): string[] {
  const taskQueueId = task.taskQueueId ?? `${task.provisionerId}/${task.workerType}`;
  return [
    ...(task.scopes ?? []),
    ...(task.routes ?? []).map((route) => `queue:route:${route}`),
    `queue:create-task:project:${task.projectId ?? 'none'}`,
    `queue:scheduler-id:${task.schedulerId ?? '-'}`,
    // A scope for a higher priority would do as well; this is the least one.
    `queue:create-task:${task.priority ?? 'lowest'}:${taskQueueId}`,
  ];
}

/** Every scope needed to create all of `tasks`, sorted, without duplicates. */
export function scopesToCreateAll(tasks: Iterable<CreateTaskRequest>): string[] {
  const all = new Set<string>();
  for (const task of tasks) for (const scope of scopesToCreate(task)) all.add(scope);
  return [...all].sort();
}
