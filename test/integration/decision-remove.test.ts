/**
 * Pruning through the decision, end to end with the queue/secrets, STS and
 * Lambda doubles: `decision` run as a task reads Lambda, finds a function
 * whose package the repository dropped and, with `prune: true`, creates one
 * `remove <path>` task (none with pruning off, none over the safety valve);
 * that task's own payload, run as a worker would, deletes the function under
 * a session that may only read and delete it, and says "already gone" the
 * second time. `lambda-sync remove` leaves a function whose package is back,
 * one redeployed from a later revision, and one of another repository.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { UpdateFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { RemoveResultJson } from '../../src/commands/remove-report.js';
import { functionDescription } from '../../src/packages/description.js';
import { functionName } from '../../src/packages/function-name.js';
import { repositoryIdFromUrl } from '../../src/repo/repository-id.js';
import { validateCreateTaskRequest, validateDockerWorkerPayload, validateTreeherderConfig, type DockerWorkerPayload, type TaskDefinition } from '../../src/taskcluster/schemas.js';
import { runCli, type CliResult } from '../support/cli.js';
import { gitRedirectEnv, tempDir, TestRepo } from '../support/git-repo.js';
import { startLambdaServer, type LambdaServer } from '../support/lambda-server.js';
import { startQueueServer, type QueueServer } from '../support/queue-server.js';
import { startStsServer, type StsServer } from '../support/sts-server.js';
import { seedPackageFunction } from '../lambda/fixtures.js';
import { createDecisionTask, DECISION_SCOPES, REPO_URL, SECRET, TASK_QUEUE } from '../taskcluster/fixtures.js';

const REPO_ID = repositoryIdFromUrl(REPO_URL);
const ACCOUNT = '123456789012';
const DEPLOY_ROLE = `arn:aws:iam::${ACCOUNT}:role/lambda-sync-deploy`;
const EXEC_ROLE = `arn:aws:iam::${ACCOUNT}:role/fns-exec`;
const KEYS = { accessKeyId: 'AKIAPRUNEDECISIONKEY1', secretAccessKey: 'prune-decision-secret-do-not-print' };
const GONE = functionName(REPO_ID, 'fns/gone');
const FOREIGN = 'foreign-gone-fn';

let queue: QueueServer;
let sts: StsServer;
let lambda: LambdaServer;
let repo: TestRepo;
let work: string;
/** Commits: both packages; fns/gone removed with pruning off; with pruneMaxDeletes 0; with pruning on; fns/gone back. */
const c: Record<'first' | 'off' | 'valve' | 'on' | 'back', string> = { first: '', off: '', valve: '', on: '', back: '' };
const outputs: CliResult[] = [];

const config = (extra: string) => [
  `taskcluster:\n  taskQueueId: ${TASK_QUEUE}`,
  `aws:\n  secret: "${SECRET}"\n  deployRoleArn: ${DEPLOY_ROLE}`,
  `region: us-east-1\ndefaults:\n  role: ${EXEC_ROLE}`,
  extra,
].join('\n');

before(async () => {
  queue = await startQueueServer();
  queue.putSecret(SECRET, KEYS);
  sts = await startStsServer({ accountId: ACCOUNT, roles: { [DEPLOY_ROLE]: {} } });
  lambda = await startLambdaServer({ transitionMs: 20, sts });
  work = tempDir('lambda-sync-prune-decision-');
  repo = new TestRepo(join(work, 'repo'));
  repo.addPackage('fns/keep', { lambda: {} }).addPackage('fns/gone', { lambda: {} }).write('lambda-sync.yml', config(''));
  c.first = repo.commit('two packages');
  repo.remove('fns/gone');
  c.off = repo.commit('drop fns/gone');
  c.valve = repo.write('lambda-sync.yml', config('prune: true\npruneMaxDeletes: 0\n')).commit('prune, but no deletes allowed');
  c.on = repo.write('lambda-sync.yml', config('prune: true\n')).commit('prune');
  c.back = repo.addPackage('fns/gone', { lambda: {} }).commit('fns/gone is back');
  // Both were deployed at the first commit (fns/keep's function keeps the orphan from being all the repository owns);
  // another repository has a function for the same path.
  seedPackageFunction(lambda, { repository: REPO_ID, path: 'fns/keep', functionName: functionName(REPO_ID, 'fns/keep'), revision: c.first });
  seedPackageFunction(lambda, { repository: REPO_ID, path: 'fns/gone', functionName: GONE, revision: c.first });
  seedPackageFunction(lambda, { repository: 'github.com/example/other', path: 'fns/gone', functionName: FOREIGN, revision: c.first });
});
after(async () => {
  await Promise.all([queue.close(), lambda.close(), sts.close()]);
  repo.cleanup();
});

