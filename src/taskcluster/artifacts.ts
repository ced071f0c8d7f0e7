// What the decision leaves in --artifacts (published by the decision task
// as public/): task-graph.json (taskId -> definition), plan.json (the
// packages, each with its label, symbol and taskId), actions.json (in-tree
// actions) and summary.txt. With them anyone can see, reproduce and act on
// the decision.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { functionDescription } from '../packages/description.js';
import type { TaskGraph } from './graph.js';
import type { CreateTaskRequest } from './schemas.js';
import type { SubmitReport } from './submit.js';

export const ARTIFACT_FILES = {
  taskGraph: 'task-graph.json',
  plan: 'plan.json',
  actions: 'actions.json',
  summary: 'summary.txt',
  submission: 'submission.json',
} as const;

/** task-graph.json, and what `--dry-run` prints: taskId -> createTask body. */
export function taskGraphJson(graph: TaskGraph): Record<string, CreateTaskRequest> {
  return Object.fromEntries(graph.tasks.map((t) => [t.taskId, t.definition]));
}

export function planJson(graph: TaskGraph): Record<string, unknown> {
  return {
    repository: graph.repository,
    head: graph.head,
    mode: graph.mode,
    taskGroupId: graph.taskGroupId,
    packages: graph.tasks.map((t) => ({
      path: t.packagePath,
      // A package's single function as always; null when it declares several (see functions).
      functionName: t.functions.length === 1 && t.functions[0]!.key === undefined ? t.functions[0]!.functionName : null,
      revision: t.revision,
      description: t.functions.length === 1 && t.functions[0]!.key === undefined ? functionDescription(graph.repository, t.packagePath, t.revision) : null,
      functions: t.functions.map((fn) => ({
        key: fn.key ?? null,
        functionName: fn.functionName,
        description: functionDescription(graph.repository, t.packagePath, t.revision, fn.key),
        configDigest: fn.configDigest,
      })),
      label: t.label,
      symbol: t.symbol,
      taskId: t.taskId,
    })),
    skipped: graph.skipped,
  };
}

export function summaryText(graph: TaskGraph): string {
  const width = Math.max(5, ...graph.tasks.map((t) => t.label.length));
  const symbolWidth = Math.max(6, ...graph.tasks.map((t) => t.symbol.length));
  return [
    `lambda-sync decision (${graph.mode} mode) for ${graph.repository} at ${graph.head}`,
    `task group ${graph.taskGroupId}: ${graph.tasks.length} task${graph.tasks.length === 1 ? '' : 's'}${graph.skipped.length ? `, ${graph.skipped.length} package(s) skipped` : ''}`,
    '',
    `${'LABEL'.padEnd(width)}  ${'SYMBOL'.padEnd(symbolWidth)}  TASK ID`,
    ...graph.tasks.map((t) => `${t.label.padEnd(width)}  ${t.symbol.padEnd(symbolWidth)}  ${t.taskId}`),
    ...(graph.skipped.length ? ['', 'skipped:', ...graph.skipped.map((s) => `  ${s.path}: ${s.reason}`)] : []),
    '',
    'scopes needed to create these tasks:',
    ...graph.scopes.map((s) => `  ${s}`),
    '',
  ].join('\n');
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

export async function writeDecisionArtifacts(dir: string, graph: TaskGraph): Promise<void> {
  await mkdir(dir, { recursive: true });
  await Promise.all([
    writeFile(join(dir, ARTIFACT_FILES.taskGraph), json(taskGraphJson(graph))),
    writeFile(join(dir, ARTIFACT_FILES.plan), json(planJson(graph))),
    writeFile(join(dir, ARTIFACT_FILES.actions), json(graph.actions)),
    writeFile(join(dir, ARTIFACT_FILES.summary), summaryText(graph)),
  ]);
}

/** submission.json: every task's outcome, including all failures when there are too many to print. */
export async function writeSubmissionReport(dir: string, report: SubmitReport): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, ARTIFACT_FILES.submission), json(report.outcomes));
}
