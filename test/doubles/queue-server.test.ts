// The queue/secrets double, driven by the real taskcluster-client 87.1.3.
// Each test states a rule of the real queue and would fail if the double
// (or the client's handling of it) stopped following that rule.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import taskcluster, { type ClientOptions, type Queue, type TaskclusterError } from 'taskcluster-client';
import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import {
  validateActions,
  validateDockerWorkerPayload,
  validateSecret,
  validateTask,
  validateTaskclusterYml,
  validateTreeherderConfig,
  type CreateTaskRequest,
} from '../../src/taskcluster/schemas.js';
import { scopeSatisfies } from '../../src/taskcluster/scopes.js';
import { startQueueServer, type QueueServer } from '../support/queue-server.js';

const TASK_QUEUE = 'proj-lambda/deploy';
const SECRET = 'repo:github.com/owner/fns:aws';
const DECISION_SCOPES = [
  'queue:create-task:lowest:proj-lambda/*',
  'queue:create-task:project:none',
  'queue:scheduler-id:taskcluster-github',
  'queue:route:checks',
  'queue:route:tc-treeherder.v2.fns.*',
  `secrets:get:${SECRET}`,
  'queue:get-task:*',
  'queue:status:*',
  'queue:list-task-group:*',
];

let server: QueueServer;

function queueFor(clientId: string, accessToken = `${clientId}-token`, extra: Partial<ClientOptions> = {}): Queue {
  // Small delayFactor: the retry tests would otherwise sleep 200, 400, ... ms.
  return new taskcluster.Queue({ rootUrl: server.rootUrl, credentials: { clientId, accessToken }, delayFactor: 1, ...extra });
}

function task(overrides: Partial<CreateTaskRequest> = {}, groupId = taskcluster.slugid()): CreateTaskRequest {
  return {
    taskQueueId: TASK_QUEUE,
    schedulerId: 'taskcluster-github',
    taskGroupId: groupId,
    created: new Date().toJSON(),
    deadline: taskcluster.fromNowJSON('2 hours'),
    routes: ['checks', 'tc-treeherder.v2.fns.0123abcd'],
    scopes: [`secrets:get:${SECRET}`],
    payload: {
      image: 'ghcr.io/owner/lambda-sync:1',
      command: ['lambda-sync', 'deploy', 'functions/a'],
      maxRunTime: 900,
      features: { taskclusterProxy: true },
    },
    metadata: { name: 'deploy functions/a', description: 'check and deploy', owner: 'dev@example.com', source: 'https://github.com/owner/fns' },
    tags: { kind: 'lambda-deploy', package: 'functions/a' },
    extra: { treeherder: { symbol: 'a', groupSymbol: 'deploy' } },
    ...overrides,
  };
}

/** assert.rejects predicate: the client error carries the queue's code and status. */
function apiError(code: string, statusCode: number, messageIncludes?: string) {
  return (err: unknown): boolean => {
    const e = err as TaskclusterError;
    assert.equal(e.code, code, e.message);
    assert.equal(e.statusCode, statusCode);
    if (messageIncludes) assert.ok(e.message.includes(messageIncludes), `message lacks ${messageIncludes}:\n${e.message}`);
    return true;
  };
}

before(async () => {
  server = await startQueueServer();
});
after(async () => {
  await server.close();
});
beforeEach(() => {
  server.inject.reset();
  server.anonymousScopes = [];
  server.addClient('decision', 'decision-token', DECISION_SCOPES);
});

