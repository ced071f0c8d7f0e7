// Proves the STS double speaks awsQuery to the real STSClient, validates like
// STS, and that the Lambda double holds its session credentials to their
// session policy.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateFunctionCommand, GetFunctionCommand, LambdaClient, UpdateFunctionCodeCommand } from '@aws-sdk/client-lambda';
import { type LambdaServer, startLambdaServer } from '../support/lambda-server.js';
import { type StsServer, startStsServer } from '../support/sts-server.js';
import { handlerZip } from '../support/zip.js';
import { sdkFailure } from '../support/sdk-error.js';
import { readDeployed } from '../../src/lambda/check.js';
import { OperationError } from '../../src/errors.js';


const ROLE = 'arn:aws:iam::123456789012:role/lambda-sync-deployer';
const EXEC_ROLE = 'arn:aws:iam::123456789012:role/lambda-exec';
const policyFor = (arn: string, actions = ['lambda:GetFunction', 'lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration']) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: actions, Resource: arn }],
});

let sts: StsServer;
let client: STSClient;
const toClose: Array<{ destroy(): void }> = [];
afterEach(async () => {
  for (const c of toClose.splice(0)) c.destroy();
  await sts.close();
});

describe('STS double', () => {
  beforeEach(async () => {
    sts = await startStsServer();
    client = new STSClient({ endpoint: sts.url, region: 'us-east-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'x' } });
    toClose.push(client);
  });

  it('answers AssumeRole in a shape the real client parses, and records the session policy', async () => {
    const arn = 'arn:aws:lambda:us-east-1:123456789012:function:lsync-do-things-0123456789abcdef';
    const before = Date.now();
    const out = await client.send(new AssumeRoleCommand({
      RoleArn: ROLE, RoleSessionName: 'deploy-do-things', Policy: JSON.stringify(policyFor(arn)), DurationSeconds: 900,
    }));
    const creds = out.Credentials!;
    assert.match(creds.AccessKeyId!, /^ASIA[A-Z2-7]{16}$/);
    assert.ok(creds.SecretAccessKey && creds.SessionToken);
    assert.ok(creds.Expiration instanceof Date);
    const ttl = creds.Expiration.getTime() - before;
    assert.ok(ttl > 890_000 && ttl < 910_000, `expires in ${ttl} ms`);
    assert.equal(out.AssumedRoleUser!.Arn, 'arn:aws:sts::123456789012:assumed-role/lambda-sync-deployer/deploy-do-things');

    assert.equal(sts.calls.length, 1);
    const call = sts.calls[0]!;
    assert.equal(call.accessKeyId, 'AKIDTEST');
    assert.equal(call.roleArn, ROLE);
    assert.equal(call.roleSessionName, 'deploy-do-things');
    assert.equal(call.durationSeconds, 900);
    assert.equal(call.issuedAccessKeyId, creds.AccessKeyId);
    const resources = (call.policy as ReturnType<typeof policyFor>).Statement.flatMap((s) => [s.Resource].flat());
    assert.deepEqual(resources, [arn], 'the session policy names exactly one function');
  });

  it('surfaces validation failures as the SDK error ValidationError', async () => {
    const e = await sdkFailure(client.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'has space', DurationSeconds: 899 })));
    assert.equal(e.name, 'ValidationError');
    assert.equal(e.$metadata.httpStatusCode, 400);
    assert.match(e.message, /^2 validation errors detected: Value 'has space' at 'roleSessionName' failed to satisfy constraint/);
    assert.match(e.message, /Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900/);
    assert.equal(sts.calls[0]!.errorCode, 'ValidationError');

    const long = JSON.stringify({ ...policyFor('*'), Sid: 'x'.repeat(2100) });
    assert.equal((await sdkFailure(client.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'ok', Policy: long })))).name, 'ValidationError');
    const tooLong = await sdkFailure(client.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'ok', DurationSeconds: 7200 })));
    assert.equal(tooLong.message, 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    const malformed = await sdkFailure(client.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'ok', Policy: '{"Statement": [' })));
    assert.equal(malformed.name, 'MalformedPolicyDocumentException');
  });

  it('refuses roles that do not exist with AccessDenied when roles are declared', async () => {
    await sts.close();
    sts = await startStsServer({ roles: { [ROLE]: { maxSessionDuration: 7200 } } });
    const c = new STSClient(sts.clientConfig());
    toClose.push(c);
    const ok = await c.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'ok', DurationSeconds: 7200 }));
    assert.ok(ok.Credentials!.AccessKeyId);
    const e = await sdkFailure(c.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::123456789012:role/other', RoleSessionName: 'ok' })));
    assert.equal(e.name, 'AccessDenied');
    assert.equal(e.$metadata.httpStatusCode, 403);
  });

  it('is retried by the SDK when it throttles, and knows who is calling', async () => {
    sts.inject.throttle(1);
    const out = await client.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'retry' }));
    assert.equal(out.$metadata.attempts, 2);
    assert.deepEqual(sts.calls.map((c) => c.status), [400, 200]);
    const assumed = new STSClient({
      ...sts.clientConfig(),
      credentials: { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken! },
    });
    toClose.push(assumed);
    const who = await assumed.send(new GetCallerIdentityCommand({}));
    assert.equal(who.Arn, 'arn:aws:sts::123456789012:assumed-role/lambda-sync-deployer/retry');
    assert.equal(who.Account, '123456789012');
  });

  it('requires a signed request', async () => {
    const res = await fetch(sts.url, { method: 'POST', body: 'Action=GetCallerIdentity&Version=2011-06-15' });
    assert.equal(res.status, 403);
    assert.match(await res.text(), /<Code>MissingAuthenticationToken<\/Code>/);
  });
});

