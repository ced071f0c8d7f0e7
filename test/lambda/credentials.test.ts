// Where AWS credentials come from, and the session policy that scopes a
// task's credentials to its one function, checked on what the real STS
// client sends to the STS double and enforced by the Lambda double.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { afterEach, describe, it } from 'node:test';
import { GetFunctionCommand } from '@aws-sdk/client-lambda';
import { ConfigError } from '../../src/errors.js';
import { openLambdaAccess, type LambdaAccess } from '../../src/lambda/access.js';
import { credentialSource, credentialsFromSecret } from '../../src/lambda/credentials.js';
import { checkAndDeploy } from '../../src/lambda/deploy.js';
import { redactSecrets } from '../../src/lambda/redact.js';
import { DEPLOY_ACTIONS, parseRoleArn, sessionPolicy } from '../../src/lambda/session-policy.js';
import { startLambdaServer, type LambdaServer } from '../support/lambda-server.js';
import { startStsServer, type StsServer } from '../support/sts-server.js';
import { FAST_WAIT, ROLE, countingBundle, fixedHistory, packageConfig, target } from './fixtures.js';

const DEPLOY_ROLE = 'arn:aws:iam::123456789012:role/lambda-sync-deployer';

describe('credential source', () => {
  const cases: Array<[string, NodeJS.ProcessEnv, Parameters<typeof credentialSource>[1], ReturnType<typeof credentialSource>]> = [
    ['on a laptop: the default chain', {}, { secret: 's' }, { kind: 'default-chain' }],
    ['in a task without aws.secret: the default chain (worker role)', { TASKCLUSTER_PROXY_URL: 'http://taskcluster' }, {}, { kind: 'default-chain' }],
    ['in a task with aws.secret', { TASKCLUSTER_PROXY_URL: 'http://taskcluster' }, { secret: 's' }, { kind: 'taskcluster-secret', secretName: 's', deployRoleArn: undefined }],
    ['in a task with aws.secret and a deploy role', { TASKCLUSTER_PROXY_URL: 'http://taskcluster' }, { secret: 's', deployRoleArn: DEPLOY_ROLE }, { kind: 'taskcluster-secret', secretName: 's', deployRoleArn: DEPLOY_ROLE }],
  ];
  for (const [name, env, aws, expected] of cases) {
    it(name, () => assert.deepEqual(credentialSource(env, aws), expected));
  }
});

describe('a secret that does not hold AWS keys', () => {
  const SECRET_VALUE = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzSECRET';
  const cases: Array<[string, unknown, RegExp]> = [
    ['not an object', 'AKIAXXXXXXXX', /is not an object/],
    ['an array', [SECRET_VALUE], /is not an object/],
    ['no accessKeyId', { secretAccessKey: SECRET_VALUE }, /accessKeyId: is missing/],
    ['no secretAccessKey', { accessKeyId: 'AKIAEXAMPLEKEY1' }, /secretAccessKey: is missing/],
    ['an empty secretAccessKey', { accessKeyId: 'AKIAEXAMPLEKEY1', secretAccessKey: '' }, /secretAccessKey: is missing or not a non-empty string/],
    ['a sessionToken that is a number', { accessKeyId: 'AKIAEXAMPLEKEY1', secretAccessKey: SECRET_VALUE, sessionToken: 7 }, /sessionToken: is not a non-empty string/],
  ];
  for (const [name, value, expected] of cases) {
    it(`${name}: a config error that names the field and never the value`, () => {
      assert.throws(() => credentialsFromSecret(value, 'repo:github.com/example/functions:aws'), (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.match(e.message, expected);
        assert.match(e.message, /Taskcluster secret repo:github\.com\/example\/functions:aws/);
        assert.ok(!e.message.includes(SECRET_VALUE) && !e.message.includes('AKIA'), e.message);
        return true;
      });
    });
  }

  it('registers the keys it reads, so that anything printed later has them redacted', () => {
    const keys = credentialsFromSecret({ accessKeyId: 'AKIAREDACTME123456', secretAccessKey: 'redact/this+secret/please' }, 'x');
    assert.equal(redactSecrets(`signed with ${keys.accessKeyId} and ${keys.secretAccessKey}`), 'signed with *** and ***');
  });
});

