// Creates the graph's tasks on the queue: at most `concurrency` requests at
// once, 5xx and network errors retried by taskcluster-client itself, every
// failure collected rather than the first one ending the run.
//
// Reruns: taskIds are derived from the creating task's id and the label
// (task-ids.ts), so a rerun of the same decision asks for the same taskIds.
// The queue answers 200 for an identical definition, and 409 when an
// earlier run created the task with its own created/deadline/expires; the
// existing task is then read back and, if it matches ours but for those
// timestamps, counts as already created.
import { isDeepStrictEqual } from 'node:util';
import type { Queue, TaskclusterError } from 'taskcluster-client';
import { OperationError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import { mapWithConcurrency } from '../concurrency.js';
import type { CreateTaskRequest } from './schemas.js';

export const DEFAULT_CONCURRENCY = 50;

export interface SubmittableTask {
  label: string;
  taskId: string;
  definition: CreateTaskRequest;
}

export type SubmitOutcome =
  | { label: string; taskId: string; result: 'created' | 'existing' }
  | { label: string; taskId: string; result: 'failed'; reason: string };

export interface SubmitReport {
  outcomes: SubmitOutcome[];
  created: number;
  existing: number;
  failed: Array<Extract<SubmitOutcome, { result: 'failed' }>>;
}

export interface SubmitOptions {
  concurrency?: number;
  logger?: Logger;
}

// The queue sets these itself (from ours, re-encoded); a rerun's differ.
const TIMESTAMPS = new Set(['created', 'deadline', 'expires']);

/** True when the queue's stored task is `ours` apart from its timestamps. */
export function sameTaskButTimes(stored: object, ours: CreateTaskRequest): boolean {
  const record = stored as Record<string, unknown>;
  return Object.entries(ours).every(([key, value]) => TIMESTAMPS.has(key) || isDeepStrictEqual(record[key], value));
}

/** One line about a failed call: status, code, and the useful part of the queue's message. */
export function describeQueueError(error: unknown): string {
  const e = error as Partial<TaskclusterError>;
  const message = typeof e.message === 'string' ? e.message : String(error);
  if (e.code === 'InsufficientScopes') {
    // lib-api's message puts the missing scopes in the first ``` block.
    const missing = /```\n([\s\S]*?)\n```/.exec(message)?.[1];
    if (missing) return `403 InsufficientScopes: missing ${missing.replace(/\s+/g, ' ').trim()}`;
  }
  const firstParagraph = message.split(/\n\s*\n|\n---/)[0]!.replace(/\s+/g, ' ').trim();
  const status = e.statusCode !== undefined ? `${e.statusCode} ` : '';
  return `${status}${e.code ?? 'Error'}: ${firstParagraph}`;
}

async function createOne(queue: Queue, task: SubmittableTask): Promise<SubmitOutcome> {
  const { label, taskId } = task;
  try {
    await queue.createTask(taskId, task.definition);
    return { label, taskId, result: 'created' };
  } catch (error) {
    const reason = describeQueueError(error);
    if ((error as Partial<TaskclusterError>).statusCode !== 409) return { label, taskId, result: 'failed', reason };
    let stored: object;
    try {
      stored = await queue.task(taskId);
    } catch (readError) {
      return { label, taskId, result: 'failed', reason: `${reason} (and reading the existing task failed: ${describeQueueError(readError)})` };
    }
    if (sameTaskButTimes(stored, task.definition)) return { label, taskId, result: 'existing' };
    return { label, taskId, result: 'failed', reason: `${reason} (the task that has this taskId is not this one)` };
  }
}

/** Creates every task; never throws for a failed task (see the report). */
export async function submitTasks(queue: Queue, tasks: readonly SubmittableTask[], options: SubmitOptions = {}): Promise<SubmitReport> {
  const logger = options.logger ?? silentLogger;
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const outcomes = await logger.step(
    `create ${tasks.length} task${tasks.length === 1 ? '' : 's'} (at most ${concurrency} requests at once)`,
    () => mapWithConcurrency(tasks, concurrency, (task) => createOne(queue, task)),
    (list) => {
      const count = (r: SubmitOutcome['result']) => list.filter((o) => o.result === r).length;
      return `${count('created')} created, ${count('existing')} already there, ${count('failed')} failed`;
    },
  );
  const failed = outcomes.filter((o): o is Extract<SubmitOutcome, { result: 'failed' }> => o.result === 'failed');
  return {
    outcomes,
    created: outcomes.filter((o) => o.result === 'created').length,
    existing: outcomes.filter((o) => o.result === 'existing').length,
    failed,
  };
}

/** Most failures listed in the error; the artifacts' submission.json has all of them. */
const LISTED_FAILURES = 100;

/** The decision's failure when any task could not be created, listing which and why. */
export function submissionError(report: SubmitReport, total: number, neededScopes: readonly string[]): OperationError {
  const lines = report.failed.slice(0, LISTED_FAILURES).map((f) => `  ${f.label} (${f.taskId}): ${f.reason}`);
  if (report.failed.length > LISTED_FAILURES) lines.push(`  ... and ${report.failed.length - LISTED_FAILURES} more`);
  const scopeHint = report.failed.some((f) => f.reason.includes('InsufficientScopes'))
    ? `\nthe decision task needs these scopes to create the graph:\n${neededScopes.map((s) => `  ${s}`).join('\n')}`
    : '';
  return new OperationError(
    `${report.failed.length} of ${total} task${total === 1 ? '' : 's'} could not be created:\n${lines.join('\n')}${scopeHint}`,
    'the tasks that were created wait for this decision task, which now fails, so none of them runs; rerunning the decision task is safe: it creates the missing tasks and keeps the others',
  );
}