/** A worker running `args` with the task's env and a proxy holding `scopes`: the secret's keys only, no ambient AWS credentials. */
async function asTask(args: string[], scopes: string[], extra: Record<string, string> = {}): Promise<CliResult> {
  const env: Record<string, string> = { ...lambda.env(), ...sts.env() };
  delete env.AWS_ACCESS_KEY_ID;
  delete env.AWS_SECRET_ACCESS_KEY;
  delete env.AWS_SESSION_TOKEN;
  const cwd = tempDir('lambda-sync-task-');
  const result = await runCli(args, {
    cwd,
    env: {
      ...env,
      AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_EC2_METADATA_DISABLED: 'true',
      GIT_ALLOW_PROTOCOL: 'file',
      ...gitRedirectEnv(repo.dir, REPO_URL),
      TASKCLUSTER_ROOT_URL: queue.rootUrl,
      TASKCLUSTER_PROXY_URL: queue.proxyUrlFor(scopes),
      ...extra,
    },
  });
  outputs.push(result);
  return result;
}

/** Runs the decision task at `revision` and returns the tasks it created, with its artifacts folder. */
async function decisionAt(revision: string): Promise<{ tasks: Array<[string, TaskDefinition]>; artifacts: string; result: CliResult }> {
  const decisionId = await createDecisionTask(queue);
  const artifacts = join(work, `decision-${decisionId}`);
  const result = await asTask(['decision', '--repo-url', REPO_URL, '--revision', revision, '--artifacts', artifacts], DECISION_SCOPES, { TASK_ID: decisionId });
  assert.equal(result.code, 0, result.stderr);
  const tasks = [...queue.tasks].filter(([id, t]) => t.taskGroupId === decisionId && id !== decisionId);
  for (const [id, t] of tasks) {
    const { taskId: _ignored, ...body } = t as TaskDefinition & { taskId?: string };
    for (const check of [validateCreateTaskRequest(body), validateDockerWorkerPayload(t.payload), validateTreeherderConfig(t.extra.treeherder)]) {
      assert.ok(check.ok, `${id} ${t.metadata.name}: ${check.ok ? '' : check.errors.join('; ')}`);
    }
  }
  return { tasks, artifacts, result };
}

const removals = (tasks: Array<[string, TaskDefinition]>) => tasks.filter(([, t]) => t.metadata.name.startsWith('remove '));

/** Runs a task's payload command as docker-worker would, with its artifacts folder; returns its result.json too. */
async function runTask(task: TaskDefinition): Promise<{ result: CliResult; json: RemoveResultJson }> {
  const artifacts = tempDir('lambda-sync-task-artifacts-');
  const payload = task.payload as DockerWorkerPayload;
  const args = payload.command!.map((arg) => (arg === '/home/node/lambda-sync' ? artifacts : arg));
  const result = await asTask(args, task.scopes, payload.env ?? {});
  return { result, json: JSON.parse(readFileSync(join(artifacts, 'result.json'), 'utf8')) as RemoveResultJson };
}

const removeArgs = (revision: string, functionName = GONE) => ['remove', 'fns/gone', '--function-name', functionName, '--repo-url', REPO_URL, '--revision', revision];

