// `lambda-sync decision` as a user or the decision task runs it: a child
// process, its stdout, stderr, exit code, artifacts, and what the queue
// double saw.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { CreateTaskRequest } from '../../src/taskcluster/schemas.js';
import { validateActions, validateCreateTaskRequest } from '../../src/taskcluster/schemas.js';
import { deriveTaskId } from '../../src/taskcluster/task-ids.js';
import { runCli } from '../support/cli.js';
import { tempDir, type TestRepo } from '../support/git-repo.js';
import { startQueueServer, type QueueServer } from '../support/queue-server.js';
import { createDecisionTask, DECISION_SCOPES, examplesLikeRepo, gitRedirectEnv, REPO_URL } from './fixtures.js';

const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const LABELS = ['deploy fns/do-things', 'deploy fns/resize-images', 'deploy fns/say-hello'];

/** No Taskcluster variable from the environment running the tests leaks into the child. */
const NO_TASKCLUSTER: NodeJS.ProcessEnv = {
  TASK_ID: '',
  TASK_GROUP_ID: '',
  TASKCLUSTER_PROXY_URL: '',
  TASKCLUSTER_ROOT_URL: '',
  TASKCLUSTER_CLIENT_ID: '',
  TASKCLUSTER_ACCESS_TOKEN: '',
};

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

describe('decision --dry-run', () => {
  it('prints only the task graph JSON and touches no server, even with a queue configured', async () => {
    const decisionId = await createDecisionTask(server);
    const callsBefore = server.calls.length;
    const env = { ...NO_TASKCLUSTER, TASK_ID: decisionId, TASKCLUSTER_PROXY_URL: server.proxyUrlFor(DECISION_SCOPES), TASKCLUSTER_ROOT_URL: server.rootUrl };
    const result = await runCli(['decision', '--dry-run'], { cwd: repo.dir, env });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(server.calls.length, callsBefore, 'no request reached the queue');
    const graph = JSON.parse(result.stdout) as Record<string, CreateTaskRequest>;
    assert.deepEqual(Object.keys(graph), LABELS.map((l) => deriveTaskId(decisionId, l)));
    assert.deepEqual(Object.values(graph).map((t) => t.metadata.name), LABELS);
    assert.match(result.stderr, /task graph: 3 task\(s\) in task group/, 'progress goes to stderr');
  });

  it('works outside any task with no Taskcluster variable, and says its taskGroupId is made up', async () => {
    const result = await runCli(['decision', '--dry-run'], { cwd: repo.dir, env: NO_TASKCLUSTER });
    assert.equal(result.code, 0, result.stderr);
    const graph = JSON.parse(result.stdout) as Record<string, CreateTaskRequest>;
    const groups = new Set(Object.values(graph).map((t) => t.taskGroupId));
    assert.equal(groups.size, 1);
    assert.match(result.stderr, new RegExp(`no TASK_ID\\): the dry run uses the made-up taskGroupId ${[...groups][0]}`));
  });

  it('clones with --repo-url --revision outside a checkout and writes the artifacts', async () => {
    const outside = tempDir();
    const artifacts = join(outside, 'artifacts');
    const head = repo.head();
    const decisionId = await createDecisionTask(server);
    const result = await runCli(
      ['decision', '--dry-run', '--repo-url', REPO_URL, '--revision', head, '--artifacts', artifacts, '--owner', 'who@example.com'],
      { cwd: outside, env: { ...NO_TASKCLUSTER, ...gitRedirectEnv(repo), TASK_ID: decisionId } },
    );
    assert.equal(result.code, 0, result.stderr);
    const graph = JSON.parse(result.stdout) as Record<string, CreateTaskRequest>;
    assert.deepEqual(JSON.parse(readFileSync(join(artifacts, 'task-graph.json'), 'utf8')), graph);
    for (const task of Object.values(graph)) {
      assert.ok(validateCreateTaskRequest(task).ok);
      assert.deepEqual((task.payload.command as string[]).slice(2), ['--repo-url', REPO_URL, '--revision', head]);
    }
    const plan = JSON.parse(readFileSync(join(artifacts, 'plan.json'), 'utf8')) as { head: string; packages: Array<{ path: string; label: string; taskId: string; functionName: string; symbol: string }> };
    assert.equal(plan.head, head);
    assert.deepEqual(plan.packages.map((p) => [p.label, p.taskId]), Object.entries(graph).map(([id, t]) => [t.metadata.name, id]));
    assert.ok(validateActions(JSON.parse(readFileSync(join(artifacts, 'actions.json'), 'utf8'))).ok);
    const summary = readFileSync(join(artifacts, 'summary.txt'), 'utf8');
    for (const label of LABELS) assert.ok(summary.includes(label), summary);
    assert.ok(summary.includes('secrets:get:repo:github.com/owner/fns:aws-deploy'), 'the summary lists the scopes needed');
  });
});