describe('createTask and reading back', () => {
  it('stores a valid task with the queue defaults and returns what the real queue returns', async () => {
    const queue = queueFor('decision');
    const taskId = taskcluster.slugid();
    const def = task();
    assert.ok(validateDockerWorkerPayload(def.payload).ok);
    const { status } = await queue.createTask(taskId, def);
    assert.equal(status.taskId, taskId);
    assert.equal(status.state, 'pending');
    assert.equal(status.runs[0]?.state, 'pending');
    assert.equal(status.retriesLeft, 5);

    const stored = await queue.task(taskId);
    const checked = validateTask(stored);
    assert.ok(checked.ok, JSON.stringify(checked));
    assert.equal(stored.provisionerId, 'proj-lambda');
    assert.equal(stored.workerType, 'deploy');
    assert.equal(stored.priority, 'lowest');
    assert.equal(stored.requires, 'all-completed');
    assert.equal(stored.projectId, 'none');
    assert.deepEqual(stored.dependencies, []);
    const expires = new Date(def.deadline);
    expires.setUTCFullYear(expires.getUTCFullYear() + 1);
    assert.equal(stored.expires, expires.toJSON());
    assert.deepEqual(server.tasks.get(taskId), stored);
    assert.equal((await queue.status(taskId)).status.state, 'pending');
  });

  it('404s for a task that does not exist', async () => {
    await assert.rejects(queueFor('decision').task(taskcluster.slugid()), apiError('ResourceNotFound', 404));
  });

  it('rejects a body that fails the schema with InputValidationError naming the errors', async () => {
    const taskId = taskcluster.slugid();
    const bad = task({ priority: 'normal' as CreateTaskRequest['priority'] });
    delete (bad.metadata as Partial<CreateTaskRequest['metadata']>).owner;
    await assert.rejects(queueFor('decision').createTask(taskId, bad), (err) => {
      apiError('InputValidationError', 400, "/metadata must have required property 'owner'")(err);
      apiError('InputValidationError', 400, '/priority must be equal to one of the allowed values')(err);
      return true;
    });
    assert.equal(server.tasks.has(taskId), false);
  });

  it('rejects `created` an hour ago and a deadline 6 days ahead, accepts 5 days', async () => {
    const queue = queueFor('decision');
    await assert.rejects(
      queue.createTask(taskcluster.slugid(), task({ created: taskcluster.fromNowJSON('-1 hour') })),
      apiError('InputError', 400, '`created` cannot be in the past'),
    );
    await assert.rejects(
      queue.createTask(taskcluster.slugid(), task({ deadline: taskcluster.fromNowJSON('6 days') })),
      apiError('InputError', 400, '`deadline` cannot be more than 5 days'),
    );
    await queue.createTask(taskcluster.slugid(), task({ deadline: taskcluster.fromNowJSON('5 days') }));
  });

  it('rejects expires before deadline, a missing task queue, and scopes ending in **', async () => {
    const queue = queueFor('decision');
    await assert.rejects(
      queue.createTask(taskcluster.slugid(), task({ expires: taskcluster.fromNowJSON('1 hour') })),
      apiError('InputError', 400, '`expires` cannot be before `deadline`'),
    );
    await assert.rejects(
      queue.createTask(taskcluster.slugid(), task({ taskQueueId: undefined })),
      apiError('InputError', 400, 'taskQueueId must be provided'),
    );
    server.addClient('star', 'star-token', ['*']);
    await assert.rejects(
      queueFor('star').createTask(taskcluster.slugid(), task({ scopes: ['secrets:get:**'] })),
      apiError('InputError', 400, 'must not end with `**`'),
    );
  });
});

