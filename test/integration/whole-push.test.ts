/**
 * A whole push, end to end, with the local queue/secrets, Lambda and STS
 * servers: the decision task rendered from .taskcluster.yml for a GitHub push
 * event, created as Taskcluster-GitHub would, run as a worker would; then
 * every task it created, run with its own payload (command and env), its own
 * clone, and the AWS secret read through its proxy.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import taskcluster from 'taskcluster-client';
import { startQueueServer, type QueueServer } from '../support/queue-server.js';
import { startLambdaServer } from '../support/lambda-server.js';
import { startStsServer } from '../support/sts-server.js';
import { gitRedirectEnv, TestRepo, tempDir } from '../support/git-repo.js';
import { runCli, type CliResult } from '../support/cli.js';
import { loadWebhook, renderLikeTaskclusterGithub, type RenderedTask } from '../support/tc-github.js';
import { renderTaskclusterYml } from '../../src/taskcluster/taskcluster-yml.js';
import { functionName } from '../../src/packages/function-name.js';
import { repositoryIdFromUrl } from '../../src/repo/repository-id.js';
import type { DeployResultJson } from '../../src/commands/deploy-report.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const URL_ = 'https://github.com/Owner/Fns';
const REPO_ID = repositoryIdFromUrl(URL_);
const ACCOUNT = '123456789012';
const DEPLOY_ROLE = `arn:aws:iam::${ACCOUNT}:role/lambda-sync-deploy`;
const EXEC_ROLE = `arn:aws:iam::${ACCOUNT}:role/fns-exec`;
const SECRET = 'repo:github.com/Owner/Fns:aws-deploy';
const QUEUE = 'proj-fns/deploy';
const KEYS = { accessKeyId: 'AKIAE2EDEPLOYKEY0001', secretAccessKey: 'e2e-secret-access-key-do-not-print' };
const PATHS = ['functions/alpha', 'functions/beta', 'gamma'];

/** What the branch role grants (role expansion of assume:repo:...:branch:main, done by hand: the double has no roles). */
const BRANCH_ROLE_SCOPES = [
  `queue:create-task:lowest:${QUEUE}`,
  'queue:create-task:project:none',
  'queue:scheduler-id:taskcluster-github',
  'queue:route:checks',
  'queue:route:tc-treeherder.v2.fns.*',
  `secrets:get:${SECRET}`,
];

/** The auth service expands `assume:<role>` into the role's scopes for a task's credentials; the double does not. */
function expandRoles(scopes: string[]): string[] {
  return scopes.flatMap((scope) => (scope === 'assume:repo:github.com/Owner/Fns:branch:main' ? [scope, ...BRANCH_ROLE_SCOPES] : [scope]));
}

interface Env {
  queue: QueueServer;
  lambdaEnv: Record<string, string>;
  gitEnv: Record<string, string>;
  work: string;
}

function pushEvent(repo: TestRepo, before: string): Record<string, unknown> {
  const fixture = loadWebhook(join(ROOT, 'schema/vendor/github-events/webhook.push.json')).body;
  const repository = fixture.repository as Record<string, unknown>;
  return {
    ...fixture,
    ref: 'refs/heads/main',
    before,
    after: repo.head(),
    pusher: { name: 'dev', email: 'dev@example.com' },
    repository: { ...repository, name: 'Fns', full_name: 'Owner/Fns', html_url: URL_, default_branch: 'main' },
  };
}

/** Taskcluster-GitHub: render .taskcluster.yml for the event and create its task with the branch role. */
async function createDecisionTask(env: Env, repo: TestRepo, before: string): Promise<RenderedTask> {
  const yml = readFileSync(join(repo.dir, '.taskcluster.yml'), 'utf8');
  const [decision, ...rest] = renderLikeTaskclusterGithub(yml, 'github-push', pushEvent(repo, before), env.queue.rootUrl);
  assert.equal(rest.length, 0);
  const { taskId, ...definition } = decision!;
  const github = new taskcluster.Queue({ rootUrl: env.queue.rootUrl, credentials: { clientId: 'static/taskcluster/github', accessToken: 'gh-token' } });
  await github.createTask(taskId, definition as unknown as Parameters<typeof github.createTask>[1]);
  return decision!;
}

/** A worker running a task: the payload's command as arguments to the image's entrypoint, with its env and proxy. */
async function runTask(env: Env, taskId: string, task: { payload: Record<string, unknown>; scopes?: unknown }, extraEnv: Record<string, string> = {}): Promise<CliResult> {
  const payload = task.payload as { command: string[]; env?: Record<string, string> };
  const artifacts = join(env.work, `artifacts-${taskId}`);
  mkdirSync(artifacts, { recursive: true });
  // The folders the payload publishes (the decision's public/, a package task's public/lambda-sync/).
  const args = payload.command.map((arg) => (arg === '/home/node/artifacts' || arg === '/home/node/lambda-sync' ? artifacts : arg));
  const cwd = join(env.work, `task-${taskId}`);
  mkdirSync(cwd, { recursive: true });
  return runCli(args, {
    cwd,
    env: {
      ...env.lambdaEnv,
      ...env.gitEnv,
      ...payload.env,
      ...extraEnv,
      TASK_ID: taskId,
      RUN_ID: '0',
      TASKCLUSTER_ROOT_URL: env.queue.rootUrl,
      TASKCLUSTER_PROXY_URL: env.queue.proxyUrlFor(expandRoles((task.scopes as string[] | undefined) ?? [])),
    },
  });
}

