// Submitting the graph to the queue double with the real taskcluster-client
// (Hawk or proxy, scopes, the queue's createTask rules): success, injected
// 500s, failures listed, reruns, bounded concurrency, and the decision's
// scopes being exactly enough.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import taskcluster, { type Queue } from 'taskcluster-client';
import { LambdaSyncError, OperationError } from '../../src/errors.js';
import { runDecision, type DecisionOptions } from '../../src/taskcluster/decision.js';
import { deriveTaskId } from '../../src/taskcluster/task-ids.js';
import type { TestRepo } from '../support/git-repo.js';
import { startQueueServer, type QueueServer } from '../support/queue-server.js';
import { createDecisionTask, DECISION_SCOPES, examplesLikeRepo, OWNER, proxiedQueue } from './fixtures.js';

let server: QueueServer;
let repo: TestRepo;

before(async () => {
  server = await startQueueServer();
  repo = examplesLikeRepo();
});
after(async () => {
  await server.close();
  repo.cleanup();
});
beforeEach(() => server.inject.reset());

function decide(decisionId: string, queue: Queue, extra: Partial<DecisionOptions> = {}) {
  return runDecision({ root: repo.dir, owner: OWNER, env: { TASK_ID: decisionId }, queue, ...extra });
}

/** The rejection of a failed decision, with its message. */
async function failure(work: Promise<unknown>): Promise<LambdaSyncError> {
  try {
    await work;
  } catch (error) {
    assert.ok(error instanceof LambdaSyncError, String(error));
    return error;
  }
  assert.fail('the decision succeeded');
}

