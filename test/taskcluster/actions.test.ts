// actions.json end to end: render each action with json-e and the context
// the Taskcluster UI / Treeherder give, create the action task as the UI
// does (the user's credentials limited to the decision task's scopes), run
// its command as the worker would, and check the task it creates re-runs
// exactly the chosen package.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import jsone from 'json-e';
import taskcluster from 'taskcluster-client';
import { ADD_NEW_JOBS, RETRIGGER, RETRIGGER_MULTIPLE } from '../../src/taskcluster/actions.js';
import { runDecision } from '../../src/taskcluster/decision.js';
import type { TaskGraph } from '../../src/taskcluster/graph.js';
import {
  validateActions,
  validateCreateTaskRequest,
  validateDockerWorkerPayload,
  validateTreeherderConfig,
  type ActionsJson,
  type CreateTaskRequest,
  type DockerWorkerPayload,
  type TaskDefinition,
} from '../../src/taskcluster/schemas.js';
import { deriveTaskId } from '../../src/taskcluster/task-ids.js';
import { runCli } from '../support/cli.js';
import { tempDir, type TestRepo } from '../support/git-repo.js';
import { startQueueServer, type QueueServer } from '../support/queue-server.js';
import { createDecisionTask, DECISION_SCOPES, examplesLikeRepo, gitRedirectEnv, OWNER, proxiedQueue } from './fixtures.js';

let server: QueueServer;
let repo: TestRepo;
let decisionId: string;
let graph: TaskGraph;

before(async () => {
  server = await startQueueServer();
  repo = examplesLikeRepo();
  decisionId = await createDecisionTask(server);
  ({ graph } = await runDecision({ root: repo.dir, owner: OWNER, env: { TASK_ID: decisionId }, queue: proxiedQueue(server, DECISION_SCOPES) }));
  server.addClient('user', 'user-token', ['assume:repo:github.com/owner/fns:*', '*']);
});
after(async () => {
  await server.close();
  repo.cleanup();
});

function action(name: string): ActionsJson['actions'][number] {
  const found = graph.actions.actions.find((a) => a.name === name);
  assert.ok(found, `actions.json has ${name}`);
  return found;
}

/** Treeherder's and the UI's test whether an action applies to a task (its tags hold one of the tag-sets). */
function appliesTo(contextTagSets: Array<Record<string, string>>, tags: Record<string, string>): boolean {
  return contextTagSets.some((set) => Object.entries(set).every(([k, v]) => tags[k] === v));
}

/** The task as the UI's GraphQL gives it to an action: extra fields, enum spellings. */
function asGraphQl(taskId: string, def: TaskDefinition): Record<string, unknown> {
  return {
    ...def,
    __typename: 'Task',
    taskId,
    priority: def.priority.toUpperCase().replace(/-/g, '_'),
    requires: def.requires.toUpperCase().replace(/-/g, '_'),
    status: { state: 'UNSCHEDULED' },
    decisionTask: null,
  };
}

/** Creates the rendered action task as the UI does, then runs its command as the worker would. */
async function createAndRunActionTask(ownTaskId: string, rendered: CreateTaskRequest): Promise<void> {
  const user = new taskcluster.Queue({
    rootUrl: server.rootUrl,
    credentials: { clientId: 'user', accessToken: 'user-token' },
    // The UI limits the user to the decision task's scopes.
    authorizedScopes: DECISION_SCOPES,
  });
  await user.createTask(ownTaskId, rendered);
  const payload = rendered.payload as DockerWorkerPayload;
  const result = await runCli(payload.command!, {
    cwd: tempDir(),
    env: {
      ...payload.env,
      ...gitRedirectEnv(repo),
      TASK_ID: ownTaskId,
      TASK_GROUP_ID: rendered.taskGroupId!,
      // The proxy signs with the action task's own scopes.
      TASKCLUSTER_PROXY_URL: server.proxyUrlFor(rendered.scopes ?? []),
      TASKCLUSTER_ROOT_URL: '',
    },
  });
  assert.equal(result.code, 0, result.stderr);
}

/** Tasks the action task created: those that wait for it. */
function createdBy(ownTaskId: string): Array<[string, TaskDefinition]> {
  return [...server.tasks].filter(([, def]) => def.dependencies.includes(ownTaskId));
}

