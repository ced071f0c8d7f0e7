// The graph's check before anything is submitted: every definition against
// the queue's create-task schema, every payload against docker-worker's,
// every extra.treeherder against Treeherder's, actions.json against the
// action schema, plus the rules no schema states (one Treeherder route,
// symbols unique within their group, unique taskIds). A mistake here is a
// readable error listing every problem, not a 400 halfway through the
// submission or a task that Treeherder silently drops.
import { OperationError } from '../errors.js';
import type { TaskGraph } from './graph.js';
import { validateActions, validateCreateTaskRequest, validateDockerWorkerPayload, validateTreeherderConfig } from './schemas.js';
import { isValidSymbol } from './symbols.js';

/** Problems as `<where>: <what>` lines; empty when the graph is valid. */
export function validateTaskGraph(graph: TaskGraph): string[] {
  const problems: string[] = [];
  const symbols = new Map<string, string>();
  const taskIds = new Set<string>();
  for (const task of graph.tasks) {
    const where = `${task.label} (${task.taskId})`;
    const add = (what: string, errors: string[]) => problems.push(...errors.map((e) => `${where}: ${what} ${e}`));
    const { definition } = task;
    const request = validateCreateTaskRequest(definition);
    if (!request.ok) add('task definition', request.errors);
    const payload = validateDockerWorkerPayload(definition.payload);
    if (!payload.ok) add('payload', payload.errors);
    const th = validateTreeherderConfig(definition.extra?.treeherder);
    if (!th.ok) add('extra.treeherder', th.errors);
    const thRoutes = (definition.routes ?? []).filter((r) => r.split('.')[0] === 'tc-treeherder');
    if (thRoutes.length !== 1) problems.push(`${where}: has ${thRoutes.length} tc-treeherder routes; Treeherder ignores a task without exactly one`);
    if (!isValidSymbol(task.symbol)) problems.push(`${where}: Treeherder symbol ${JSON.stringify(task.symbol)} is not 1-25 of A-Z a-z 0-9 _ -`);
    // Copies made by a retrigger share their original's symbol on purpose.
    // Treeherder tells jobs apart by group and symbol: a removal may share a package's symbol in its own group.
    const group = (definition.extra?.treeherder as { groupSymbol?: string } | undefined)?.groupSymbol ?? '?';
    const other = symbols.get(`${group} ${task.symbol}`);
    if (other !== undefined && other !== task.label) problems.push(`${where}: Treeherder symbol ${task.symbol} is also ${other}'s`);
    symbols.set(`${group} ${task.symbol}`, task.label);
    if (taskIds.has(task.taskId)) problems.push(`${where}: taskId used twice`);
    taskIds.add(task.taskId);
  }
  const actions = validateActions(graph.actions);
  if (!actions.ok) problems.push(...actions.errors.map((e) => `actions.json: ${e}`));
  // The action templates themselves are rendered and checked by the tests
  // (json-e is only a dev dependency).
  return problems;
}

/** Throws when the graph has any problem (our bug or a config value the schemas refuse). */
export function assertValidTaskGraph(graph: TaskGraph): void {
  const problems = validateTaskGraph(graph);
  if (problems.length === 0) return;
  const shown = problems.slice(0, 50);
  throw new OperationError(
    `the task graph does not pass the queue's, docker-worker's or Treeherder's schemas (${problems.length} problem${problems.length === 1 ? '' : 's'}); nothing was submitted:\n${shown.map((p) => `  ${p}`).join('\n')}${problems.length > shown.length ? `\n  ... and ${problems.length - shown.length} more` : ''}`,
  );
}