function resultOf(env: Env, taskId: string): DeployResultJson {
  return JSON.parse(readFileSync(join(env.work, `artifacts-${taskId}`, 'result.json'), 'utf8')) as DeployResultJson;
}

function deployTasksOf(env: Env, groupId: string): Array<[string, RenderedTask]> {
  return [...env.queue.tasks]
    .filter(([id, t]) => t.taskGroupId === groupId && id !== groupId)
    .map(([id, t]) => [id, t as unknown as RenderedTask] as [string, RenderedTask])
    .sort((a, b) => String((a[1].metadata as { name: string }).name).localeCompare(String((b[1].metadata as { name: string }).name)));
}

test('a whole push: decision, one task per package, create; then a change updates one and skips two; retrigger and old task skip', { timeout: 300_000 }, async (t) => {
  const work = tempDir('lambda-sync-e2e-');
  const remote = join(work, 'remote.git');
  const queue = await startQueueServer();
  const sts = await startStsServer({ accountId: ACCOUNT, roles: { [DEPLOY_ROLE]: {} } });
  const lambda = await startLambdaServer({ transitionMs: 30, sts });
  t.after(async () => {
    await Promise.all([queue.close(), lambda.close(), sts.close()]);
  });
  queue.addClient('static/taskcluster/github', 'gh-token', [
    'assume:repo:github.com/Owner/Fns:branch:main',
    ...BRANCH_ROLE_SCOPES,
  ]);
  queue.putSecret(SECRET, KEYS);

  const lambdaEnv = { ...lambda.env(), ...sts.env() } as Record<string, string>;
  // The tasks get their AWS keys from the secret only: no ambient credentials.
  delete lambdaEnv.AWS_ACCESS_KEY_ID;
  delete lambdaEnv.AWS_SECRET_ACCESS_KEY;
  delete lambdaEnv.AWS_SESSION_TOKEN;
  Object.assign(lambdaEnv, { AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_EC2_METADATA_DISABLED: 'true' });
  const env: Env = {
    queue,
    lambdaEnv,
    gitEnv: gitRedirectEnv(remote, URL_),
    work,
  };

  // The repository: three packages, lambda-sync.yml and the .taskcluster.yml `init` writes.
  const repo = new TestRepo(join(work, 'checkout'));
  execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', remote]);
  // As GitHub does: package tasks make partial clones.
  execFileSync('git', ['config', 'uploadpack.allowFilter', 'true'], { cwd: remote });
  for (const path of PATHS) repo.addPackage(path, { lambda: {} });
  repo.write('lambda-sync.yml', [
    `taskcluster:\n  taskQueueId: ${QUEUE}\n  image: lambda-sync/lambda-sync:e2e`,
    'treeherder:\n  project: fns',
    `aws:\n  secret: "${SECRET}"\n  deployRoleArn: ${DEPLOY_ROLE}`,
    `region: us-east-1\ndefaults:\n  role: ${EXEC_ROLE}\n`,
  ].join('\n'));
  repo.write('.taskcluster.yml', renderTaskclusterYml({ branch: 'main', image: 'lambda-sync/lambda-sync:e2e', taskQueueId: QUEUE, treeherderProject: 'fns' }));
  repo.git('remote', 'add', 'origin', remote);
  const first = repo.commit('three packages');
  repo.git('push', '--quiet', 'origin', 'main');

  // Push 1: the decision creates one deploy task per package.
  const decision1 = await createDecisionTask(env, repo, '0'.repeat(40));
  const d1 = await runTask(env, decision1.taskId, decision1);
  assert.equal(d1.code, 0, d1.stderr);
  assert.ok(readdirSync(join(work, `artifacts-${decision1.taskId}`)).includes('task-graph.json'));
  const tasks1 = deployTasksOf(env, decision1.taskId);
  assert.deepEqual(tasks1.map(([, task]) => (task.metadata as { name: string }).name), PATHS.map((p) => `deploy ${p}`));
  for (const [, task] of tasks1) {
    assert.deepEqual(task.dependencies, [decision1.taskId]);
    assert.deepEqual(task.scopes, [`secrets:get:${SECRET}`]);
  }

  for (const [taskId, task] of tasks1) {
    const result = await runTask(env, taskId, task);
    assert.equal(result.code, 0, `${taskId}: ${result.stderr}`);
  }
  const names = PATHS.map((p) => functionName(REPO_ID, p));
  for (const [i, name] of names.entries()) {
    const fn = lambda.function(name);
    assert.ok(fn, `${name} created`);
    assert.equal(fn.configuration.Description, `${REPO_ID}/${PATHS[i]}@${first}`);
    assert.equal(fn.configuration.Role, EXEC_ROLE);
  }
  // Every Lambda call was made with the deploy role's session, never with the secret's keys directly.
  const sessionKeys = new Set(sts.calls.map((c) => c.issuedAccessKeyId));
  // Per task: one session for the GetFunction before any clone, one with the execution role for the deploy.
  assert.equal(sts.calls.length, 6);
  assert.ok(lambda.calls.length > 0 && lambda.calls.every((c) => c.accessKeyId && sessionKeys.has(c.accessKeyId)));
  assert.ok(sts.calls.every((c) => c.accessKeyId === KEYS.accessKeyId));

  // Push 2: a change to one package.
  repo.write('functions/beta/main.js', 'exports.handler = async () => "beta v2";\n');
  const second = repo.commit('change beta');
  repo.git('push', '--quiet', 'origin', 'main');
  const decision2 = await createDecisionTask(env, repo, first);
  const d2 = await runTask(env, decision2.taskId, decision2);
  assert.equal(d2.code, 0, d2.stderr);
  const tasks2 = deployTasksOf(env, decision2.taskId);
  assert.equal(tasks2.length, 3);

  const before2 = lambda.calls.length;
  const outputs2: CliResult[] = [];
  for (const [taskId, task] of tasks2) outputs2.push(await runTask(env, taskId, task));
  for (const out of outputs2) assert.equal(out.code, 0, out.stderr);
  const calls2 = lambda.calls.slice(before2);
  const updated = calls2.filter((c) => c.operation === 'UpdateFunctionCode').map((c) => c.functionName);
  assert.deepEqual(updated, [names[1]], 'only beta\'s code is uploaded');
  assert.equal(lambda.function(names[1]!)!.configuration.Description, `${REPO_ID}/functions/beta@${second}`);
  for (const i of [0, 2]) {
    assert.deepEqual(calls2.filter((c) => c.functionName === names[i]).map((c) => c.operation), ['GetFunction'], `${PATHS[i]}: one call, nothing else`);
    assert.doesNotMatch(outputs2[i]!.stderr, /bundle/i, `${PATHS[i]} is not bundled`);
    assert.doesNotMatch(outputs2[i]!.stderr, /clone/i, `${PATHS[i]} is not even cloned`);
    assert.equal(lambda.function(names[i]!)!.configuration.Description, `${REPO_ID}/${PATHS[i]}@${first}`);
    const result = resultOf(env, tasks2[i]![0]);
    assert.deepEqual([result.action, result.cloned, result.apiCalls.map((c) => c.operation)], ['skipped', false, ['GetFunction']]);
    assert.ok(!existsSync(join(work, `artifacts-${tasks2[i]![0]}`, 'bundle-files.txt')), 'nothing bundled, no file list');
  }
  // beta's task bundled and updated: its result and the zip's file list, for the Taskcluster UI.
  const betaResult = resultOf(env, tasks2[1]![0]);
  assert.equal(betaResult.action, 'updated');
  assert.equal(betaResult.cloned, true);
  assert.deepEqual(betaResult.revisions, { head: second, package: second });
  assert.equal(betaResult.codeSha256, lambda.function(names[1]!)!.configuration.CodeSha256);
  assert.ok(betaResult.apiCalls.some((c) => c.operation === 'UpdateFunctionCode'));
  assert.ok(betaResult.durationsMs.clone !== null && betaResult.durationsMs.bundle !== null);
  const fileList = readFileSync(join(work, `artifacts-${tasks2[1]![0]}`, 'bundle-files.txt'), 'utf8');
  assert.match(fileList, /^0644 +\d+ main\.js$/m);
  assert.match(fileList, /^0644 +\d+ package\.json$/m);

  // A retrigger (new taskId, same definition) of beta's task: it skips.
  const [, betaTask2] = tasks2[1]!;
  const before3 = lambda.calls.length;
  const retrigger = await runTask(env, 'RetriggerOfBetaTask00A', betaTask2);
  assert.equal(retrigger.code, 0, retrigger.stderr);
  assert.deepEqual(lambda.calls.slice(before3).map((c) => c.operation), ['GetFunction']);

  // The older push's beta task, run after the newer one: skipped as newer, nothing written.
  const [, betaTask1] = tasks1[1]!;
  const before4 = lambda.calls.length;
  const old = await runTask(env, 'OldBetaTaskRunLate000A', betaTask1, {});
  assert.equal(old.code, 0, old.stderr);
  assert.match(old.stderr, /newer/);
  assert.ok(lambda.calls.slice(before4).every((c) => c.operation === 'GetFunction'));
  assert.equal(lambda.function(names[1]!)!.configuration.Description, `${REPO_ID}/functions/beta@${second}`);

  // Nothing printed the AWS secret.
  for (const out of [d1, d2, ...outputs2, retrigger, old]) {
    assert.doesNotMatch(out.stdout + out.stderr, new RegExp(`${KEYS.secretAccessKey}|${KEYS.accessKeyId}`));
  }
});