describe('the decision with an orphan in Lambda', () => {
  let removeTask: TaskDefinition;

  it('pruning off: no remove task, the orphan is a note in the summary', async () => {
    const { tasks, artifacts, result } = await decisionAt(c.off);
    assert.deepEqual(removals(tasks), []);
    assert.match(readFileSync(join(artifacts, 'summary.txt'), 'utf8'), new RegExp(`^warning: 1 function of this repository has no package at this revision \\(orphans, left in Lambda: pruning is off.*: ${GONE} \\(fns/gone\\)$`, 'm'));
    assert.match(result.stderr, /pruning is off/);
  });

  it('over the safety valve (pruneMaxDeletes: 0): no remove task, and the summary and the log say why and name the setting', async () => {
    const { tasks, artifacts, result } = await decisionAt(c.valve);
    assert.deepEqual(removals(tasks), []);
    const summary = readFileSync(join(artifacts, 'summary.txt'), 'utf8');
    assert.match(summary, /^warning: pruning: no remove task: refusing to delete 1 function: that is more than 0 \(pruneMaxDeletes\); nothing was deleted \(fns\/gone\)\..*raise pruneMaxDeletes in lambda-sync\.yml/m);
    assert.match(result.stderr, /warn.*pruning: no remove task: refusing to delete 1 function/i);
  });

  it('pruning on: exactly one remove task, with the secret\'s scope, listed in plan.json as remove', async () => {
    const { tasks, artifacts } = await decisionAt(c.on);
    const found = removals(tasks);
    assert.deepEqual(found.map(([, t]) => t.metadata.name), ['remove fns/gone']);
    removeTask = found[0]![1];
    assert.deepEqual(removeTask.scopes, [`secrets:get:${SECRET}`]);
    assert.deepEqual((removeTask.payload as DockerWorkerPayload).command!.slice(0, 8), removeArgs(c.on));
    const plan = JSON.parse(readFileSync(join(artifacts, 'plan.json'), 'utf8')) as { packages: Array<{ path: string; decision: string; why: string; taskId: string | null }> };
    const entry = plan.packages.find((p) => p.decision === 'remove')!;
    assert.equal(entry.path, 'fns/gone');
    assert.match(entry.why, /^orphan: HEAD has no fns\/gone; deployed from [0-9a-f]{12}$/);
    assert.equal(entry.taskId, found[0]![0]);
  });

  it('its task leaves the function while it runs a later revision (the package came back and was deployed)', async () => {
    const admin = new LambdaClient(lambda.clientConfig());
    const setDescription = (revision: string) => admin.send(new UpdateFunctionConfigurationCommand({ FunctionName: GONE, Description: functionDescription(REPO_ID, 'fns/gone', revision) }));
    try {
      await setDescription(c.back);
      await new Promise((resolve) => setTimeout(resolve, 60));
      const { result, json } = await runTask(removeTask);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(json.action, 'left');
      assert.match(json.detail!, new RegExp(`deployed from ${c.back.slice(0, 12)}, which is not in HEAD's history`));
      assert.ok(lambda.function(GONE), 'still there');
    } finally {
      await setDescription(c.first);
      await new Promise((resolve) => setTimeout(resolve, 60));
      admin.destroy();
    }
  });

  it('its task deletes the function under a session that may only read and delete it; run again, it is already gone', async () => {
    const before = sts.calls.length;
    const { result, json } = await runTask(removeTask);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(lambda.function(GONE), undefined);
    assert.ok(lambda.function(FOREIGN), 'the other repository\'s function stays');
    assert.match(result.stderr, new RegExp(`^deleted ${GONE} \\(fns/gone\\): deployed from [0-9a-f]{12}; HEAD has no fns/gone \\(`, 'm'));
    assert.equal(json.action, 'deleted');
    assert.deepEqual(json.revisions, { head: c.on, deployed: c.first });
    assert.equal(json.cloned, true);
    assert.deepEqual(json.apiCalls.map((call) => call.operation), ['GetFunction', 'GetFunction', 'ListVersionsByFunction', 'ListAliases', 'DeleteFunction']);
    const sessions = sts.calls.slice(before).filter((s) => s.action === 'AssumeRole');
    assert.equal(sessions.length, 1);
    const gone = lambda.arn(GONE);
    assert.deepEqual((sessions[0]!.policy as { Statement: unknown[] }).Statement, [
      { Sid: 'RemoveOneFunction', Effect: 'Allow', Action: ['lambda:GetFunction', 'lambda:ListTags', 'lambda:ListVersionsByFunction', 'lambda:ListAliases', 'lambda:DeleteFunction'], Resource: [gone, `${gone}:*`] },
    ]);
    assert.equal(lambda.callsTo('DeleteFunction', GONE).at(-1)!.status, 204, 'the double enforced the session policy and allowed it');

    const again = await runTask(removeTask);
    assert.equal(again.result.code, 0, again.result.stderr);
    assert.match(again.result.stderr, new RegExp(`^${GONE} \\(fns/gone\\) is already gone: nothing to delete \\(`, 'm'));
    assert.deepEqual([again.json.action, again.json.cloned], ['already-gone', false]);
    assert.deepEqual(again.json.apiCalls.map((call) => call.operation), ['GetFunction'], 'one GetFunction, no clone');
  });
});

