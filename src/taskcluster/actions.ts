// public/actions.json: in-tree actions for the Taskcluster UI and Treeherder.
//
// Both actions are `kind: task` (no hook for the deployment's admins to set
// up). The UI renders the action's task template with json-e (context:
// taskGroupId, taskId, task, input, ownTaskId) and creates it with the
// user's credentials limited to the decision task's scopes. That action
// task runs this tool in the image: `lambda-sync decision ... --retrigger
// <request>` regenerates the graph at the same revision, with the same
// options, and creates new copies of just the requested tasks in the same
// task group, as taskgraph's actions regenerate from the decision's
// parameters. The new tasks are the decision's tasks again (same label,
// symbol, payload), except for their taskIds and, with `force`,
// LAMBDA_SYNC_FORCE=1.
//
// add-new-jobs runs the same command: a retrigger request regenerates every
// package's task, whatever the decision's verdicts, so any label can be named.
// A `remove <path>` label is regenerated from a fresh read of Lambda: only
// while it is still an orphan the decision may remove does it get a task
// (and that task re-checks before it deletes).
//
// The template reads only `task.metadata.name` of the selected task: the UI
// passes its GraphQL form of the task, whose other fields (priority,
// requires, ...) are not spelled as in the queue's API.
import { jsoneLiteral, type Json } from './jsone-literal.js';
import { REMOVE_TASK_KIND } from './remove-task.js';
import { PACKAGE_TASK_KIND } from './task-definition.js';
import { MAX_TIMES } from './retrigger-request.js';
import type { ActionsJson, TreeherderConfig } from './schemas.js';
import type { DecisionSettings } from './settings.js';
import { treeherderConfig } from './treeherder.js';

export const RETRIGGER = 'retrigger';
/** The name Treeherder looks for to retrigger jobs (th ui/models/job.js). */
export const RETRIGGER_MULTIPLE = 'retrigger-multiple';
/**
 * The name Treeherder's "Add new jobs" runs, with the labels chosen from
 * public/runnable-jobs.json: any package's task, also one this graph left out.
 */
export const ADD_NEW_JOBS = 'add-new-jobs';
/** Tag `kind` of action tasks. */
export const ACTION_TASK_KIND = 'lambda-sync-action';

export interface ActionsInput {
  settings: DecisionSettings;
  /** `decision` args that regenerate this graph: --repo-url, --revision, --mode, --root, --owner. */
  decisionArgs: string[];
  /** Scopes that create any package task of the graph; the action task gets exactly these. */
  creationScopes: string[];
  /** The Treeherder route of the push, so that action tasks show beside the tasks they create. */
  treeherderRoute: string;
  /** metadata.source and metadata.owner of action tasks. */
  source: string;
  owner: string;
}

// `input` may be null or lack `force` when the form was left empty.
const FORCE = { $eval: 'typeof(input) == "object" && "force" in input && input.force == true' };
const TIMES = { $if: '"times" in input', then: { $eval: 'input.times' }, else: 1 };

const TIMES_PROPERTY = { type: 'integer', minimum: 1, maximum: MAX_TIMES, default: 1 };

const FORCE_PROPERTY = {
  type: 'boolean',
  default: false,
  title: 'Force',
  description: 'Redeploy even when the function already has this revision (sets LAMBDA_SYNC_FORCE=1).',
};

