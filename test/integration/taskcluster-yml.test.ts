import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';
import { loadWebhook, renderLikeTaskclusterGithub, type RenderedTask } from '../support/tc-github.js';
import { renderTaskclusterYml } from '../../src/taskcluster/taskcluster-yml.js';
import {
  validateCreateTaskRequest,
  validateDockerWorkerPayload,
  validateTaskclusterYml,
  validateTreeherderConfig,
} from '../../src/taskcluster/schemas.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const EVENTS = join(ROOT, 'schema', 'vendor', 'github-events');
const push = loadWebhook(join(EVENTS, 'webhook.push.json')).body;
const pullRequest = loadWebhook(join(EVENTS, 'webhook.pull_request.open.json')).body;
const tagPush = loadWebhook(join(EVENTS, 'webhook.tag_push.json')).body;
const release = loadWebhook(join(EVENTS, 'webhook.release.json')).body;

const options = { image: 'lambda-sync/lambda-sync:9.9.9', taskQueueId: 'proj-fns/deploy', treeherderProject: 'hooks-testing' };
const defaultBranchYml = renderTaskclusterYml(options); // deploy branch: the event's default branch (master)
const mainYml = renderTaskclusterYml({ ...options, branch: 'main' });

function assertValidTask(task: RenderedTask): void {
  const { taskId: _taskId, ...body } = task;
  const created = validateCreateTaskRequest(body);
  assert.ok(created.ok, `create-task request: ${created.ok ? '' : created.errors.join('; ')}`);
  const payload = validateDockerWorkerPayload(task.payload);
  assert.ok(payload.ok, `docker-worker payload: ${payload.ok ? '' : payload.errors.join('; ')}`);
  const treeherder = validateTreeherderConfig((task.extra as { treeherder: unknown }).treeherder);
  assert.ok(treeherder.ok, `extra.treeherder: ${treeherder.ok ? '' : treeherder.errors.join('; ')}`);
}

test('the template validates against the .taskcluster.yml v1 schema', () => {
  for (const text of [defaultBranchYml, mainYml]) {
    const result = validateTaskclusterYml(load(text));
    assert.ok(result.ok, result.ok ? '' : result.errors.join('; '));
  }
});

test('a push to the deploy branch gives one decision task in deploy mode, with the branch role', () => {
  const tasks = renderLikeTaskclusterGithub(defaultBranchYml, 'github-push', push);
  assert.equal(tasks.length, 1);
  const [task] = tasks;
  assertValidTask(task!);
  assert.equal(task!.taskId, task!.taskGroupId, 'the decision task is its own group');
  assert.deepEqual(task!.scopes, ['assume:repo:github.com/TaskclusterRobot/hooks-testing:branch:master']);
  assert.deepEqual(task!.routes, ['tc-treeherder.v2.hooks-testing.b79ce60be819cdc482c9c6a84dc3c457959aa66f', 'checks']);
  const payload = task!.payload as { command: string[]; image: string; features: Record<string, boolean>; artifacts: Record<string, { path: string }> };
  assert.deepEqual(payload.command, [
    'decision',
    '--repo-url', 'https://github.com/TaskclusterRobot/hooks-testing',
    '--revision', 'b79ce60be819cdc482c9c6a84dc3c457959aa66f',
    '--mode', 'deploy',
    '--owner', 'owlishDeveloper@users.noreply.github.com',
    '--artifacts', '/home/node/artifacts',
  ], 'a push has no --base: deploy mode compares with what Lambda runs');
  assert.equal(payload.image, 'lambda-sync/lambda-sync:9.9.9');
  assert.equal(payload.features.taskclusterProxy, true);
  assert.equal(payload.artifacts.public!.path, '/home/node/artifacts');
  assert.equal(task!.taskQueueId, 'proj-fns/deploy');
  assert.equal((task!.metadata as { name: string }).name, 'Lambda-sync Decision Task');
  assert.equal((task!.extra as { treeherder: { symbol: string } }).treeherder.symbol, 'D');
});

test('a pull request gives a check-mode decision task with the pull-request role and nothing that deploys', () => {
  const tasks = renderLikeTaskclusterGithub(defaultBranchYml, 'github-pull-request', pullRequest);
  assert.equal(tasks.length, 1);
  const [task] = tasks;
  assertValidTask(task!);
  assert.deepEqual(task!.scopes, ['assume:repo:github.com/TaskclusterRobot/hooks-testing:pull-request']);
  assert.ok(!(task!.scopes as string[]).some((s) => s.startsWith('secrets:') || s.includes(':branch:')));
  assert.deepEqual(task!.routes, ['checks'], 'no Treeherder route for pull requests');
  const command = (task!.payload as { command: string[] }).command;
  assert.deepEqual(command.slice(0, 7), ['decision', '--repo-url', 'https://github.com/TaskclusterRobot/hooks-testing', '--revision', 'b12ead3c5f3499e34356c970e20d7858f1747542', '--mode', 'check']);
  // Only what the pull request changes gets a check task: the decision compares with its base.
  const baseSha = ((pullRequest.pull_request as Record<string, unknown>).base as { sha: string }).sha;
  assert.match(baseSha, /^[0-9a-f]{40}$/);
  assert.deepEqual(command.slice(command.indexOf('--base'), command.indexOf('--base') + 2), ['--base', baseSha]);
});

const nothing: Array<[string, string, string, Record<string, unknown>]> = [
  ['a push to another branch', defaultBranchYml, 'github-push', { ...push, ref: 'refs/heads/feature' }],
  ['a push to master when the deploy branch is main', mainYml, 'github-push', push],
  ['a push that deletes the deploy branch', defaultBranchYml, 'github-push', { ...push, deleted: true, after: '0000000000000000000000000000000000000000' }],
  ['a tag push', defaultBranchYml, 'github-push', tagPush],
  ['a closed pull request', defaultBranchYml, 'github-pull-request', { ...pullRequest, action: 'closed' }],
  ['an untrusted pull request', defaultBranchYml, 'github-pull-request-untrusted', pullRequest],
  ['a release', defaultBranchYml, 'github-release', release],
  ['an unknown event kind', defaultBranchYml, 'cron', push],
];
for (const [name, text, tasksFor, event] of nothing) {
  test(`${name} gives no task`, () => {
    assert.deepEqual(renderLikeTaskclusterGithub(text, tasksFor, event), []);
  });
}

test('with --branch main, a push to main deploys', () => {
  const tasks = renderLikeTaskclusterGithub(mainYml, 'github-push', { ...push, ref: 'refs/heads/main' });
  assert.equal(tasks.length, 1);
  assert.deepEqual(tasks[0]!.scopes, ['assume:repo:github.com/TaskclusterRobot/hooks-testing:branch:main']);
});

test('the project\'s own .taskcluster.yml is what init writes for it', () => {
  const config = load(readFileSync(join(ROOT, 'lambda-sync.yml'), 'utf8')) as { taskcluster: { taskQueueId: string }; treeherder: { project: string } };
  const expected = renderTaskclusterYml({
    branch: 'main',
    image: 'lambda-sync/lambda-sync:0.1.0',
    taskQueueId: config.taskcluster.taskQueueId,
    treeherderProject: config.treeherder.project,
  });
  assert.equal(readFileSync(join(ROOT, '.taskcluster.yml'), 'utf8'), expected);
});
