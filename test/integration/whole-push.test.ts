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
import jsone from 'json-e';
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
import { validateActions, validateCreateTaskRequest, validateDockerWorkerPayload, validateTreeherderConfig, type ActionsJson } from '../../src/taskcluster/schemas.js';

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

const PR_ROLE = 'assume:repo:github.com/Owner/Fns:pull-request';
/** The pull-request role: the same without the secret, so that a pull request can never deploy. */
const PR_ROLE_SCOPES = BRANCH_ROLE_SCOPES.filter((s) => !s.startsWith('secrets:'));

/** The auth service expands `assume:<role>` into the role's scopes for a task's credentials; the double does not. */
function expandRoles(scopes: string[]): string[] {
  return scopes.flatMap((scope) =>
    scope === 'assume:repo:github.com/Owner/Fns:branch:main' ? [scope, ...BRANCH_ROLE_SCOPES]
    : scope === PR_ROLE ? [scope, ...PR_ROLE_SCOPES]
    : [scope]);
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

/** Taskcluster-GitHub for a pull request: render .taskcluster.yml for the event, create its check-mode decision task. */
async function createPullRequestDecisionTask(env: Env, repo: TestRepo, head: string, base: string): Promise<RenderedTask> {
  const yml = readFileSync(join(repo.dir, '.taskcluster.yml'), 'utf8');
  const fixture = loadWebhook(join(ROOT, 'schema/vendor/github-events/webhook.pull_request.open.json')).body;
  const pr = fixture.pull_request as Record<string, unknown>;
  const event = {
    ...fixture,
    action: 'opened',
    pull_request: { ...pr, head: { ...(pr.head as object), sha: head }, base: { ...(pr.base as object), sha: base }, user: { login: 'dev' } },
    repository: { ...(fixture.repository as object), name: 'Fns', full_name: 'Owner/Fns', html_url: URL_, default_branch: 'main' },
  };
  const [decision] = renderLikeTaskclusterGithub(yml, 'github-pull-request', event, env.queue.rootUrl);
  const { taskId, ...definition } = decision!;
  const github = new taskcluster.Queue({ rootUrl: env.queue.rootUrl, credentials: { clientId: 'static/taskcluster/github', accessToken: 'gh-token' } });
  await github.createTask(taskId, definition as unknown as Parameters<typeof github.createTask>[1]);
  return decision!;
}

/** Every definition against the queue's, docker-worker's and Treeherder's schemas. */
function assertValidTasks(tasks: Array<[string, RenderedTask]>): void {
  for (const [taskId, task] of tasks) {
    const { taskId: _id, ...body } = task as RenderedTask & { taskId?: string };
    const checks = [validateCreateTaskRequest(body), validateDockerWorkerPayload(task.payload), validateTreeherderConfig((task.extra as { treeherder?: unknown }).treeherder)];
    for (const check of checks) assert.ok(check.ok, `${taskId}: ${check.ok ? '' : check.errors.join('; ')}`);
  }
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
    PR_ROLE,
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
  // Plus the decision's own read-only session.
  assert.equal(sts.calls.length, 7);
  assert.ok(lambda.calls.length > 0 && lambda.calls.every((c) => c.accessKeyId && sessionKeys.has(c.accessKeyId)));
  assert.ok(sts.calls.every((c) => c.accessKeyId === KEYS.accessKeyId));

  // Push 2: a change to one package. The decision reads Lambda: one task, beta's.
  repo.write('functions/beta/main.js', 'exports.handler = async () => "beta v2";\n');
  const second = repo.commit('change beta');
  repo.git('push', '--quiet', 'origin', 'main');
  const decision2 = await createDecisionTask(env, repo, first);
  const beforeDecision2 = lambda.calls.length;
  const d2 = await runTask(env, decision2.taskId, decision2);
  assert.equal(d2.code, 0, d2.stderr);
  const decisionCalls = lambda.calls.slice(beforeDecision2);
  assert.deepEqual(decisionCalls.map((c) => c.operation), ['ListFunctions', 'GetFunction'], 'one page of the listing, and GetFunction only for the package not in sync');
  const readSession = sts.calls.at(-1)!;
  assert.ok(decisionCalls.every((c) => c.accessKeyId === readSession.issuedAccessKeyId), 'read with the decision\'s own session');
  assert.ok(!JSON.stringify(readSession.policy).includes('UpdateFunction'), 'which can only read');
  const tasks2 = deployTasksOf(env, decision2.taskId);
  assert.deepEqual(tasks2.map(([, t]) => (t.metadata as { name: string }).name), ['deploy functions/beta']);
  const artifacts2 = join(work, `artifacts-${decision2.taskId}`);
  const plan2 = JSON.parse(readFileSync(join(artifacts2, 'plan.json'), 'utf8')) as { packages: Array<{ path: string; decision: string; why: string }> };
  assert.deepEqual(plan2.packages.map((p) => [p.path, p.decision]), [['functions/alpha', 'in-sync'], ['functions/beta', 'deploy'], ['gamma', 'in-sync']]);
  assert.match(plan2.packages[1]!.why, /^behind: Lambda runs \w+, 1 commit behind/);
  assert.match(readFileSync(join(artifacts2, 'github', 'customCheckRunText.md'), 'utf8'), /\| `functions\/alpha` \| `[^`]+` \| in sync: Lambda runs this revision with this configuration \| - \|/);
  assert.match(d2.stderr, /gamma: in-sync: Lambda runs this revision/);
  const actions2 = JSON.parse(readFileSync(join(artifacts2, 'actions.json'), 'utf8')) as ActionsJson;
  assert.ok(validateActions(actions2).ok, JSON.stringify(validateActions(actions2)));
  assertValidTasks(tasks2);

  const before2 = lambda.calls.length;
  const [betaTaskId2, betaTask2] = tasks2[0]!;
  const betaRun = await runTask(env, betaTaskId2, betaTask2);
  assert.equal(betaRun.code, 0, betaRun.stderr);
  const calls2 = lambda.calls.slice(before2);
  assert.deepEqual(calls2.filter((c) => c.operation === 'UpdateFunctionCode').map((c) => c.functionName), [names[1]], 'only beta\'s code is uploaded');
  assert.equal(lambda.function(names[1]!)!.configuration.Description, `${REPO_ID}/functions/beta@${second}`);
  // beta's task bundled and updated: its result and the zip's file list, for the Taskcluster UI.
  const betaResult = resultOf(env, betaTaskId2);
  assert.equal(betaResult.action, 'updated');
  assert.equal(betaResult.cloned, true);
  assert.deepEqual(betaResult.revisions, { head: second, package: second });
  assert.equal(betaResult.codeSha256, lambda.function(names[1]!)!.configuration.CodeSha256);
  assert.ok(betaResult.apiCalls.some((c) => c.operation === 'UpdateFunctionCode'));
  assert.ok(betaResult.durationsMs.clone !== null && betaResult.durationsMs.bundle !== null);
  const fileList = readFileSync(join(work, `artifacts-${betaTaskId2}`, 'bundle-files.txt'), 'utf8');
  assert.match(fileList, /^0644 +\d+ main\.js$/m);
  assert.match(fileList, /^0644 +\d+ package\.json$/m);

  // add-new-jobs (Treeherder's "Add new jobs") for alpha, which the graph left out: its task skips with one GetFunction and no clone.
  const runnable = JSON.parse(readFileSync(join(artifacts2, 'runnable-jobs.json'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(Object.keys(runnable), PATHS.map((p) => `deploy ${p}`));
  const addNewJobs = actions2.actions.find((a) => a.name === 'add-new-jobs')!;
  const actionTaskId = taskcluster.slugid();
  const actionTask = jsone(addNewJobs.task as Record<string, unknown>, { taskGroupId: decision2.taskId, taskId: null, task: null, input: { tasks: ['deploy functions/alpha'] }, ownTaskId: actionTaskId, ...actions2.variables }) as RenderedTask;
  assertValidTasks([[actionTaskId, actionTask]]);
  // Created as the UI does: a person's credentials, limited to the decision task's scopes.
  const person = new taskcluster.Queue({ rootUrl: env.queue.rootUrl, credentials: { clientId: 'static/taskcluster/github', accessToken: 'gh-token' }, authorizedScopes: expandRoles(decision2.scopes as string[]) });
  await person.createTask(actionTaskId, actionTask as unknown as Parameters<typeof person.createTask>[1]);
  const action = await runTask(env, actionTaskId, actionTask, { TASK_GROUP_ID: decision2.taskId });
  assert.equal(action.code, 0, action.stderr);
  const added = [...env.queue.tasks].filter(([, t]) => t.dependencies.includes(actionTaskId));
  assert.deepEqual(added.map(([, t]) => [t.metadata.name, t.taskGroupId]), [['deploy functions/alpha', decision2.taskId]]);
  const beforeAdded = lambda.calls.length;
  const alphaRun = await runTask(env, added[0]![0], added[0]![1] as unknown as RenderedTask);
  assert.equal(alphaRun.code, 0, alphaRun.stderr);
  assert.deepEqual(lambda.calls.slice(beforeAdded).map((c) => c.operation), ['GetFunction']);
  assert.deepEqual([resultOf(env, added[0]![0]).action, resultOf(env, added[0]![0]).cloned], ['skipped', false]);
  assert.ok(!existsSync(join(work, `artifacts-${added[0]![0]}`, 'bundle-files.txt')), 'nothing bundled, no file list');
  const outputs2 = [betaRun, action, alphaRun];

  // A retrigger (new taskId, same definition) of beta's task: it skips.
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

  // Push 3 with Lambda unreadable (ListFunctions failing after retries): every package gets its task, and the decision says why.
  repo.write('gamma/main.js', 'exports.handler = async () => "gamma v2";\n');
  const third = repo.commit('change gamma');
  repo.git('push', '--quiet', 'origin', 'main');
  lambda.inject.serverError(20, { operation: 'ListFunctions' });
  const decision3 = await createDecisionTask(env, repo, second);
  const d3 = await runTask(env, decision3.taskId, decision3);
  assert.equal(d3.code, 0, d3.stderr);
  assert.match(d3.stderr, /warn.*Lambda could not be read .*every package gets a task/i);
  assert.equal(deployTasksOf(env, decision3.taskId).length, 3);
  assert.match(readFileSync(join(work, `artifacts-${decision3.taskId}`, 'summary.txt'), 'utf8'), /warning: Lambda could not be read/);

  // A pull request touching one package: one check task.
  repo.git('checkout', '--quiet', '-b', 'feature');
  repo.write('functions/alpha/main.js', 'exports.handler = async () => "alpha from a PR";\n');
  const prHead = repo.commit('pr: change alpha');
  repo.git('push', '--quiet', 'origin', 'feature');
  const prDecision = await createPullRequestDecisionTask(env, repo, prHead, third);
  const dPr = await runTask(env, prDecision.taskId, prDecision);
  assert.equal(dPr.code, 0, dPr.stderr);
  const prTasks = deployTasksOf(env, prDecision.taskId);
  assert.deepEqual(prTasks.map(([, t]) => (t.metadata as { name: string }).name), ['deploy functions/alpha']);
  assertValidTasks(prTasks);
  assert.ok((prTasks[0]![1].payload as { command: string[] }).command.includes('--check'));

  // Nothing printed the AWS secret.
  for (const out of [d1, d2, ...outputs2, retrigger, old, d3, dPr]) {
    assert.doesNotMatch(out.stdout + out.stderr, new RegExp(`${KEYS.secretAccessKey}|${KEYS.accessKeyId}`));
  }
});
