// What the decision leaves in --artifacts (published by the decision task
// as public/): task-graph.json (taskId -> definition), plan.json (every
// package with its label, symbol, the decision's verdict and why, and its
// taskId when it got a task; then every orphan with a removal task, verdict
// `remove`), actions.json (in-tree actions),
// runnable-jobs.json (what Treeherder's "Add new jobs" offers), summary.txt,
// and github/customCheckRunText.md (the table taskcluster-github shows in
// the decision's GitHub check run). With them anyone can see, reproduce and
// act on the decision.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { functionDescription, functionLabel } from '../packages/description.js';
import type { PlannedPackage, PlannedRemoval, TaskGraph } from './graph.js';
import type { CreateTaskRequest } from './schemas.js';
import type { SubmitReport } from './submit.js';

export const ARTIFACT_FILES = {
  taskGraph: 'task-graph.json',
  plan: 'plan.json',
  actions: 'actions.json',
  summary: 'summary.txt',
  submission: 'submission.json',
  runnableJobs: 'runnable-jobs.json',
  /** taskcluster-github reads public/github/customCheckRunText.md of a task into its check run. */
  checkRunText: 'github/customCheckRunText.md',
} as const;

export interface ArtifactOptions {
  /** TASKCLUSTER_ROOT_URL, for links to the tasks; without it the table shows bare taskIds. */
  rootUrl?: string | undefined;
}

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
    packages: [...graph.packages.map((p) => {
      // A package's single function as always; null when it declares several (see functions).
      const single = p.functions.length === 1 && p.functions[0]!.key === undefined;
      return {
        path: p.packagePath,
        functionName: single ? p.functions[0]!.functionName : null,
        revision: p.revision,
        description: single ? functionDescription(graph.repository, p.packagePath, p.revision) : null,
        functions: p.functions.map((fn) => ({
          key: fn.key ?? null,
          functionName: fn.functionName,
          description: functionDescription(graph.repository, p.packagePath, p.revision, fn.key),
          configDigest: fn.configDigest,
        })),
        label: p.label,
        symbol: p.symbol,
        decision: p.verdict,
        why: p.why,
        taskId: p.taskId ?? null,
      };
    }), ...graph.removals.map(removalJson)],
    notes: graph.notes,
    skipped: graph.skipped,
  };
}

/**
 * An orphan's entry among plan.json's packages: the same fields, for the
 * function that goes (`revision` null: no package has it; the revision it
 * was deployed from in `deployedRevision`).
 */
function removalJson(r: PlannedRemoval) {
  return {
    path: r.packagePath,
    functionName: r.functionName,
    revision: null,
    deployedRevision: r.deployedRevision,
    description: null,
    functions: [{ key: r.key ?? null, functionName: r.functionName, description: null, configDigest: null }],
    label: r.label,
    symbol: r.symbol,
    decision: r.verdict,
    why: r.why,
    taskId: r.taskId ?? null,
  };
}

/** The rows of the summary and the check run: packages, then removals. */
const rowsOf = (graph: TaskGraph): Array<PlannedPackage | PlannedRemoval> => [...graph.packages, ...graph.removals];

export function summaryText(graph: TaskGraph): string {
  const rows = rowsOf(graph);
  const width = Math.max(5, ...rows.map((p) => p.label.length));
  const symbolWidth = Math.max(6, ...rows.map((p) => p.symbol.length));
  const verdictWidth = Math.max(8, ...rows.map((p) => p.verdict.length));
  const left = graph.packages.length - graph.packages.filter((p) => p.taskId !== undefined).length;
  return [
    `lambda-sync decision (${graph.mode} mode) for ${graph.repository} at ${graph.head}`,
    `task group ${graph.taskGroupId}: ${graph.tasks.length} task${graph.tasks.length === 1 ? '' : 's'}${graph.removals.length ? ` (${graph.removals.length} removal${graph.removals.length === 1 ? '' : 's'})` : ''}${left ? `, ${left} package(s) with nothing to do` : ''}${graph.skipped.length ? `, ${graph.skipped.length} package(s) skipped` : ''}`,
    ...(graph.tasks.length === 0 ? ['no package needs a task (add-new-jobs creates any package\'s task on demand)'] : []),
    ...graph.notes.map((note) => `warning: ${note}`),
    '',
    `${'LABEL'.padEnd(width)}  ${'SYMBOL'.padEnd(symbolWidth)}  ${'DECISION'.padEnd(verdictWidth)}  ${'TASK ID'.padEnd(22)}  WHY`,
    ...rows.map((p) => `${p.label.padEnd(width)}  ${p.symbol.padEnd(symbolWidth)}  ${p.verdict.padEnd(verdictWidth)}  ${(p.taskId ?? '-').padEnd(22)}  ${p.why}`),
    ...(graph.skipped.length ? ['', 'skipped:', ...graph.skipped.map((s) => `  ${s.path}: ${s.reason}`)] : []),
    '',
    'scopes needed to create these tasks:',
    ...graph.scopes.map((s) => `  ${s}`),
    '',
  ].join('\n');
}