describe('actions.json', () => {
  it('is valid, and offers retrigger on package tasks and retrigger-multiple on the group', () => {
    assert.ok(validateActions(graph.actions).ok, JSON.stringify(validateActions(graph.actions)));
    const retrigger = action(RETRIGGER);
    for (const task of graph.tasks) assert.ok(appliesTo(retrigger.context as Array<Record<string, string>>, task.definition.tags!), task.label);
    assert.ok(!appliesTo(retrigger.context as Array<Record<string, string>>, { kind: 'decision-task' }));
    assert.deepEqual(action(RETRIGGER_MULTIPLE).context, [], 'a task-group action, as Treeherder calls it');
  });

  it('retrigger with force re-creates exactly the selected package\'s task with LAMBDA_SYNC_FORCE=1', async () => {
    const original = graph.tasks.find((t) => t.packagePath === 'fns/resize-images')!;
    const stored = server.tasks.get(original.taskId)!;
    const ownTaskId = taskcluster.slugid();
    const context = { taskGroupId: stored.taskGroupId, taskId: original.taskId, task: asGraphQl(original.taskId, stored), input: { force: true }, ...graph.actions.variables, ownTaskId };
    const rendered = jsone(action(RETRIGGER).task as Record<string, unknown>, context) as CreateTaskRequest;
    assert.ok(validateCreateTaskRequest(rendered).ok, JSON.stringify(validateCreateTaskRequest(rendered)));
    assert.ok(validateDockerWorkerPayload(rendered.payload).ok);
    assert.ok(validateTreeherderConfig(rendered.extra?.treeherder).ok);
    assert.equal(rendered.taskGroupId, decisionId);
    assert.equal(rendered.metadata.name, 'Action: retrigger deploy fns/resize-images');

    await createAndRunActionTask(ownTaskId, rendered);

    const made = createdBy(ownTaskId);
    assert.equal(made.length, 1);
    const [taskId, copy] = made[0]!;
    assert.equal(taskId, deriveTaskId(ownTaskId, original.label));
    assert.equal(copy.taskGroupId, decisionId, 'in the decision\'s group');
    assert.equal(copy.metadata.name, original.label);
    const payload = copy.payload as DockerWorkerPayload;
    const originalPayload = original.definition.payload as DockerWorkerPayload;
    assert.deepEqual(payload.command, originalPayload.command, 'same package, repository and revision');
    assert.deepEqual(payload.env, { ...originalPayload.env, LAMBDA_SYNC_FORCE: '1' });
    assert.deepEqual(copy.scopes, original.definition.scopes);
    assert.deepEqual(copy.routes, original.definition.routes);
    assert.deepEqual(copy.extra, original.definition.extra, 'same Treeherder symbol');
  });

  it('retrigger without input does not force', () => {
    const original = graph.tasks[0]!;
    const context = { taskGroupId: decisionId, taskId: original.taskId, task: original.definition, input: null, ownTaskId: taskcluster.slugid() };
    const rendered = jsone(action(RETRIGGER).task as Record<string, unknown>, context) as CreateTaskRequest;
    const command = (rendered.payload as DockerWorkerPayload).command!;
    assert.deepEqual(JSON.parse(command[command.length - 1]!), { requests: [{ tasks: [original.label], times: 1 }], force: false });
  });

  it('retrigger-multiple, as Treeherder sends it, creates `times` copies of the named task', async () => {
    const ownTaskId = taskcluster.slugid();
    // th ui/models/taskcluster.js submit(): taskId and task are null for this action.
    const context = { taskGroupId: decisionId, taskId: null, task: null, input: { requests: [{ tasks: ['deploy fns/say-hello'], times: 2 }] }, ownTaskId, ...graph.actions.variables };
    const rendered = jsone(action(RETRIGGER_MULTIPLE).task as Record<string, unknown>, context) as CreateTaskRequest;
    assert.ok(validateCreateTaskRequest(rendered).ok, JSON.stringify(validateCreateTaskRequest(rendered)));

    await createAndRunActionTask(ownTaskId, rendered);

    const made = createdBy(ownTaskId);
    assert.deepEqual(made.map(([id]) => id).sort(), [0, 1].map((copy) => deriveTaskId(ownTaskId, 'deploy fns/say-hello', copy)).sort());
    const original = graph.tasks.find((t) => t.label === 'deploy fns/say-hello')!;
    for (const [, copy] of made) {
      assert.equal(copy.metadata.name, 'deploy fns/say-hello');
      assert.deepEqual(copy.payload, original.definition.payload, 'not forced: the very payload of the original');
    }
  });

  it('add-new-jobs, as Treeherder sends it, creates a task the decision left out, in the push\'s group, with force', async () => {
    // A pull request's decision that changed nothing: no task at all, every package runnable.
    const base = repo.head();
    const prDecisionId = await createDecisionTask(server);
    const { graph: prGraph } = await runDecision({ root: repo.dir, owner: OWNER, mode: 'check', base, env: { TASK_ID: prDecisionId }, queue: proxiedQueue(server, DECISION_SCOPES) });
    assert.equal(prGraph.tasks.length, 0);
    assert.deepEqual(Object.keys(prGraph.runnableJobs).sort(), ['deploy fns/do-things', 'deploy fns/resize-images', 'deploy fns/say-hello']);
    const addNewJobs = prGraph.actions.actions.find((a) => a.name === ADD_NEW_JOBS)!;
    assert.deepEqual(addNewJobs.context, [], 'a task-group action, as Treeherder calls it');

    const ownTaskId = taskcluster.slugid();
    // th ui/job-view: TaskclusterModel.submit({action: add-new-jobs, input: {tasks: [labels]}}); the UI adds force.
    const context = { taskGroupId: prDecisionId, taskId: null, task: null, input: { tasks: ['deploy fns/say-hello'], force: true }, ownTaskId, ...prGraph.actions.variables };
    const rendered = jsone(addNewJobs.task as Record<string, unknown>, context) as CreateTaskRequest;
    assert.ok(validateCreateTaskRequest(rendered).ok, JSON.stringify(validateCreateTaskRequest(rendered)));
    assert.ok(validateDockerWorkerPayload(rendered.payload).ok);
    assert.ok(validateTreeherderConfig(rendered.extra?.treeherder).ok);
    assert.equal(rendered.tags!.kind, 'lambda-sync-action', 'kind: task, like the retrigger actions');

    await createAndRunActionTask(ownTaskId, rendered);

    const made = createdBy(ownTaskId);
    assert.deepEqual(made.map(([id]) => id), [deriveTaskId(ownTaskId, 'deploy fns/say-hello')]);
    const [, created] = made[0]!;
    assert.equal(created.taskGroupId, prDecisionId, 'in the push\'s group');
    assert.equal(created.metadata.name, 'deploy fns/say-hello');
    assert.deepEqual((created.extra.treeherder as { symbol: string }).symbol, prGraph.runnableJobs['deploy fns/say-hello']!.symbol, 'the symbol runnable-jobs.json promised');
    assert.equal((created.payload as DockerWorkerPayload).env!.LAMBDA_SYNC_FORCE, '1');
    assert.ok((created.payload as DockerWorkerPayload).command!.includes('--check'), 'a check task, as the pull request\'s graph makes');
  });

  it('add-new-jobs without force or times creates one unforced copy', () => {
    const context = { taskGroupId: decisionId, taskId: null, task: null, input: { tasks: ['deploy fns/do-things', 'deploy fns/say-hello'] }, ownTaskId: taskcluster.slugid() };
    const rendered = jsone(action(ADD_NEW_JOBS).task as Record<string, unknown>, context) as CreateTaskRequest;
    const command = (rendered.payload as DockerWorkerPayload).command!;
    assert.deepEqual(JSON.parse(command[command.length - 1]!), { requests: [{ tasks: ['deploy fns/do-things', 'deploy fns/say-hello'], times: 1 }], force: false });
  });

  it('action tasks hold only what the decision holds: the UI refuses one beyond it', async () => {
    const ownTaskId = taskcluster.slugid();
    const context = { taskGroupId: decisionId, taskId: null, task: null, input: { requests: [{ tasks: ['deploy fns/do-things'] }] }, ownTaskId };
    const rendered = jsone(action(RETRIGGER_MULTIPLE).task as Record<string, unknown>, context) as CreateTaskRequest;
    const user = new taskcluster.Queue({
      rootUrl: server.rootUrl,
      credentials: { clientId: 'user', accessToken: 'user-token' },
      authorizedScopes: DECISION_SCOPES.filter((s) => !s.startsWith('secrets:')),
    });
    await assert.rejects(user.createTask(ownTaskId, rendered), (e: { code?: string }) => e.code === 'InsufficientScopes');
  });
});