describe('session policy', () => {
  it('takes partition and account from the deploy role ARN', () => {
    assert.deepEqual(parseRoleArn('arn:aws-cn:iam::210987654321:role/path/deployer'), { partition: 'aws-cn', accountId: '210987654321' });
    assert.throws(() => parseRoleArn('arn:aws:iam::123:role/x'), ConfigError);
    assert.throws(() => parseRoleArn('arn:aws:iam::123456789012:user/x'), ConfigError);
  });

  it('allows the deploy actions on the function and its qualifiers, PassRole on its role, S3 under its prefix; nothing else', () => {
    const policy = JSON.parse(sessionPolicy({
      partition: 'aws', region: 'eu-west-1', accountId: '123456789012', functionName: 'fn-a', executionRoleArn: ROLE,
      s3: { bucket: 'code-bucket', keyPrefix: 'lambda-sync/fn-a/' },
    })) as { Statement: Array<{ Action: string | string[]; Resource: string | string[]; Effect: string }> };
    const resources = policy.Statement.flatMap((s) => [s.Resource].flat());
    assert.deepEqual(resources, [
      'arn:aws:lambda:eu-west-1:123456789012:function:fn-a',
      'arn:aws:lambda:eu-west-1:123456789012:function:fn-a:*',
      ROLE,
      'arn:aws:s3:::code-bucket/lambda-sync/fn-a/*',
    ]);
    assert.ok(policy.Statement.every((s) => s.Effect === 'Allow'));
    assert.ok(!resources.some((r) => r.includes('*') && !r.endsWith('fn-a:*') && !r.endsWith('fn-a/*')), 'no wildcard beyond the function');
    assert.deepEqual(policy.Statement[1]!.Action, 'iam:PassRole');
  });
});