function actionTask(input: ActionsInput, action: string, name: Json, request: Json, symbol: string): Record<string, Json> {
  const { settings } = input;
  const th: TreeherderConfig = treeherderConfig(settings.treeherder, symbol, 'A', 'lambda-sync actions');
  return {
    taskGroupId: '${taskGroupId}',
    schedulerId: jsoneLiteral(settings.schedulerId),
    taskQueueId: jsoneLiteral(settings.taskQueueId),
    projectId: jsoneLiteral(settings.projectId),
    dependencies: [],
    requires: 'all-completed',
    routes: [jsoneLiteral(input.treeherderRoute)],
    priority: settings.priority,
    retries: settings.retries,
    created: { $fromNow: '' },
    deadline: { $fromNow: jsoneLiteral(settings.deadline) },
    expires: { $fromNow: jsoneLiteral(settings.expires) },
    scopes: jsoneLiteral(input.creationScopes),
    payload: {
      image: jsoneLiteral(settings.image),
      command: [...jsoneLiteral(input.decisionArgs), '--task-group-id', '${taskGroupId}', '--retrigger', { $json: request }],
      env: jsoneLiteral(settings.env),
      maxRunTime: settings.maxRunTime,
      // It creates tasks through the proxy, with the scopes above.
      features: { taskclusterProxy: true },
    },
    metadata: {
      name,
      description: `Action task of the lambda-sync decision: re-creates the requested package task(s) in this task group (${action}).`,
      owner: jsoneLiteral(input.owner),
      source: jsoneLiteral(input.source),
    },
    tags: { kind: ACTION_TASK_KIND, action },
    extra: { treeherder: jsoneLiteral(th as unknown as Json) },
  };
}

export function buildActionsJson(input: ActionsInput): ActionsJson {
  return {
    version: 1,
    variables: {},
    actions: [
      {
        name: RETRIGGER,
        title: 'Retrigger',
        description: 'Create a new copy of this package\'s (or orphan\'s removal) task, regenerated at the same revision. With force, a deploy redeploys even when Lambda already has that revision.',
        kind: 'task',
        context: [{ kind: PACKAGE_TASK_KIND }, { kind: REMOVE_TASK_KIND }],
        schema: {
          type: 'object',
          properties: { force: FORCE_PROPERTY },
          additionalProperties: false,
        },
        task: actionTask(
          input,
          RETRIGGER,
          { $eval: '"Action: retrigger " + task.metadata.name' },
          { requests: [{ tasks: [{ $eval: 'task.metadata.name' }], times: 1 }], force: FORCE },
          'rt',
        ),
      },
      {
        name: RETRIGGER_MULTIPLE,
        title: 'Retrigger tasks',
        description: 'Create new copies of the named package tasks (Treeherder\'s retrigger), regenerated at the same revision.',
        kind: 'task',
        context: [],
        schema: {
          type: 'object',
          properties: {
            requests: {
              type: 'array',
              minItems: 1,
              items: {
                type: 'object',
                properties: {
                  tasks: { type: 'array', minItems: 1, items: { type: 'string' }, description: 'Task labels (metadata.name), e.g. "deploy functions/resize" or "remove functions/old".' },
                  times: TIMES_PROPERTY,
                },
                required: ['tasks'],
                additionalProperties: false,
              },
            },
            force: FORCE_PROPERTY,
          },
          required: ['requests'],
          additionalProperties: false,
        },
        task: actionTask(
          input,
          RETRIGGER_MULTIPLE,
          'Action: retrigger-multiple',
          { requests: { $eval: 'input.requests' }, force: FORCE },
          'rtm',
        ),
      },
      {
        name: ADD_NEW_JOBS,
        title: 'Add new jobs',
        description: 'Create the named package tasks in this push\'s task group, also those the decision left out because Lambda already runs their revision (Treeherder\'s "Add new jobs", listed in public/runnable-jobs.json).',
        kind: 'task',
        context: [],
        schema: {
          type: 'object',
          properties: {
            tasks: { type: 'array', minItems: 1, items: { type: 'string' }, description: 'Task labels from runnable-jobs.json, e.g. "deploy functions/resize".' },
            times: TIMES_PROPERTY,
            force: FORCE_PROPERTY,
          },
          required: ['tasks'],
          additionalProperties: false,
        },
        task: actionTask(
          input,
          ADD_NEW_JOBS,
          'Action: add-new-jobs',
          { requests: [{ tasks: { $eval: 'input.tasks' }, times: TIMES }], force: FORCE },
          'anj',
        ),
      },
    ],
  };
}