describe('scopes', () => {
  it('matches a trailing * as a prefix and nothing else', () => {
    assert.ok(scopeSatisfies(['queue:create-task:lowest:proj/*'], 'queue:create-task:lowest:proj/deploy'));
    assert.ok(scopeSatisfies(['*'], 'anything'));
    assert.ok(scopeSatisfies(['a:b'], 'a:b'));
    assert.ok(!scopeSatisfies(['a:b'], 'a:b:c'));
    assert.ok(!scopeSatisfies(['a:*:c'], 'a:b:c'));
    assert.ok(!scopeSatisfies(['queue:create-task:lowest:proj/*'], 'queue:create-task:lowest:other/deploy'));
  });

  it('403s InsufficientScopes naming a missing route scope, and stores nothing', async () => {
    const taskId = taskcluster.slugid();
    const def = task({ routes: ['checks', 'tc-treeherder.v2.other-project.0123abcd'] });
    await assert.rejects(
      queueFor('decision').createTask(taskId, def),
      apiError('InsufficientScopes', 403, 'queue:route:tc-treeherder.v2.other-project.0123abcd'),
    );
    assert.equal(server.tasks.has(taskId), false);
  });

  it('accepts a create-task scope for a higher priority, not for a lower one', async () => {
    server.addClient('high', 'high-token', [...DECISION_SCOPES.slice(1), `queue:create-task:high:${TASK_QUEUE}`]);
    server.addClient('verylow', 'verylow-token', [...DECISION_SCOPES.slice(1), `queue:create-task:very-low:${TASK_QUEUE}`]);
    await queueFor('high').createTask(taskcluster.slugid(), task({ priority: 'low' }));
    await assert.rejects(
      queueFor('verylow').createTask(taskcluster.slugid(), task({ priority: 'low' })),
      apiError('InsufficientScopes', 403, `queue:create-task:low:${TASK_QUEUE}`),
    );
  });

  it('lets `queue:create-task:lowest:proj-lambda/*` cover any worker type of that provisioner only', async () => {
    const queue = queueFor('decision');
    await queue.createTask(taskcluster.slugid(), task({ taskQueueId: 'proj-lambda/other-pool' }));
    await assert.rejects(
      queue.createTask(taskcluster.slugid(), task({ taskQueueId: 'proj-other/deploy' })),
      apiError('InsufficientScopes', 403, 'queue:create-task:lowest:proj-other/deploy'),
    );
  });

  it('restricts a client to its authorizedScopes, and 401s authorizedScopes it does not hold', async () => {
    const withoutRoutes = DECISION_SCOPES.filter((s) => !s.startsWith('queue:route:tc-treeherder'));
    await assert.rejects(
      queueFor('decision', undefined, { authorizedScopes: withoutRoutes }).createTask(taskcluster.slugid(), task()),
      apiError('InsufficientScopes', 403, 'queue:route:tc-treeherder.v2.fns.0123abcd'),
    );
    await assert.rejects(
      queueFor('decision', undefined, { authorizedScopes: ['queue:create-task:highest:*'] }).createTask(taskcluster.slugid(), task()),
      apiError('AuthenticationFailed', 401, 'do not satisfy authorizedScopes'),
    );
    await queueFor('decision', undefined, { authorizedScopes: DECISION_SCOPES }).createTask(taskcluster.slugid(), task());
  });

  it('gives unsigned callers the anonymous scopes, and every caller too', async () => {
    const taskId = taskcluster.slugid();
    await queueFor('decision').createTask(taskId, task());
    const anonymous = new taskcluster.Queue({ rootUrl: server.rootUrl, credentials: {} });
    await assert.rejects(anonymous.task(taskId), apiError('InsufficientScopes', 403, `queue:get-task:${taskId}`));
    server.anonymousScopes = ['queue:get-task:*'];
    assert.equal((await anonymous.task(taskId)).taskQueueId, TASK_QUEUE);
    server.addClient('nobody', 'nobody-token', []);
    assert.equal((await queueFor('nobody').task(taskId)).taskQueueId, TASK_QUEUE);
  });

  it('401s a request signed with the wrong accessToken or an unknown clientId', async () => {
    const taskId = taskcluster.slugid();
    await assert.rejects(queueFor('decision', 'wrong-token').createTask(taskId, task()), apiError('AuthenticationFailed', 401, 'Bad mac'));
    await assert.rejects(queueFor('stranger').createTask(taskId, task()), apiError('AuthenticationFailed', 401));
    assert.equal(server.tasks.has(taskId), false);
  });

  it('accepts temporary credentials signed by a registered client', async () => {
    const temp = taskcluster.createTemporaryCredentials({
      expiry: taskcluster.fromNow('1 hour'),
      scopes: DECISION_SCOPES,
      credentials: { clientId: 'decision', accessToken: 'decision-token' },
    });
    const queue = new taskcluster.Queue({ rootUrl: server.rootUrl, credentials: temp });
    await queue.createTask(taskcluster.slugid(), task());
    const narrow = taskcluster.createTemporaryCredentials({
      expiry: taskcluster.fromNow('1 hour'),
      scopes: ['queue:get-task:*'],
      credentials: { clientId: 'decision', accessToken: 'decision-token' },
    });
    await assert.rejects(
      new taskcluster.Queue({ rootUrl: server.rootUrl, credentials: narrow }).createTask(taskcluster.slugid(), task()),
      apiError('InsufficientScopes', 403),
    );
    // Widening a certificate's scopes by hand breaks its signature.
    const forged = { ...narrow, certificate: JSON.stringify({ ...JSON.parse(narrow.certificate), scopes: DECISION_SCOPES }) };
    await assert.rejects(
      new taskcluster.Queue({ rootUrl: server.rootUrl, credentials: forged }).createTask(taskcluster.slugid(), task()),
      apiError('AuthenticationFailed', 401, 'signature is not valid'),
    );
  });
});

