// A deploy as a Taskcluster task runs it: AWS keys from a Taskcluster secret
// read through taskcluster-proxy (the queue double's proxy mode), the deploy
// role assumed through STS (the STS double) with a one-function session
// policy that the Lambda double enforces. And whatever happens, no credential
// reaches the output.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { runCli, type CliResult } from '../support/cli.js';
import type { TestRepo } from '../support/git-repo.js';
import { startLambdaServer, type LambdaServer } from '../support/lambda-server.js';
import { QueueServer } from '../support/queue-server.js';
import { startStsServer, type StsServer } from '../support/sts-server.js';
import { DeleteFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ROLE, cliEnv, repoWithPackages, seedPackageFunction } from './fixtures.js';

const SECRET_NAME = 'repo:github.com/example/functions:aws-deploy';
const DEPLOY_ROLE = 'arn:aws:iam::123456789012:role/lambda-sync-deployer';
// Recognisable fake keys: any of them in any output fails the test.
const KEYS = {
  accessKeyId: 'AKIAFAKEKEYDONOTPRINT',
  secretAccessKey: 'fake/SecretAccessKey+DoNotPrint/0123456789',
  sessionToken: 'FakeSessionTokenDoNotPrintFwoGZXIvYXdzEJr//////////wEaDOnotPrint',
};

let queue: QueueServer;
let sts: StsServer;
let lambda: LambdaServer;
let repo: TestRepo;
const outputs: Array<{ what: string; result: CliResult }> = [];

before(async () => {
  queue = await QueueServer.start();
  queue.putSecret(SECRET_NAME, KEYS);
  sts = await startStsServer();
  lambda = await startLambdaServer({ transitionMs: 20, sts });
  repo = repoWithPackages(['fn-a', 'fn-b'], [
    'region: us-east-1',
    'aws:',
    `  secret: "${SECRET_NAME}"`,
    `  deployRoleArn: ${DEPLOY_ROLE}`,
    'defaults:',
    `  role: ${ROLE}`,
    '',
  ].join('\n'));
});
after(async () => {
  await lambda.close();
  await sts.close();
  await queue.close();
  repo.cleanup();
});

/** Runs the CLI as a task, with the proxy granted `scopes`; keeps the output for the final check. */
async function asTask(what: string, args: string[], scopes = [`secrets:get:${SECRET_NAME}`]): Promise<CliResult> {
  const result = await runCli(args, {
    cwd: repo.dir,
    env: cliEnv(lambda, { TASKCLUSTER_PROXY_URL: queue.proxyUrlFor(scopes), AWS_ENDPOINT_URL_STS: sts.url }),
  });
  outputs.push({ what, result });
  return result;
}