describe('decision submission', () => {
  it('creates every task in the decision\'s group, as defined, through the proxy with the decision\'s scopes', async () => {
    const decisionId = await createDecisionTask(server);
    const { graph, report } = await decide(decisionId, proxiedQueue(server, DECISION_SCOPES));
    assert.deepEqual({ created: report!.created, existing: report!.existing, failed: report!.failed }, { created: 3, existing: 0, failed: [] });
    for (const task of graph.tasks) {
      const stored = server.tasks.get(task.taskId);
      assert.ok(stored, task.label);
      assert.equal(stored.taskGroupId, decisionId);
      assert.deepEqual(stored.dependencies, [decisionId]);
      assert.deepEqual(stored.payload, task.definition.payload);
      assert.deepEqual(stored.extra, task.definition.extra);
    }
    const group = await proxiedQueue(server, ['queue:list-task-group:*']).listTaskGroup(decisionId);
    assert.deepEqual(group.tasks.map((t) => t.task.metadata.name).sort(), ['Lambda-sync Decision Task', ...graph.tasks.map((t) => t.label)].sort());
    // Waiting for the decision: nothing runs until it completes.
    for (const t of group.tasks.filter((t) => t.status.taskId !== decisionId)) assert.equal(t.status.state, 'unscheduled');
  });

  it('completes despite injected 500s, which the client retries', async () => {
    const decisionId = await createDecisionTask(server);
    server.inject.serverError(4, { method: 'createTask' });
    const start = server.calls.length;
    const { graph, report } = await decide(decisionId, proxiedQueue(server, DECISION_SCOPES));
    assert.equal(report!.created, 3);
    const creates = server.calls.slice(start).filter((c) => c.method === 'createTask');
    assert.equal(creates.filter((c) => c.injected).length, 4, 'the faults were really served');
    assert.equal(creates.length, 3 + 4);
    for (const task of graph.tasks) assert.ok(server.tasks.has(task.taskId));
  });

  it('fails loudly listing the tasks whose 500s outlast the retries, and creates the others', async () => {
    const decisionId = await createDecisionTask(server);
    // One request at a time, 2 retries: the first task gets all 3 faults.
    server.inject.serverError(3, { method: 'createTask' });
    const error = await failure(decide(decisionId, proxiedQueue(server, DECISION_SCOPES, 2), { concurrency: 1 }));
    assert.ok(error instanceof OperationError);
    assert.equal(error.exitCode, 1);
    const first = deriveTaskId(decisionId, 'deploy fns/do-things');
    assert.match(error.message, /^1 of 3 tasks could not be created:/);
    assert.ok(error.message.includes(`deploy fns/do-things (${first}): 500 InternalServerError`), error.message);
    assert.ok(!error.message.includes('fns/say-hello'), 'only the failed task is listed');
    assert.ok(!server.tasks.has(first));
    assert.ok(server.tasks.has(deriveTaskId(decisionId, 'deploy fns/say-hello')));
    assert.match(error.hint ?? '', /rerunning the decision task is safe/);
  });

  it('fails listing every task when the decision lacks a scope, and names the scope', async () => {
    const scopes = DECISION_SCOPES.filter((s) => !s.startsWith('secrets:'));
    const decisionId = await createDecisionTask(server, scopes);
    const error = await failure(decide(decisionId, proxiedQueue(server, scopes)));
    assert.match(error.message, /^3 of 3 tasks could not be created:/);
    for (const path of ['fns/do-things', 'fns/resize-images', 'fns/say-hello']) {
      assert.ok(error.message.includes(`deploy ${path} (`), path);
    }
    assert.ok(error.message.includes('403 InsufficientScopes: missing secrets:get:repo:github.com/owner/fns:aws-deploy'), error.message);
    assert.ok(error.message.includes('the decision task needs these scopes'), 'and lists what it needs');
  });

  it('fails for a task whose taskId is already another task\'s, and creates the rest', async () => {
    const decisionId = await createDecisionTask(server);
    const squatted = deriveTaskId(decisionId, 'deploy fns/resize-images');
    // Someone else's task under the id ours would get.
    const other = await createDecisionTask(server);
    const admin = new taskcluster.Queue({ rootUrl: server.rootUrl, credentials: { clientId: 'admin', accessToken: 'admin-token' } });
    const def = await admin.task(other);
    await admin.createTask(squatted, { ...def, taskGroupId: other, created: new Date().toJSON() });
    const error = await failure(decide(decisionId, proxiedQueue(server, DECISION_SCOPES)));
    assert.match(error.message, /^1 of 3 tasks could not be created:/);
    assert.ok(error.message.includes(`deploy fns/resize-images (${squatted}): 409 RequestConflict`), error.message);
    assert.ok(error.message.includes('is not this one'), error.message);
    assert.equal(server.tasks.get(squatted)!.taskGroupId, other, 'the other task is untouched');
  });

  it('a rerun of the same decision creates nothing twice and fills in what the failed run missed', async () => {
    const decisionId = await createDecisionTask(server);
    server.inject.serverError(3, { method: 'createTask' });
    await failure(decide(decisionId, proxiedQueue(server, DECISION_SCOPES, 2), { concurrency: 1 }));
    const before = [...server.tasks.keys()].length;

    // The rerun is a new process a minute later: new created/deadline/expires.
    const later = new Date(Date.now() + 60_000);
    const { graph, report } = await decide(decisionId, proxiedQueue(server, DECISION_SCOPES), { now: later });
    assert.deepEqual({ created: report!.created, existing: report!.existing }, { created: 1, existing: 2 });
    assert.equal([...server.tasks.keys()].length, before + 1);
    // Same instant again (as when the client retries a request): the queue
    // answers 200 for the task created with these very times.
    const again = await decide(decisionId, proxiedQueue(server, DECISION_SCOPES), { now: later });
    assert.deepEqual({ created: again.report!.created, existing: again.report!.existing }, { created: 1, existing: 2 });
    assert.equal(server.tasks.size, before + 1, 'still one task per package');
    assert.deepEqual(graph.tasks.map((t) => t.taskId), again.graph.tasks.map((t) => t.taskId));
  });

  it('has at most --concurrency createTask requests in flight', async () => {
    const decisionId = await createDecisionTask(server);
    const real = proxiedQueue(server, DECISION_SCOPES);
    let inFlight = 0;
    let most = 0;
    const counting = Object.assign(Object.create(real) as Queue, {
      async createTask(...args: Parameters<Queue['createTask']>) {
        inFlight++;
        most = Math.max(most, inFlight);
        try {
          return await real.createTask(...args);
        } finally {
          inFlight--;
        }
      },
    });
    server.inject.latency(20);
    await decide(decisionId, counting, { concurrency: 2 });
    assert.equal(most, 2);
  });

  it('the scopes the graph lists are exactly enough: without any one of them, creation fails', async () => {
    const probe = await decide(await createDecisionTask(server), proxiedQueue(server, DECISION_SCOPES), { dryRun: true });
    for (const missing of probe.graph.scopes) {
      const scopes = probe.graph.scopes.filter((s) => s !== missing);
      const decisionId = await createDecisionTask(server);
      const error = await failure(decide(decisionId, proxiedQueue(server, scopes)));
      assert.ok(error.message.includes('InsufficientScopes'), `${missing}: ${error.message}`);
    }
    const { report } = await decide(await createDecisionTask(server), proxiedQueue(server, probe.graph.scopes));
    assert.equal(report!.created, 3);
  });
});