describe('idempotency and task groups', () => {
  it('re-creating an identical task returns the same status; a different one is a RequestConflict', async () => {
    const queue = queueFor('decision');
    const taskId = taskcluster.slugid();
    const def = task({ created: new Date(Math.floor(Date.now() / 1000) * 1000).toJSON().replace('.000Z', 'Z') });
    const first = await queue.createTask(taskId, def);
    // The queue stores timestamps re-encoded, so "…:00Z" and "…:00.000Z" are the same task.
    const again = await queue.createTask(taskId, { ...def, created: new Date(def.created).toJSON() });
    assert.deepEqual(again, first);
    await assert.rejects(
      queue.createTask(taskId, { ...def, metadata: { ...def.metadata, name: 'deploy functions/b' } }),
      apiError('RequestConflict', 409, 'already used by another task'),
    );
    assert.equal(server.tasks.get(taskId)?.metadata.name, 'deploy functions/a');
  });

  it('refuses a second schedulerId in a task group with 409 RequestConflict', async () => {
    server.addClient('other-scheduler', 'other-scheduler-token', [...DECISION_SCOPES, 'queue:scheduler-id:-']);
    const groupId = taskcluster.slugid();
    await queueFor('decision').createTask(taskcluster.slugid(), task({}, groupId));
    await assert.rejects(
      queueFor('other-scheduler').createTask(taskcluster.slugid(), task({ schedulerId: undefined }, groupId)),
      apiError('RequestConflict', 409, 'same schedulerId'),
    );
  });

  it('refuses new tasks in a sealed group with 409', async () => {
    const groupId = taskcluster.slugid();
    await queueFor('decision').createTask(taskcluster.slugid(), task({}, groupId));
    server.sealTaskGroup(groupId);
    await assert.rejects(
      queueFor('decision').createTask(taskcluster.slugid(), task({}, groupId)),
      apiError('RequestConflict', 409, 'is sealed'),
    );
  });

  it('400s a dependency that does not exist; an existing one leaves the task unscheduled', async () => {
    const queue = queueFor('decision');
    const groupId = taskcluster.slugid();
    const missing = taskcluster.slugid();
    const taskId = taskcluster.slugid();
    await assert.rejects(
      queue.createTask(taskId, task({ dependencies: [missing] }, groupId)),
      apiError('InputError', 400, missing),
    );
    assert.equal(server.tasks.has(taskId), false);
    await queue.createTask(groupId, task({}, groupId));
    const { status } = await queue.createTask(taskId, task({ dependencies: [groupId] }, groupId));
    assert.equal(status.state, 'unscheduled');
    assert.deepEqual(status.runs, []);
  });

  it('lists a task group page by page with continuationToken', async () => {
    const queue = queueFor('decision');
    const groupId = taskcluster.slugid();
    const ids = [taskcluster.slugid(), taskcluster.slugid(), taskcluster.slugid()];
    for (const id of ids) await queue.createTask(id, task({}, groupId));
    const first = await queue.listTaskGroup(groupId, { limit: 2 });
    assert.equal(first.tasks.length, 2);
    assert.ok(first.continuationToken);
    const rest = await queue.listTaskGroup(groupId, { limit: 2, continuationToken: first.continuationToken });
    assert.equal(rest.continuationToken, undefined);
    const seen = [...first.tasks, ...rest.tasks].map((t) => t.status.taskId);
    assert.deepEqual(seen, [...ids].sort());
    assert.ok(validateTask(rest.tasks[0]!.task).ok);
    await assert.rejects(queue.listTaskGroup(taskcluster.slugid()), apiError('ResourceNotFound', 404));
  });
});

describe('faults', () => {
  it('two 500s then success: the client retries and succeeds on the third call', async () => {
    server.inject.serverError(2, { method: 'createTask' });
    const taskId = taskcluster.slugid();
    await queueFor('decision').createTask(taskId, task());
    const calls = server.calls.filter((c) => c.method === 'createTask' && c.path.endsWith(taskId));
    assert.deepEqual(calls.map((c) => c.status), [500, 500, 200]);
    assert.deepEqual(calls.map((c) => c.injected), [true, true, false]);
    assert.ok(server.tasks.has(taskId));
  });

  it('seven 500s: the client gives up after 1 + 5 retries with InternalServerError', async () => {
    server.inject.serverError(7, { method: 'createTask' });
    const taskId = taskcluster.slugid();
    await assert.rejects(queueFor('decision').createTask(taskId, task()), apiError('InternalServerError', 500));
    assert.equal(server.calls.filter((c) => c.path.endsWith(taskId)).length, 6);
    assert.equal(server.tasks.has(taskId), false);
  });

  it('does not retry a 4xx', async () => {
    const taskId = taskcluster.slugid();
    await assert.rejects(queueFor('decision', 'wrong').createTask(taskId, task()), apiError('AuthenticationFailed', 401));
    assert.equal(server.calls.filter((c) => c.path.endsWith(taskId)).length, 1);
  });
});