describe('deploy in a task', () => {
  afterEach(() => lambda.calls.splice(0));

  it('reads the keys through the proxy, assumes the deploy role scoped to the function, and deploys with that session', async () => {
    const result = await asTask('deploy', ['deploy', 'fn-a', '--json']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal((JSON.parse(result.stdout) as { action: string }).action, 'created');
    assert.match(result.stderr, new RegExp(`read AWS credentials from secret ${SECRET_NAME} \\(`));
    const assume = sts.calls.filter((c) => c.action === 'AssumeRole').at(-1)!;
    assert.equal(assume.accessKeyId, KEYS.accessKeyId);
    assert.deepEqual(new Set(lambda.calls.map((c) => c.accessKeyId)), new Set([assume.issuedAccessKeyId]), 'not the ambient AWS_ACCESS_KEY_ID');
    const arn = lambda.arn(lambda.functions()[0]!.name);
    const resources = (assume.policy as { Statement: Array<{ Resource: string | string[] }> }).Statement.flatMap((s) => [s.Resource].flat());
    assert.deepEqual(resources, [arn, `${arn}:*`, ROLE]);
  });

  it('fails with exit 1 and Lambda\'s reason when the creation fails', async () => {
    lambda.inject.failNextCreate('The role defined for the function cannot be assumed by Lambda.', { reasonCode: 'InsufficientRolePermissions' });
    const result = await asTask('deploy fn-b', ['deploy', 'fn-b']);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /creation ended Failed: The role defined for the function cannot be assumed by Lambda\./);
  });

  it('fails with exit 1 and names the missing scope when the task may not read the secret', async () => {
    const result = await asTask('no scope', ['deploy', 'fn-a'], []);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, new RegExp(`cannot read the Taskcluster secret ${SECRET_NAME} through the proxy: InsufficientScopes 403`));
    assert.match(result.stderr, new RegExp(`secrets:get:${SECRET_NAME}`));
  });

  it('fails with exit 1 when STS refuses the role', async () => {
    sts.inject.error(1, { code: 'AccessDenied', message: `User: arn:aws:iam::123456789012:user/ci is not authorized to perform: sts:AssumeRole on resource: ${DEPLOY_ROLE}`, status: 403 });
    const result = await asTask('sts refused', ['deploy', 'fn-a']);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /cannot assume .*AccessDenied/);
  });

  it('sync --verbose in a task: one session per function', async () => {
    const before = sts.calls.filter((c) => c.action === 'AssumeRole').length;
    const result = await asTask('sync', ['sync', '--verbose']);
    assert.equal(result.code, 1, 'fn-b, whose creation failed, still fails');
    assert.match(result.stdout, /^fn-a\s+skipped/m);
    assert.match(result.stdout, /^fn-b\s+failed\s.*state Failed/m);
    assert.match(result.stderr, /^GetFunction fn-a-\w+: 200 \(\d+ ms\)$/m, 'every call, with its function');
    assert.equal(sts.calls.filter((c) => c.action === 'AssumeRole').length - before, 2);
  });

  it('sync --prune in a task: the listing reads under a read-only session, and the removal\'s session may only read and delete its one function', async () => {
    // fn-b's failed creation is cleared by hand, as the hint says; and a package removed from the repository is still deployed.
    const admin = new LambdaClient(lambda.clientConfig());
    const failed = lambda.functions().find((f) => f.configuration.State === 'Failed')!.name;
    await admin.send(new DeleteFunctionCommand({ FunctionName: failed }));
    admin.destroy();
    seedPackageFunction(lambda, { path: 'fn-gone', functionName: 'fn-gone-0123456789abcdef', revision: repo.head() });
    const before = sts.calls.length;
    const result = await asTask('sync --prune', ['sync', '--prune']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^fn-gone\s+deleted\s/m);
    assert.equal(lambda.function('fn-gone-0123456789abcdef'), undefined);
    const policies = sts.calls.slice(before).filter((c) => c.action === 'AssumeRole').map((c) => c.policy as { Statement: Array<{ Sid: string; Action: string | string[]; Resource: string | string[] }> });
    const removal = policies.find((p) => p.Statement[0]!.Sid === 'RemoveOneFunction')!;
    const gone = lambda.arn('fn-gone-0123456789abcdef');
    assert.deepEqual(removal.Statement.map((st) => [[st.Action].flat().sort(), st.Resource]), [
      // ListTags: Lambda returns a function's tags in GetFunction only to a caller allowed it, and the removal checks the ownership tag.
      [['lambda:DeleteFunction', 'lambda:GetFunction', 'lambda:ListAliases', 'lambda:ListTags', 'lambda:ListVersionsByFunction'], [gone, `${gone}:*`]],
    ]);
    const listing = policies.find((p) => p.Statement[0]!.Sid === 'ListTheAccount')!;
    assert.deepEqual(listing.Statement.map((st) => [st.Action, st.Resource]), [
      ['lambda:ListFunctions', '*'],
      [['lambda:ListTags', 'lambda:GetFunction'], [lambda.arn('*'), `${lambda.arn('*')}:*`]],
    ]);
    const deletes = lambda.callsTo('DeleteFunction', 'fn-gone-0123456789abcdef');
    assert.equal(deletes.length, 1);
    assert.equal(deletes[0]!.status, 204, 'the double enforced the session policy and allowed it');
  });

  it('never prints a credential: not the secret\'s keys, not the session\'s', () => {
    assert.ok(outputs.length >= 5);
    const issued = sts.calls.map((c) => c.issuedAccessKeyId).filter((k): k is string => k !== undefined);
    assert.ok(issued.length > 0);
    for (const { what, result } of outputs) {
      for (const secret of [...Object.values(KEYS), ...issued]) {
        assert.ok(!result.stdout.includes(secret) && !result.stderr.includes(secret), `${what} printed ${secret}:\n${result.stderr}`);
      }
    }
  });
});
