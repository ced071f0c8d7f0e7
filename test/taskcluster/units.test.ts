// Small pieces of src/taskcluster: derived taskIds, the bounded pool, queue
// error descriptions, json-e escaping, --retrigger parsing, task URLs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import jsone from 'json-e';
import { UsageError } from '../../src/errors.js';
import type { RepositoryId } from '../../src/repo/repository-id.js';
import { mapWithConcurrency } from '../../src/concurrency.js';
import { jsoneLiteral, type Json } from '../../src/taskcluster/jsone-literal.js';
import { packageSourceUrl, taskRepoUrl } from '../../src/taskcluster/repo-url.js';
import { parseRetriggerRequest } from '../../src/taskcluster/retrigger-request.js';
import { describeQueueError, sameTaskButTimes } from '../../src/taskcluster/submit.js';
import { deriveTaskId, freshTaskId, isSlugId } from '../../src/taskcluster/task-ids.js';

describe('derived taskIds', () => {
  it('are nice slugids, stable for (creator, label, copy) and different otherwise', () => {
    const creator = freshTaskId();
    const ids = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const id = deriveTaskId(creator, `deploy fns/p${i % 1000}`, i < 1000 ? 0 : 1);
      assert.ok(isSlugId(id), id);
      assert.match(id, /^[A-Za-f]/, 'nice: never starts with -');
      ids.add(id);
    }
    assert.equal(ids.size, 2000);
    assert.equal(deriveTaskId(creator, 'deploy a'), deriveTaskId(creator, 'deploy a'));
    assert.notEqual(deriveTaskId(creator, 'deploy a'), deriveTaskId(freshTaskId(), 'deploy a'));
  });
});

describe('mapWithConcurrency', () => {
  it('never has more than `limit` calls in flight, and keeps the order', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapWithConcurrency(Array.from({ length: 40 }, (_, i) => i), 7, async (n) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, (n * 7) % 5));
      inFlight--;
      return n * 2;
    });
    assert.equal(most, 7);
    assert.deepEqual(results, Array.from({ length: 40 }, (_, i) => i * 2));
  });

  it('refuses a limit below 1', async () => {
    await assert.rejects(mapWithConcurrency([1], 0, async (n) => n), RangeError);
  });
});

describe('describeQueueError', () => {
  it('names the missing scopes of an InsufficientScopes answer', () => {
    const error = Object.assign(new Error('You do not have sufficient scopes. You are missing the following scopes:\n\n```\nsecrets:get:x\n```\n\nYou have the scopes:\n\n```\n[]\n```'), { code: 'InsufficientScopes', statusCode: 403 });
    assert.equal(describeQueueError(error), '403 InsufficientScopes: missing secrets:get:x');
  });

  it('keeps the first paragraph of other errors, and says when there was no response', () => {
    const conflict = Object.assign(new Error('taskId `x` already used by another task.\nThis could be the result of faulty idempotency!\n\n---\n\n* method: createTask'), { code: 'RequestConflict', statusCode: 409 });
    assert.equal(describeQueueError(conflict), '409 RequestConflict: taskId `x` already used by another task. This could be the result of faulty idempotency!');
    const network = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    assert.equal(describeQueueError(network), 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1');
  });
});

describe('sameTaskButTimes', () => {
  it('ignores created/deadline/expires and the queue\'s extra fields, nothing else', () => {
    const ours = { created: 'a', deadline: 'b', expires: 'c', payload: { image: 'i', maxRunTime: 1 }, metadata: { name: 'n', description: 'd', owner: 'o', source: 'https://x' } };
    const stored = { ...ours, created: 'x', deadline: 'y', expires: 'z', provisionerId: 'p', workerType: 'w' };
    assert.ok(sameTaskButTimes(stored, ours));
    assert.ok(!sameTaskButTimes({ ...stored, payload: { image: 'j', maxRunTime: 1 } }, ours));
  });
});

describe('jsoneLiteral', () => {
  it('renders back to the same value through json-e', () => {
    const value: Json = { '$eval': 'x', image: 'img:${tag}', list: ['${a}', 1, true, null], nested: { '$let': { a: '$${b}' } } };
    assert.deepEqual(jsone(jsoneLiteral(value) as Record<string, unknown>, { x: 1, tag: 'no', a: 'no' }), value);
  });
});

describe('parseRetriggerRequest', () => {
  it('reads Treeherder\'s retrigger-multiple input plus force, times defaulting to 1', () => {
    assert.deepEqual(parseRetriggerRequest('{"requests":[{"tasks":["deploy a","deploy b"]},{"tasks":["deploy c"],"times":3}],"force":true}'), {
      requests: [{ tasks: ['deploy a', 'deploy b'], times: 1 }, { tasks: ['deploy c'], times: 3 }],
      force: true,
    });
  });

  for (const [name, text] of [
    ['not JSON', '{'],
    ['no requests', '{}'],
    ['empty tasks', '{"requests":[{"tasks":[]}]}'],
    ['times 0', '{"requests":[{"tasks":["a"],"times":0}]}'],
    ['times 101', '{"requests":[{"tasks":["a"],"times":101}]}'],
    ['force not a boolean', '{"requests":[{"tasks":["a"]}],"force":"yes"}'],
  ] as const) {
    it(`refuses ${name} as a usage error`, () => {
      assert.throws(() => parseRetriggerRequest(text), (e: unknown) => e instanceof UsageError && e.exitCode === 2);
    });
  }
});

describe('task repository URLs', () => {
  const id = 'github.com/owner/fns' as RepositoryId;
  it('drop credentials, and turn ssh URLs into https ones a task can clone', () => {
    assert.equal(taskRepoUrl('https://x-access-token:ghs_secret@github.com/owner/fns.git', id), 'https://github.com/owner/fns.git');
    assert.equal(taskRepoUrl('git@github.com:Owner/fns.git', id), 'https://github.com/owner/fns');
    assert.equal(taskRepoUrl('https://github.com/owner/fns', id), 'https://github.com/owner/fns');
  });
  it('point metadata.source at the package folder on GitHub', () => {
    assert.equal(packageSourceUrl('https://github.com/owner/fns.git', 'abc', 'fns/a'), 'https://github.com/owner/fns/tree/abc/fns/a');
    assert.equal(packageSourceUrl('https://git.example.com/owner/fns', 'abc', 'fns/a'), 'https://git.example.com/owner/fns');
  });
});