describe('proxy', () => {
  it('serves Secrets.get through the proxy URL with secrets:get:<name>, 403 without it', async () => {
    server.putSecret(SECRET, { accessKeyId: 'AKIA', secretAccessKey: 'shh' });
    const allowed = new taskcluster.Secrets({ rootUrl: server.proxyUrlFor([`secrets:get:${SECRET}`]) });
    const got = await allowed.get(SECRET);
    assert.ok(validateSecret(got).ok);
    assert.deepEqual(got.secret, { accessKeyId: 'AKIA', secretAccessKey: 'shh' });
    assert.equal(server.calls.at(-1)?.clientId, 'proxy');

    const denied = new taskcluster.Secrets({ rootUrl: server.proxyUrlFor(['secrets:get:repo:github.com/owner/other:aws']) });
    await assert.rejects(denied.get(SECRET), apiError('InsufficientScopes', 403, `secrets:get:${SECRET}`));
    await assert.rejects(allowed.get('repo:github.com/owner/fns:missing'), apiError('InsufficientScopes', 403));
  });

  it('410s an expired secret and 404s a missing one the caller may read', async () => {
    server.putSecret('old', { a: 1 }, new Date(Date.now() - 1000));
    const secrets = new taskcluster.Secrets({ rootUrl: server.proxyUrlFor(['secrets:get:*']) });
    await assert.rejects(secrets.get('old'), apiError('ResourceExpired', 410));
    await assert.rejects(secrets.get('never-set'), apiError('ResourceNotFound', 404));
  });

  it('creates tasks through the proxy with the proxy scopes', async () => {
    const queue = new taskcluster.Queue({ rootUrl: server.proxyUrlFor(DECISION_SCOPES) });
    const taskId = taskcluster.slugid();
    await queue.createTask(taskId, task());
    assert.equal(server.callsTo('createTask').at(-1)?.clientId, 'proxy');
    const weak = new taskcluster.Queue({ rootUrl: server.proxyUrlFor(['queue:get-task:*']) });
    await assert.rejects(weak.createTask(taskcluster.slugid(), task()), apiError('InsufficientScopes', 403));
  });
});

describe('product validators the double relies on', () => {
  it('compile from schema/vendor and tell good from bad', () => {
    const yml = load(readFileSync('schema/vendor/taskcluster-yml-examples/taskgraph-decision.taskcluster.yml', 'utf8'));
    assert.ok(validateTaskclusterYml(yml).ok);
    assert.deepEqual(validateTaskclusterYml({ version: 2 }), { ok: false, errors: ['/version must be equal to one of the allowed values: 1'] });
    assert.ok(validateTreeherderConfig({ symbol: 'D', tier: 1 }).ok);
    assert.equal(validateTreeherderConfig({ tier: 4 }).ok, false);
    const action = { name: 'redeploy', title: 'Redeploy', description: 'x', context: [{ kind: 'lambda-deploy' }], kind: 'task', task: {} };
    assert.ok(validateActions({ version: 1, variables: {}, actions: [action] }).ok);
    assert.equal(validateActions({ version: 1, variables: {}, actions: [{ ...action, kind: 'shell' }] }).ok, false);
    assert.equal(validateDockerWorkerPayload({ command: ['x'] }).ok, false);
    assert.equal(validateSecret({ secret: 'text', expires: new Date().toJSON() }).ok, false);
  });
});

describe('taskcluster-client module shape', () => {
  it('has Queue on the default export only (the .d.ts relies on this)', async () => {
    const mod: Record<string, unknown> = await import('taskcluster-client');
    assert.equal(mod.Queue, undefined);
    assert.equal(typeof taskcluster.Queue, 'function');
    assert.equal(typeof mod.fromNowJSON, 'function');
  });
});
