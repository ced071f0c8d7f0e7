// The queue and secrets endpoints the double serves. Each route says which
// scopes its URL parameters demand (checked before anything else, as
// taskcluster-lib-api does), which URL parameters must be slugids and which
// query keys it takes; the handler does the rest in the real queue's order.
import { validateCreateTaskRequest, type CreateTaskRequest } from '../../../src/taskcluster/schemas.js';
import type { ScopeExpression } from '../../../src/taskcluster/scopes.js';
import type { QueueStore } from './store.js';
import {
  ApiError,
  applySchemaDefaults,
  checkNoDoubleStarScopes,
  checkTimestamps,
  createTaskScopes,
  resolveTaskQueue,
  toDefinition,
} from './validate.js';

export interface HandlerContext {
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  contentType: string;
  /** Throws ApiError AuthenticationFailed (401) or InsufficientScopes (403). */
  authorize(expr: ScopeExpression): Promise<void>;
  store: QueueStore;
  rootUrl: string;
  maxTaskDeadlineDays: number;
}

export interface Route {
  service: 'queue' | 'secrets';
  method: string;
  httpMethod: 'GET' | 'PUT';
  pattern: RegExp;
  paramNames: string[];
  slugParams?: string[];
  query?: string[];
  scopes?: (params: Record<string, string>) => ScopeExpression;
  handler(ctx: HandlerContext): Promise<unknown>;
}

const ping = async () => ({ alive: true, uptime: process.uptime() });

async function createTask(ctx: HandlerContext): Promise<unknown> {
  const taskId = ctx.params.taskId!;
  if (!ctx.contentType.startsWith('application/json')) {
    throw new ApiError('MalformedPayload', 'Payload must be JSON with content-type: application/json got content-type: {{contentType}}', {
      contentType: ctx.contentType || null,
    });
  }
  const checked = validateCreateTaskRequest(ctx.body);
  if (!checked.ok) {
    throw new ApiError('InputValidationError', [
      'Schema Validation Failed!',
      `Rejecting Schema: ${ctx.rootUrl}/schemas/queue/v1/create-task-request.json#`,
      'Errors:',
      ...checked.errors.map((e) => `  * ${e}`),
    ].join('\n'));
  }
  const def = applySchemaDefaults(structuredClone(ctx.body as CreateTaskRequest));
  const queue = resolveTaskQueue(def);
  await ctx.authorize(createTaskScopes(def, queue.taskQueueId));
  const times = checkTimestamps(def, Date.now(), ctx.maxTaskDeadlineDays);
  checkNoDoubleStarScopes(def);
  const definition = toDefinition(taskId, def, queue, times);
  ctx.store.ensureGroup(definition.taskGroupId, definition.schedulerId);
  return { status: structuredClone(ctx.store.createTask(taskId, definition, new Date())) };
}

function taskNotFound(taskId: string, hint: string): ApiError {
  return new ApiError('ResourceNotFound', `\`{{taskId}}\` does not correspond to a task that exists.\n${hint}`, { taskId });
}

async function getTask(ctx: HandlerContext): Promise<unknown> {
  const def = ctx.store.tasks.get(ctx.params.taskId!);
  if (!def) throw taskNotFound(ctx.params.taskId!, 'Are you sure this task has already been submitted?');
  return structuredClone(def);
}

async function getStatus(ctx: HandlerContext): Promise<unknown> {
  const status = ctx.store.statuses.get(ctx.params.taskId!);
  if (!status) throw taskNotFound(ctx.params.taskId!, 'Are you sure this task exists?');
  return { status: structuredClone(status) };
}

// The real continuation token is an opaque hashid of an offset; anything
// undecodable counts as offset 0, as there.
const encodeToken = (offset: number) => Buffer.from(`offset:${offset}`).toString('base64url');
function decodeToken(token: string | undefined): number {
  const m = token ? /^offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString()) : null;
  return m ? Number(m[1]) : 0;
}

async function listTaskGroup(ctx: HandlerContext): Promise<unknown> {
  const taskGroupId = ctx.params.taskGroupId!;
  if (!ctx.store.groups.has(taskGroupId)) {
    throw new ApiError('ResourceNotFound', 'No task-group with taskGroupId: `{{taskGroupId}}`', { taskGroupId });
  }
  const limit = Math.min(Number.parseInt(ctx.query.limit ?? '1000', 10), 1000);
  const offset = decodeToken(ctx.query.continuationToken);
  const members = ctx.store.groupMembers(taskGroupId);
  const result: { taskGroupId: string; tasks: unknown[]; continuationToken?: string } = {
    taskGroupId,
    tasks: members.slice(offset, offset + limit).map((taskId) => ({
      status: structuredClone(ctx.store.statuses.get(taskId)),
      task: structuredClone(ctx.store.tasks.get(taskId)),
    })),
  };
  if (members.length > offset + limit) result.continuationToken = encodeToken(offset + limit);
  return result;
}

async function getSecret(ctx: HandlerContext): Promise<unknown> {
  const secret = ctx.store.secrets.get(ctx.params.name!);
  if (!secret) throw new ApiError('ResourceNotFound', 'Secret not found');
  if (Date.parse(secret.expires) < Date.now()) throw new ApiError('ResourceExpired', 'The requested resource has expired.');
  return structuredClone(secret);
}

export const ROUTES: Route[] = [
  { service: 'queue', method: 'ping', httpMethod: 'GET', pattern: /^\/ping$/, paramNames: [], handler: ping },
  {
    service: 'queue', method: 'createTask', httpMethod: 'PUT', pattern: /^\/task\/([^/]+)$/,
    paramNames: ['taskId'], slugParams: ['taskId'], handler: createTask,
  },
  {
    service: 'queue', method: 'task', httpMethod: 'GET', pattern: /^\/task\/([^/]+)$/,
    paramNames: ['taskId'], slugParams: ['taskId'], scopes: (p) => `queue:get-task:${p.taskId}`, handler: getTask,
  },
  {
    service: 'queue', method: 'status', httpMethod: 'GET', pattern: /^\/task\/([^/]+)\/status$/,
    paramNames: ['taskId'], slugParams: ['taskId'], scopes: (p) => `queue:status:${p.taskId}`, handler: getStatus,
  },
  {
    service: 'queue', method: 'listTaskGroup', httpMethod: 'GET', pattern: /^\/task-group\/([^/]+)\/list$/,
    paramNames: ['taskGroupId'], slugParams: ['taskGroupId'], query: ['continuationToken', 'limit'],
    scopes: (p) => `queue:list-task-group:${p.taskGroupId}`, handler: listTaskGroup,
  },
  { service: 'secrets', method: 'ping', httpMethod: 'GET', pattern: /^\/ping$/, paramNames: [], handler: ping },
  {
    service: 'secrets', method: 'get', httpMethod: 'GET', pattern: /^\/secret\/(.+)$/,
    paramNames: ['name'], scopes: (p) => `secrets:get:${p.name}`, handler: getSecret,
  },
];