describe('task credentials through STS', () => {
  let lambda: LambdaServer;
  let sts: StsServer;
  let access: LambdaAccess | undefined;
  afterEach(async () => {
    access?.close();
    await lambda.close();
    await sts.close();
  });

  async function open(secret: Record<string, string>) {
    sts = await startStsServer();
    lambda = await startLambdaServer({ transitionMs: 20, sts });
    const read: string[] = [];
    access = await openLambdaAccess({
      rootConfig: { region: 'us-east-1', aws: { secret: 'repo:github.com/example/functions:aws', deployRoleArn: DEPLOY_ROLE } },
      env: { TASKCLUSTER_PROXY_URL: 'http://proxy.invalid' },
      readSecret: async (name) => (read.push(name), secret),
      endpoints: { lambda: lambda.url, sts: sts.url },
    });
    return { access, read };
  }

  it('assumes the deploy role once with a session policy naming only the function, and deploys under it', async () => {
    const { access, read } = await open({ accessKeyId: 'AKIATASKSECRET0001', secretAccessKey: 'task-secret-access-key' });
    const fn = access.forFunction({ functionName: 'lambda-sync-test-fn-a', executionRoleArn: ROLE });
    const config = packageConfig({ alias: 'live' });
    const created = await checkAndDeploy(target({ config }), { client: fn.client, bundle: countingBundle('v1').bundle, history: fixedHistory('not-newer'), wait: FAST_WAIT });
    assert.equal(created.action, 'created');
    const updated = await checkAndDeploy(target({ config, revision: '2'.repeat(40) }), { client: fn.client, bundle: countingBundle('v2').bundle, history: fixedHistory('not-newer'), wait: FAST_WAIT });
    assert.equal(updated.action, 'updated');

    assert.deepEqual(read, ['repo:github.com/example/functions:aws'], 'the secret is read once');
    const assumes = sts.calls.filter((c) => c.action === 'AssumeRole');
    assert.equal(assumes.length, 1, 'the role is assumed once');
    const call = assumes[0]!;
    assert.equal(call.accessKeyId, 'AKIATASKSECRET0001', 'signed with the secret\'s keys');
    assert.equal(call.roleArn, DEPLOY_ROLE);
    const policy = call.policy as { Statement: Array<{ Action: string | string[]; Resource: string | string[] }> };
    const arn = lambda.arn('lambda-sync-test-fn-a');
    assert.deepEqual(policy.Statement.map((s) => [s.Action, s.Resource]), [
      [[...DEPLOY_ACTIONS], [arn, `${arn}:*`]],
      ['iam:PassRole', ROLE],
    ]);
    // Every Lambda call was signed with the assumed session, not the secret's keys.
    const signers = new Set(lambda.calls.map((c) => c.accessKeyId));
    assert.deepEqual([...signers], [call.issuedAccessKeyId]);
  });

  it('cannot touch another function with those credentials: the Lambda double enforces the session policy', async () => {
    const { access } = await open({ accessKeyId: 'AKIATASKSECRET0001', secretAccessKey: 'task-secret-access-key' });
    lambda.seedFunction({ FunctionName: 'someone-elses-function', Role: ROLE, Runtime: 'nodejs24.x', Handler: 'main.handler', Code: { ZipFile: readFileSync(countingBundle('x').file.file) } });
    const fn = access.forFunction({ functionName: 'lambda-sync-test-fn-a', executionRoleArn: ROLE });
    await assert.rejects(fn.client.send(new GetFunctionCommand({ FunctionName: 'someone-elses-function' })), { name: 'AccessDeniedException' });
    // Nor pass another role than the execution role the session was scoped to.
    const other = await checkAndDeploy(target({ config: packageConfig({ role: 'arn:aws:iam::123456789012:role/admin' }) }), {
      client: fn.client, bundle: countingBundle('v1').bundle, history: fixedHistory('not-newer'), wait: FAST_WAIT,
    }).then(() => undefined, (e: unknown) => e);
    assert.match(String(other), /AccessDeniedException.*iam:PassRole/);
  });

  /** Access whose secret reader fails with `error`, as the secrets service behind the proxy would answer. */
  async function accessFailingToReadSecret(error: Error) {
    sts = await startStsServer();
    lambda = await startLambdaServer({ sts });
    access = await openLambdaAccess({
      rootConfig: { region: 'us-east-1', aws: { secret: 'repo:x:aws', deployRoleArn: DEPLOY_ROLE } },
      env: { TASKCLUSTER_PROXY_URL: 'http://proxy.invalid' },
      readSecret: async () => {
        throw error;
      },
      endpoints: { lambda: lambda.url, sts: sts.url },
    });
    return access.forFunction({ functionName: 'fn', executionRoleArn: ROLE });
  }

  it('says to create the secret when the secrets service has none of that name (404), not to add a scope', async () => {
    const fn = await accessFailingToReadSecret(Object.assign(new Error('Secret not found'), { code: 'ResourceNotFound', statusCode: 404 }));
    await assert.rejects(fn.client.send(new GetFunctionCommand({ FunctionName: 'fn' })), (e: unknown) => {
      assert.match(String(e), /cannot read the Taskcluster secret repo:x:aws through the proxy: ResourceNotFound 404/);
      const hint = (e as { hint?: string }).hint ?? '';
      assert.match(hint, /no secret named repo:x:aws/);
      assert.match(hint, /accessKeyId/);
      return true;
    });
  });

  it('says which scope is missing when the secret cannot be read, without the secret in the message', async () => {
    const fn = await accessFailingToReadSecret(Object.assign(new Error('secret body would go here'), { code: 'InsufficientScopes', statusCode: 403 }));
    await assert.rejects(fn.client.send(new GetFunctionCommand({ FunctionName: 'fn' })), (e: unknown) => {
      assert.match(String(e), /cannot read the Taskcluster secret repo:x:aws through the proxy: InsufficientScopes 403/);
      assert.ok(!String(e).includes('secret body'));
      return true;
    });
  });
});