describe('lambda-sync remove leaves what is not an orphan', () => {
  const taskScopes = [`secrets:get:${SECRET}`];
  const rootConfig = JSON.stringify({ region: 'us-east-1', aws: { secret: SECRET, deployRoleArn: DEPLOY_ROLE } });

  it('a path that has a package again at the revision', async () => {
    if (!lambda.function(GONE)) seedPackageFunction(lambda, { repository: REPO_ID, path: 'fns/gone', functionName: GONE, revision: c.first });
    const result = await asTask([...removeArgs(c.back), '--root-config', rootConfig], taskScopes);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, new RegExp(`^left ${GONE} \\(fns/gone\\): fns/gone at ${c.back.slice(0, 12)} deploys to it, so it stays \\(`, 'm'));
    assert.ok(lambda.function(GONE));
  });

  it('a function of another repository, before any clone', async () => {
    const result = await asTask([...removeArgs(c.on, FOREIGN), '--root-config', rootConfig], taskScopes);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, new RegExp(`^left ${FOREIGN} \\(fns/gone\\): its Description "github\\.com/example/other/fns/gone@[0-9a-f]{40}" names another repository: not this removal's function, so it stays`, 'm'));
    assert.doesNotMatch(result.stderr, /clone/);
    assert.ok(lambda.function(FOREIGN));
    assert.deepEqual(lambda.callsTo('DeleteFunction', FOREIGN), []);
  });

  it('bad arguments: exit 2 with a clear message, before any AWS call', async () => {
    const calls = lambda.calls.length;
    const cases: Array<[string[], RegExp]> = [
      [['remove', '../x', '--function-name', 'f'], /"\.\.\/x" is not a package path from the repository root/],
      [['remove', 'fns/gone', '--function-name', 'f', '--function-key', 'a#b'], /--function-key "a#b" is not a functions key/],
      [['remove', 'fns/gone', '--function-name', 'f', '--revision', c.on], /--revision needs --repo-url/],
      [['remove', 'fns/gone'], /required option '--function-name <name>' not specified/],
    ];
    const results = await Promise.all(cases.map(([args]) => asTask(args, taskScopes)));
    for (const [i, [args, message]] of cases.entries()) {
      assert.equal(results[i]!.code, 2, `${args.join(' ')}: ${results[i]!.stderr}`);
      assert.match(results[i]!.stderr, message);
    }
    assert.equal(lambda.calls.length, calls);
  });

  it('nothing printed the AWS keys', () => {
    for (const out of outputs) assert.doesNotMatch(out.stdout + out.stderr, new RegExp(`${KEYS.secretAccessKey}|${KEYS.accessKeyId}`));
  });
});