describe('decision submitting', () => {
  it('creates the graph through TASKCLUSTER_PROXY_URL and records the outcome', async () => {
    const decisionId = await createDecisionTask(server);
    const artifacts = join(tempDir(), 'artifacts');
    const env = { ...NO_TASKCLUSTER, TASK_ID: decisionId, TASKCLUSTER_PROXY_URL: server.proxyUrlFor(DECISION_SCOPES) };
    const result = await runCli(['decision', '--artifacts', artifacts], { cwd: repo.dir, env });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '', 'stdout stays empty when submitting');
    assert.match(result.stderr, /3 task\(s\) created, 0 already there/);
    for (const label of LABELS) assert.ok(server.tasks.has(deriveTaskId(decisionId, label)), label);
    const outcomes = JSON.parse(readFileSync(join(artifacts, 'submission.json'), 'utf8')) as Array<{ result: string }>;
    assert.deepEqual(outcomes.map((o) => o.result), ['created', 'created', 'created']);
  });

  it('exits 1 listing the tasks it could not create', async () => {
    const scopes = DECISION_SCOPES.filter((s) => !s.startsWith('queue:route:'));
    const decisionId = await createDecisionTask(server, scopes);
    const env = { ...NO_TASKCLUSTER, TASK_ID: decisionId, TASKCLUSTER_PROXY_URL: server.proxyUrlFor(scopes) };
    const result = await runCli(['decision'], { cwd: repo.dir, env });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /error: 3 of 3 tasks could not be created:/);
    for (const label of LABELS) assert.ok(result.stderr.includes(`${label} (${deriveTaskId(decisionId, label)}): 403 InsufficientScopes: missing queue:route:tc-treeherder.v2.fns.`), result.stderr);
  });

  it('exits 2 outside a task without --dry-run, before doing anything', async () => {
    const result = await runCli(['decision'], { cwd: repo.dir, env: NO_TASKCLUSTER });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /TASK_ID is not set/);
    assert.match(result.stderr, /--dry-run/);
  });

  it('exits 2 inside a task with no queue to talk to', async () => {
    const decisionId = await createDecisionTask(server);
    const result = await runCli(['decision'], { cwd: repo.dir, env: { ...NO_TASKCLUSTER, TASK_ID: decisionId } });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /neither TASKCLUSTER_PROXY_URL .* nor TASKCLUSTER_ROOT_URL is set/);
  });
});

describe('the quick start', () => {
  it('runs offline in this repository and prints a valid graph for examples/functions', async (t) => {
    if (!existsSync(join(PROJECT_ROOT, '.git'))) return t.skip('not a git checkout');
    const result = await runCli(
      ['decision', '--dry-run', '--root', 'examples/functions', '--repo-url', 'https://github.com/lambda-sync/lambda-sync'],
      { cwd: PROJECT_ROOT, env: NO_TASKCLUSTER },
    );
    assert.equal(result.code, 0, result.stderr);
    const graph = JSON.parse(result.stdout) as Record<string, CreateTaskRequest>;
    const names = Object.values(graph).map((task) => task.metadata.name);
    assert.deepEqual(names, [
      'deploy examples/functions/do-things',
      'deploy examples/functions/parse-config',
      'deploy examples/functions/resize-images',
      'deploy examples/functions/say-hello',
      'deploy examples/functions/shell-hello',
    ]);
    for (const task of Object.values(graph)) assert.ok(validateCreateTaskRequest(task).ok, JSON.stringify(validateCreateTaskRequest(task)));
  });
});
