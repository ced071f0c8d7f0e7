// Validation against the vendored Taskcluster / Treeherder JSON Schemas
// (schema/vendor/, see its README). The decision command validates every
// task, payload, Treeherder config and actions.json before submitting, so a
// mistake shows up as a readable error here instead of a 400 from the queue
// halfway through a graph, or a task Treeherder silently ignores.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';
import { toolPath } from '../paths.js';

// Under NodeNext the CJS default export is only reachable as `.default`.
const addFormats = ajvFormats.default;
const require = createRequire(import.meta.url);

export type Priority = 'highest' | 'very-high' | 'high' | 'medium' | 'low' | 'very-low' | 'lowest';

export interface TaskMetadata {
  name: string;
  description: string;
  owner: string;
  source: string;
}

/** Body of Queue.createTask (queue-v1-create-task-request.json). */
export interface CreateTaskRequest {
  taskQueueId?: string;
  provisionerId?: string;
  workerType?: string;
  schedulerId?: string;
  projectId?: string;
  taskGroupId?: string;
  dependencies?: string[];
  requires?: 'all-completed' | 'all-resolved';
  routes?: string[];
  priority?: Priority;
  retries?: number;
  created: string;
  deadline: string;
  expires?: string;
  scopes?: string[];
  payload: Record<string, unknown>;
  metadata: TaskMetadata;
  tags?: Record<string, string>;
  extra?: Record<string, unknown>;
}

/** A task as Queue.task() returns it: every default filled in (queue-v1-task.json). */
export interface TaskDefinition extends Required<Omit<CreateTaskRequest, 'requires' | 'priority'>> {
  requires: 'all-completed' | 'all-resolved';
  priority: Priority;
}

/** docker-worker payload (also run by generic-worker through d2g). */
export interface DockerWorkerPayload {
  image: string | { type: string; [key: string]: unknown };
  command?: string[];
  maxRunTime: number;
  env?: Record<string, string>;
  features?: { taskclusterProxy?: boolean; [feature: string]: boolean | undefined };
  artifacts?: Record<string, { type: 'file' | 'directory' | 'volume'; path: string; expires?: string }>;
  cache?: Record<string, string>;
  [key: string]: unknown;
}

/** task.extra.treeherder (treeherder-task-treeherder-config.json). */
export interface TreeherderConfig {
  symbol: string;
  groupSymbol?: string;
  groupName?: string;
  tier?: 1 | 2 | 3;
  jobKind?: 'build' | 'test' | 'other';
  machine?: { platform: string; os?: string; architecture?: string };
  labels?: string[];
  reason?: string;
  productName?: string;
  [key: string]: unknown;
}

/** public/actions.json (common-action-schema-v1.json). */
export interface ActionsJson {
  version: 1;
  variables: Record<string, unknown>;
  actions: Array<Record<string, unknown> & { name: string; title: string; description: string; kind: 'task' | 'hook' }>;
}

/** A secret as Secrets.get() returns it (secrets-v1-secret.json). */
export interface Secret {
  secret: Record<string, unknown>;
  expires: string;
}

/** .taskcluster.yml before JSON-e rendering, version 1. */
export interface TaskclusterYml {
  version: 1;
  policy?: Record<string, unknown>;
  reporting?: string;
  autoCancelPreviousChecks?: boolean;
  tasks?: unknown;
  [key: string]: unknown;
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** ajv errors as `<instancePath> <message>` lines; the root is shown as `/`. */
export function formatAjvErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => {
    let message = e.message ?? 'is invalid';
    // The bare "must NOT have additional properties" does not say which one.
    if (e.keyword === 'additionalProperties' && typeof e.params.additionalProperty === 'string') {
      message += `: ${JSON.stringify(e.params.additionalProperty)}`;
    }
    if (e.keyword === 'enum' && Array.isArray(e.params.allowedValues)) {
      message += `: ${e.params.allowedValues.map((v: unknown) => JSON.stringify(v)).join(', ')}`;
    }
    return `${e.instancePath || '/'} ${message}`;
  });
}

let ajv: Ajv | undefined;
function getAjv(): Ajv {
  if (!ajv) {
    // No useDefaults: validating must never change what we are about to submit.
    ajv = new Ajv({ allErrors: true });
    addFormats(ajv);
    ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
  }
  return ajv;
}

function lazyValidator<T>(file: string): (data: unknown) => ValidationResult<T> {
  let compiled: ValidateFunction | undefined;
  return (data) => {
    compiled ??= getAjv().compile(JSON.parse(readFileSync(toolPath('schema', 'vendor', file), 'utf8')));
    if (compiled(data)) return { ok: true, value: data as T };
    return { ok: false, errors: formatAjvErrors(compiled.errors) };
  };
}

export const validateCreateTaskRequest = lazyValidator<CreateTaskRequest>('queue-v1-create-task-request.json');
export const validateTask = lazyValidator<TaskDefinition>('queue-v1-task.json');
export const validateDockerWorkerPayload = lazyValidator<DockerWorkerPayload>('docker-worker-v1-payload.json');
export const validateTreeherderConfig = lazyValidator<TreeherderConfig>('treeherder-task-treeherder-config.json');
export const validateActions = lazyValidator<ActionsJson>('common-action-schema-v1.json');
export const validateSecret = lazyValidator<Secret>('secrets-v1-secret.json');
export const validateTaskclusterYml = lazyValidator<TaskclusterYml>('github-v1-taskcluster-github-config.v1.json');