describe('Lambda double with STS session credentials', () => {
  let lambda: LambdaServer;
  beforeEach(async () => {
    sts = await startStsServer();
    lambda = await startLambdaServer({ sts });
    client = new STSClient(sts.clientConfig());
    toClose.push(client);
    for (const name of ['fn-a', 'fn-b']) {
      lambda.seedFunction({ FunctionName: name, Role: EXEC_ROLE, Runtime: 'nodejs22.x', Handler: 'index.handler', Code: { ZipFile: handlerZip() } });
    }
  });
  afterEach(() => lambda.close());

  async function lambdaAs(policy: object): Promise<{ client: LambdaClient; accessKeyId: string }> {
    const out = await client.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'deploy', Policy: JSON.stringify(policy) }));
    const c = out.Credentials!;
    const l = new LambdaClient(lambda.clientConfig({ accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! }));
    toClose.push(l);
    return { client: l, accessKeyId: c.AccessKeyId! };
  }

  it('lets a session act on the function its policy names and nothing else', async () => {
    const { client: l, accessKeyId } = await lambdaAs(policyFor(lambda.arn('fn-a')));
    await l.send(new GetFunctionCommand({ FunctionName: 'fn-a' }));
    await l.send(new UpdateFunctionCodeCommand({ FunctionName: 'fn-a', ZipFile: handlerZip('v2') }));
    const e = await sdkFailure(l.send(new UpdateFunctionCodeCommand({ FunctionName: 'fn-b', ZipFile: handlerZip('v2') })));
    assert.equal(e.name, 'AccessDeniedException');
    assert.equal(e.$metadata.httpStatusCode, 403);
    assert.equal(e.message, 'User: arn:aws:sts::123456789012:assumed-role/lambda-sync-deployer/deploy is not authorized to perform: ' +
      'lambda:UpdateFunctionCode on resource: arn:aws:lambda:us-east-1:123456789012:function:fn-b because no session policy allows the lambda:UpdateFunctionCode action');
    assert.deepEqual(lambda.function('fn-b')!.code, handlerZip(), 'fn-b untouched');
    assert.equal(lambda.function('fn-b')!.configuration.LastUpdateStatus, 'Successful');
    assert.deepEqual(lambda.calls.map((c) => [c.operation, c.functionName, c.accessKeyId, c.status]), [
      ['GetFunction', 'fn-a', accessKeyId, 200],
      ['UpdateFunctionCode', 'fn-a', accessKeyId, 200],
      ['UpdateFunctionCode', 'fn-b', accessKeyId, 403],
    ]);
    assert.ok(lambda.calls.every((c) => c.sessionToken));
  });

  it('needs iam:PassRole in the session policy to create a function', async () => {
    const arn = lambda.arn('fn-new');
    const create = { FunctionName: 'fn-new', Role: EXEC_ROLE, Runtime: 'nodejs22.x' as const, Handler: 'index.handler', Code: { ZipFile: handlerZip() } };
    const { client: without } = await lambdaAs(policyFor(arn, ['lambda:CreateFunction']));
    const e = await sdkFailure(without.send(new CreateFunctionCommand(create)));
    assert.equal(e.name, 'AccessDeniedException');
    assert.match(e.message, /iam:PassRole on resource: arn:aws:iam::123456789012:role\/lambda-exec/);
    const { client: withPass } = await lambdaAs({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'lambda:CreateFunction', Resource: arn },
        { Effect: 'Allow', Action: 'iam:PassRole', Resource: EXEC_ROLE },
      ],
    });
    const made = await withPass.send(new CreateFunctionCommand(create));
    assert.equal(made.FunctionName, 'fn-new');
  });

  it('GetFunction returns the tags only with lambda:ListTags, else a TagsError; a deploy then stops with what to grant', async () => {
    lambda.seedFunction({ FunctionName: 'fn-tagged', Role: EXEC_ROLE, Runtime: 'nodejs22.x', Handler: 'index.handler', Code: { ZipFile: handlerZip() }, Tags: { 'lambda-sync:config': 'c'.repeat(64) } });
    const arn = lambda.arn('fn-tagged');
    const { client: without } = await lambdaAs(policyFor(arn, ['lambda:GetFunction']));
    const hidden = await without.send(new GetFunctionCommand({ FunctionName: 'fn-tagged' }));
    assert.equal(hidden.Tags, undefined);
    assert.equal(hidden.TagsError?.ErrorCode, 'AccessDeniedException');
    assert.match(hidden.TagsError?.Message ?? '', /not authorized to perform: lambda:ListTags on resource: .*fn-tagged/);
    await assert.rejects(readDeployed(without, 'fn-tagged'), (e: unknown) => e instanceof OperationError && /returned no tags/.test(e.message) && /allow lambda:ListTags/.test(e.hint ?? ''));
    const { client: allowed } = await lambdaAs(policyFor(arn, ['lambda:GetFunction', 'lambda:ListTags']));
    const shown = await allowed.send(new GetFunctionCommand({ FunctionName: 'fn-tagged' }));
    assert.deepEqual(shown.Tags, { 'lambda-sync:config': 'c'.repeat(64) });
    assert.equal(shown.TagsError, undefined);
    const deployed = await readDeployed(allowed, 'fn-tagged');
    assert.equal(deployed.kind === 'present' && deployed.tags['lambda-sync:config'], 'c'.repeat(64));
  });

  it('refuses session tokens it did not issue', async () => {
    const l = new LambdaClient(lambda.clientConfig({ accessKeyId: 'ASIAFORGEDFORGED0000', secretAccessKey: 'x', sessionToken: 'forged' }));
    toClose.push(l);
    const e = await sdkFailure(l.send(new GetFunctionCommand({ FunctionName: 'fn-a' })));
    assert.equal(e.name, 'UnrecognizedClientException');
    assert.equal(e.$metadata.httpStatusCode, 403);
  });
});
