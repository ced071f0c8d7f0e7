// What the real queue checks in createTask beyond the JSON schema, written
// from taskcluster/taskcluster services/queue/src/api.js (createTask,
// authorizeTaskCreation, patchAndValidateTaskDef) rather than from what
// lambda-sync expects, so that the double disagrees with our code where the
// real queue would.
import type { CreateTaskRequest, Priority, TaskDefinition } from '../../../src/taskcluster/schemas.js';
import type { ScopeExpression } from '../../../src/taskcluster/scopes.js';

/** An error the API reports: `code` decides the HTTP status (see reply.ts). */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const SLUGID_PATTERN = /^[A-Za-z0-9_-]{8}[Q-T][A-Za-z0-9_-][CGKOSWaeimquy26-][A-Za-z0-9_-]{10}[AQgw]$/;

// Highest first, as the queue's PRIORITY_LEVELS.
const PRIORITIES: Priority[] = ['highest', 'very-high', 'high', 'medium', 'low', 'very-low', 'lowest'];

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** The request after the schema's defaults (the queue validates with useDefaults). */
export type DefaultedRequest = CreateTaskRequest &
  Required<Pick<CreateTaskRequest, 'schedulerId' | 'projectId' | 'dependencies' | 'requires' | 'routes' | 'priority' | 'retries' | 'scopes' | 'tags' | 'extra'>>;

export function applySchemaDefaults(body: CreateTaskRequest): DefaultedRequest {
  return {
    ...body,
    schedulerId: body.schedulerId ?? '-',
    projectId: body.projectId ?? 'none',
    dependencies: body.dependencies ?? [],
    requires: body.requires ?? 'all-completed',
    routes: body.routes ?? [],
    priority: body.priority ?? 'lowest',
    retries: body.retries ?? 5,
    scopes: body.scopes ?? [],
    tags: body.tags ?? {},
    extra: body.extra ?? {},
  };
}

/** taskQueueId, or provisionerId + workerType, and they must agree. Fills the other form in. */
export function resolveTaskQueue(def: DefaultedRequest): { taskQueueId: string; provisionerId: string; workerType: string } {
  const { provisionerId, workerType, taskQueueId } = def;
  if (provisionerId && workerType) {
    if (taskQueueId && taskQueueId !== `${provisionerId}/${workerType}`) {
      throw new ApiError('InputError', 'taskQueueId must match "provisionerId/workerType"', { provisionerId, workerType, taskQueueId });
    }
    return { taskQueueId: `${provisionerId}/${workerType}`, provisionerId, workerType };
  }
  if (taskQueueId) {
    const [p, w] = taskQueueId.split('/') as [string, string];
    return { taskQueueId, provisionerId: p, workerType: w };
  }
  throw new ApiError('InputError', 'at least a provisionerId and a workerType or a taskQueueId must be provided"');
}

/** The scope expression createTask demands (api.js createTask `scopes`). */
export function createTaskScopes(def: DefaultedRequest, taskQueueId: string): ScopeExpression {
  const acceptable = PRIORITIES.slice(0, PRIORITIES.indexOf(def.priority) + 1);
  return {
    AllOf: [
      ...def.scopes,
      ...def.routes.map((route) => `queue:route:${route}`),
      `queue:create-task:project:${def.projectId}`,
      `queue:scheduler-id:${def.schedulerId}`,
      { AnyOf: acceptable.map((p) => `queue:create-task:${p}:${taskQueueId}`) },
    ],
  };
}

/**
 * patchAndValidateTaskDef: created within 15 min of now, deadline after
 * created, not past, at most `maxDeadlineDays` (+15 min drift) ahead; expires
 * defaults to deadline + 1 year and may not precede the deadline. Returns the
 * three timestamps re-encoded the way the queue stores them (toJSON), which
 * is what makes "2030-01-01T00:00:00Z" and "...00.000Z" idempotent.
 */
export function checkTimestamps(
  def: DefaultedRequest,
  now: number,
  maxDeadlineDays: number,
): { created: string; deadline: string; expires: string } {
  const created = new Date(def.created);
  const deadline = new Date(def.deadline);
  if (created.getTime() < now - 15 * MINUTE) {
    throw new ApiError('InputError', '`created` cannot be in the past (max 15min drift)', { created: def.created });
  }
  if (created.getTime() > now + 15 * MINUTE) {
    throw new ApiError('InputError', '`created` cannot be in the future (max 15min drift)', { created: def.created });
  }
  if (created.getTime() > deadline.getTime()) {
    // (sic) the real queue's wording
    throw new ApiError('InputError', '`deadline` cannot be later than `created`', { created: def.created, deadline: def.deadline });
  }
  if (deadline.getTime() < now) {
    throw new ApiError('InputError', '`deadline` cannot be in the past', { deadline: def.deadline });
  }
  if (deadline.getTime() - now > maxDeadlineDays * DAY + 15 * MINUTE) {
    throw new ApiError('InputError', `\`deadline\` cannot be more than ${maxDeadlineDays} days into the future`, { deadline: def.deadline });
  }
  let expires: Date;
  if (def.expires) {
    expires = new Date(def.expires);
  } else {
    expires = new Date(deadline);
    expires.setUTCFullYear(expires.getUTCFullYear() + 1);
  }
  if (deadline.getTime() > expires.getTime()) {
    throw new ApiError('InputError', '`expires` cannot be before `deadline`', { deadline: def.deadline, expires: expires.toJSON() });
  }
  return { created: created.toJSON(), deadline: deadline.toJSON(), expires: expires.toJSON() };
}

export function checkNoDoubleStarScopes(def: DefaultedRequest): void {
  if (def.scopes.some((s) => s.endsWith('**'))) {
    throw new ApiError('InputError', 'scopes must not end with `**`');
  }
}

/** The stored definition, in the field order Queue.task() returns. */
export function toDefinition(
  taskId: string,
  def: DefaultedRequest,
  queue: { taskQueueId: string; provisionerId: string; workerType: string },
  times: { created: string; deadline: string; expires: string },
): TaskDefinition {
  return {
    provisionerId: queue.provisionerId,
    workerType: queue.workerType,
    taskQueueId: queue.taskQueueId,
    schedulerId: def.schedulerId,
    projectId: def.projectId,
    taskGroupId: def.taskGroupId ?? taskId,
    dependencies: def.dependencies,
    requires: def.requires,
    routes: def.routes,
    priority: def.priority,
    retries: def.retries,
    created: times.created,
    deadline: times.deadline,
    expires: times.expires,
    scopes: def.scopes,
    payload: def.payload,
    metadata: def.metadata,
    tags: def.tags,
    extra: def.extra,
  };
}