const WHAT_IT_DOES: Record<PlannedPackage['verdict'], string> = {
  deploy: 'deploy',
  check: 'check',
  'in-sync': 'in sync',
  'newer-deployed': 'newer deployed',
  remove: 'remove',
};

/** A pull request compares commits, not Lambda: what it leaves out is unchanged, not "in sync". */
const whatItDoes = (verdict: PlannedPackage['verdict'], mode: TaskGraph['mode']): string =>
  mode === 'check' && verdict === 'in-sync' ? 'no check' : WHAT_IT_DOES[verdict];

/** `, 2 orphans to remove`: the removal tasks, when there are any. */
function removals(graph: TaskGraph): string {
  const n = graph.removals.length;
  return n === 0 ? '' : `, ${n} orphan${n === 1 ? '' : 's'} to remove`;
}

/** Markdown table cells: a `|` or a line break would end the cell. */
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** public/github/customCheckRunText.md: the plan, as the push's or pull request's GitHub check run shows it. */
export function checkRunText(graph: TaskGraph, options: ArtifactOptions = {}): string {
  const root = options.rootUrl?.replace(/\/+$/, '');
  const link = (taskId: string) => (root ? `[${taskId}](${root}/tasks/${taskId})` : `\`${taskId}\``);
  const withTask = graph.packages.filter((p) => p.taskId !== undefined).length;
  return [
    `### lambda-sync: ${withTask} of ${graph.packages.length} package${graph.packages.length === 1 ? '' : 's'} ${withTask === 1 ? 'gets a task' : 'get tasks'}${removals(graph)} (${graph.mode} mode)`,
    '',
    ...graph.notes.map((note) => `> **Warning:** ${cell(note)}\n`),
    ...(withTask === 0 ? ['No package needs a task. Treeherder\'s "Add new jobs" (or the `add-new-jobs` action) creates any package\'s task on demand.\n'] : []),
    '| package | function | what it does | task |',
    '| --- | --- | --- | --- |',
    ...rowsOf(graph).map((p) => {
      const functions = p.kind === 'remove' ? [p.functionName] : p.functions.map((fn) => fn.functionName);
      return `| \`${cell(p.kind === 'remove' ? functionLabel(p.packagePath, p.key) : p.packagePath)}\` | ${functions.map((fn) => `\`${fn}\``).join('<br>')} | ${whatItDoes(p.verdict, graph.mode)}: ${cell(p.why)} | ${p.taskId ? link(p.taskId) : '-'} |`;
    }),
    ...(graph.skipped.length ? ['', ...graph.skipped.map((s) => `- \`${cell(s.path)}\`: no task: ${cell(s.reason)}`)] : []),
    '',
  ].join('\n');
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

export async function writeDecisionArtifacts(dir: string, graph: TaskGraph, options: ArtifactOptions = {}): Promise<void> {
  await mkdir(join(dir, dirname(ARTIFACT_FILES.checkRunText)), { recursive: true });
  await Promise.all([
    writeFile(join(dir, ARTIFACT_FILES.runnableJobs), json(graph.runnableJobs)),
    writeFile(join(dir, ARTIFACT_FILES.checkRunText), checkRunText(graph, options)),
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
