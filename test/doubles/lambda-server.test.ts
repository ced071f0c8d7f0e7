// Proves the Lambda double behaves like Lambda towards the real SDK client:
// every assertion goes through @aws-sdk/client-lambda over HTTP.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import {
  CreateAliasCommand, type CreateFunctionCommandInput, CreateFunctionCommand, DeleteFunctionCommand, GetAliasCommand,
  GetFunctionCommand, GetFunctionConfigurationCommand, LambdaClient, ListFunctionsCommand, ListTagsCommand,
  ListVersionsByFunctionCommand, PublishVersionCommand, TagResourceCommand, UntagResourceCommand, UpdateAliasCommand,
  UpdateFunctionCodeCommand, UpdateFunctionConfigurationCommand, paginateListFunctions, waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { type LambdaServer, startLambdaServer } from '../support/lambda-server.js';
import { handlerZip, makeZip } from '../support/zip.js';
import { sdkFailure, type SdkError } from '../support/sdk-error.js';


const ROLE = 'arn:aws:iam::123456789012:role/lambda-exec';
const ZIP = handlerZip();
const input = (name: string, extra: Partial<CreateFunctionCommandInput> = {}): CreateFunctionCommandInput => ({
  FunctionName: name, Role: ROLE, Runtime: 'nodejs22.x', Handler: 'index.handler', Code: { ZipFile: ZIP }, ...extra,
});
const sha = (b: Buffer) => createHash('sha256').update(b).digest('base64');
const fast = (client: LambdaClient) => ({ client, maxWaitTime: 20, minDelay: 0.05, maxDelay: 0.2 });

let server: LambdaServer;
let lambda: LambdaClient;
const clients: LambdaClient[] = [];
function client(opts: { accessKeyId?: string; maxAttempts?: number; region?: string } = {}): LambdaClient {
  const c = new LambdaClient({
    endpoint: server.url,
    region: opts.region ?? 'us-east-1',
    credentials: { accessKeyId: opts.accessKeyId ?? 'AKIDTEST', secretAccessKey: 'x' },
    ...(opts.maxAttempts ? { maxAttempts: opts.maxAttempts } : {}),
  });
  clients.push(c);
  return c;
}

async function start(opts: Parameters<typeof startLambdaServer>[0] = {}): Promise<void> {
  server = await startLambdaServer(opts);
  lambda = client();
}
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await server.close();
});

describe('Lambda double: lifecycle', () => {
  beforeEach(() => start());

  it('creates Pending/Creating without LastUpdateStatus, then Active/Successful via waitUntilFunctionActiveV2', async () => {
    const created = await lambda.send(new CreateFunctionCommand(input('fn')));
    assert.equal(created.$metadata.httpStatusCode, 201);
    assert.equal(created.State, 'Pending');
    assert.equal(created.StateReasonCode, 'Creating');
    assert.equal(created.LastUpdateStatus, undefined);
    assert.equal(created.Version, '$LATEST');
    assert.equal(created.FunctionArn, 'arn:aws:lambda:us-east-1:123456789012:function:fn');
    assert.match(created.LastModified!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 20 }, { FunctionName: 'fn' });
    const got = await lambda.send(new GetFunctionCommand({ FunctionName: 'fn' }));
    assert.equal(got.Configuration!.State, 'Active');
    assert.equal(got.Configuration!.LastUpdateStatus, 'Successful');
    assert.notEqual(got.Configuration!.RevisionId, created.RevisionId, 'completing creation is a change');
    assert.equal(got.Code!.RepositoryType, 'S3');
  });

  it('answers 404 ResourceNotFoundException for a missing function, naming its ARN', async () => {
    const e = await sdkFailure(lambda.send(new GetFunctionCommand({ FunctionName: 'missing' })));
    assert.equal(e.name, 'ResourceNotFoundException');
    assert.equal(e.$metadata.httpStatusCode, 404);
    assert.equal(e.message, 'Function not found: arn:aws:lambda:us-east-1:123456789012:function:missing');
  });

  it('refuses updates while Pending and while InProgress with 409, which the SDK does not retry', async () => {
    // Long enough that the next call still finds it Pending on a loaded machine (50 ms was not).
    server.inject.slowTransitions(1000);
    await lambda.send(new CreateFunctionCommand(input('fn')));
    const pending = await sdkFailure(lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'fn', ZipFile: ZIP })));
    assert.equal(pending.name, 'ResourceConflictException');
    assert.match(pending.message, /currently in the following state: Pending/);
    await waitUntilFunctionActiveV2(fast(lambda), { FunctionName: 'fn' });

    const updated = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'fn', ZipFile: handlerZip('v2') }));
    assert.equal(updated.LastUpdateStatus, 'InProgress');
    assert.equal(updated.State, 'Active');
    const e = await sdkFailure(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'fn', Description: 'x' })));
    assert.equal(e.name, 'ResourceConflictException');
    assert.equal(e.$metadata.httpStatusCode, 409);
    assert.equal(e.message, 'The operation cannot be performed at this time. An update is in progress for resource: arn:aws:lambda:us-east-1:123456789012:function:fn');
    assert.equal(e.$metadata.attempts, 1);
    assert.deepEqual(server.callsTo('UpdateFunctionConfiguration').map((c) => [c.attempt, c.status]), [[1, 409]]);

    await waitUntilFunctionUpdatedV2(fast(lambda), { FunctionName: 'fn' });
    const after = await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'fn', Description: 'x' }));
    assert.equal(after.Description, 'x');
  });

  it('refuses a second CreateFunction of the same name with "Function already exist"', async () => {
    await lambda.send(new CreateFunctionCommand(input('fn')));
    const e = await sdkFailure(lambda.send(new CreateFunctionCommand(input('fn'))));
    assert.equal(e.name, 'ResourceConflictException');
    assert.equal(e.message, 'Function already exist: fn');
  });

  it('keeps the previous code and configuration when an update fails, and reports why through GetFunction', async () => {
    const old = handlerZip('old');
    server.seedFunction(input('fn', { Code: { ZipFile: old }, Description: 'before' }));
    server.inject.failNextUpdate('Lambda could not unpack the layer', { reasonCode: 'InvalidZipFileException' });
    const started = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'fn', ZipFile: handlerZip('new') }));
    assert.equal(started.CodeSha256, sha(handlerZip('new')), 'the response describes the code being deployed');

    const waited = await sdkFailure(waitUntilFunctionUpdatedV2(fast(lambda), { FunctionName: 'fn' }));
    const parsed = JSON.parse(waited.message) as { state: string; reason: { Configuration: Record<string, string> } };
    assert.equal(parsed.state, 'FAILURE');
    assert.equal(parsed.reason.Configuration.LastUpdateStatusReason, 'Lambda could not unpack the layer');

    const got = (await lambda.send(new GetFunctionCommand({ FunctionName: 'fn' }))).Configuration!;
    assert.equal(got.LastUpdateStatus, 'Failed');
    assert.equal(got.LastUpdateStatusReasonCode, 'InvalidZipFileException');
    assert.equal(got.State, 'Active');
    assert.equal(got.CodeSha256, sha(old));
    assert.deepEqual(server.function('fn')!.code, old);
    // A failed update does not block the next one.
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'fn', Description: 'after' }));
    await waitUntilFunctionUpdatedV2(fast(lambda), { FunctionName: 'fn' });
    assert.equal(server.function('fn')!.configuration.Description, 'after');
  });

  it('ends a create in State Failed when injected, and then refuses updates', async () => {
    server.inject.failNextCreate('The role cannot be assumed', { reasonCode: 'InsufficientRolePermissions' });
    await lambda.send(new CreateFunctionCommand(input('fn')));
    const e = await sdkFailure(waitUntilFunctionActiveV2(fast(lambda), { FunctionName: 'fn' }));
    assert.match(e.message, /"state":"FAILURE"/);
    const got = (await lambda.send(new GetFunctionCommand({ FunctionName: 'fn' }))).Configuration!;
    assert.deepEqual([got.State, got.StateReasonCode], ['Failed', 'InsufficientRolePermissions']);
    const u = await sdkFailure(lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'fn', ZipFile: ZIP })));
    assert.equal(u.name, 'ResourceConflictException');
  });

  it('changes RevisionId on every change and answers 412 to a stale one', async () => {
    server.seedFunction(input('fn'));
    const r0 = (await lambda.send(new GetFunctionCommand({ FunctionName: 'fn' }))).Configuration!.RevisionId!;
    const r1 = (await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'fn', Description: 'a', RevisionId: r0 }))).RevisionId!;
    assert.notEqual(r1, r0);
    await waitUntilFunctionUpdatedV2(fast(lambda), { FunctionName: 'fn' });
    const r2 = (await lambda.send(new GetFunctionCommand({ FunctionName: 'fn' }))).Configuration!.RevisionId!;
    assert.notEqual(r2, r1, 'the asynchronous completion changes it too');
    for (const cmd of [
      new UpdateFunctionCodeCommand({ FunctionName: 'fn', ZipFile: ZIP, RevisionId: r1 }),
      new UpdateFunctionConfigurationCommand({ FunctionName: 'fn', Timeout: 5, RevisionId: r1 }),
      new PublishVersionCommand({ FunctionName: 'fn', RevisionId: r1 }),
    ]) {
      // Each command type has its own output type; the union is all we need here.
      const e = await sdkFailure(lambda.send(cmd as UpdateFunctionCodeCommand));
      assert.equal(e.name, 'PreconditionFailedException');
      assert.equal(e.$metadata.httpStatusCode, 412);
    }
    const ok = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'fn', ZipFile: ZIP, RevisionId: r2 }));
    assert.equal(ok.LastUpdateStatus, 'InProgress');
  });

  it('deletes a function', async () => {
    server.seedFunction(input('fn'));
    const d = await lambda.send(new DeleteFunctionCommand({ FunctionName: 'fn' }));
    assert.ok([200, 204].includes(d.$metadata.httpStatusCode!));
    assert.equal((await sdkFailure(lambda.send(new GetFunctionCommand({ FunctionName: 'fn' })))).name, 'ResourceNotFoundException');
    assert.equal(server.functions().length, 0);
  });
});

describe('Lambda double: validation', () => {
  beforeEach(() => start());

  const corrupt = Buffer.from(ZIP);
  corrupt[40] = corrupt[40]! ^ 0xff; // inside the deflate data: CRC no longer matches
  const rows: Array<[string, Partial<CreateFunctionCommandInput>, string, string]> = [
    ['name of 65 characters', { FunctionName: 'a'.repeat(65) }, 'ValidationException',
      `Value '${'a'.repeat(65)}' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 64`],
    ['name with a space', { FunctionName: 'my function' }, 'ValidationException',
      "Value 'my function' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern"],
    ['memory 64', { MemorySize: 64 }, 'ValidationException',
      "Value '64' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128"],
    ['memory 10241', { MemorySize: 10241 }, 'InvalidParameterValueException', '10240'],
    ['timeout 0', { Timeout: 0 }, 'ValidationException', "at 'timeout' failed to satisfy constraint"],
    ['timeout 901', { Timeout: 901 }, 'InvalidParameterValueException', '900 seconds'],
    ['description of 257 characters', { Description: 'd'.repeat(257) }, 'ValidationException',
      "at 'description' failed to satisfy constraint: Member must have length less than or equal to 256"],
    ['unknown runtime', { Runtime: 'nodejs99.x' as 'nodejs22.x' }, 'ValidationException',
      "Value 'nodejs99.x' at 'runtime' failed to satisfy constraint: Member must satisfy enum value set"],
    ['blocked runtime nodejs18.x', { Runtime: 'nodejs18.x' }, 'InvalidParameterValueException',
      'The runtime parameter of nodejs18.x is no longer supported for creating or updating AWS Lambda functions.'],
    ['blocked runtime nodejs20.x', { Runtime: 'nodejs20.x' }, 'InvalidParameterValueException', 'nodejs20.x is no longer supported'],
    ['no handler', { Handler: undefined }, 'InvalidParameterValueException',
      'Runtime and Handler are mandatory parameters for functions created with deployment packages.'],
    ['handler with a space', { Handler: 'index handler' }, 'ValidationException', "at 'handler'"],
    ['role that is a user', { Role: 'arn:aws:iam::123456789012:user/me' }, 'ValidationException', "at 'role'"],
    ['no role', { Role: undefined }, 'ValidationException', "Value null at 'role' failed to satisfy constraint: Member must not be null"],
    ['two architectures', { Architectures: ['x86_64', 'arm64'] }, 'ValidationException', "at 'architectures'"],
    ['reserved environment key', { Environment: { Variables: { AWS_REGION: 'eu-west-1', OK: '1' } } }, 'InvalidParameterValueException',
      'contains reserved keys that are currently not supported for modification. Reserved keys used in this request: AWS_REGION'],
    ['environment key starting with a digit', { Environment: { Variables: { '1X': 'y' } } }, 'ValidationException',
      "Value at 'environment.variables' failed to satisfy constraint"],
    ['environment over 4 KB', { Environment: { Variables: { BIG: 'x'.repeat(4100) } } }, 'InvalidParameterValueException',
      'exceeded the 4KB limit'],
    ['code that is not a zip', { Code: { ZipFile: Buffer.from('not a zip at all, just text') } }, 'InvalidParameterValueException',
      'Could not unzip uploaded file. Please check your file, then try to upload again.'],
    ['zip with corrupt data', { Code: { ZipFile: corrupt } }, 'InvalidParameterValueException', 'Could not unzip uploaded file.'],
    ['no code source', { Code: {} }, 'InvalidParameterValueException', 'Please provide a source for function code.'],
    ['S3 object that does not exist', { Code: { S3Bucket: 'my-bucket', S3Key: 'fn.zip' } }, 'InvalidParameterValueException',
      'Error occurred while GetObject. S3 Error Code: NoSuchBucket'],
    ['tag key with the aws: prefix', { Tags: { 'aws:owner': 'me' } }, 'InvalidParameterValueException', 'aws:'],
    ['tag value with a comma', { Tags: { owner: 'a,b' } }, 'InvalidParameterValueException', 'owner'],
  ];
  for (const [what, change, name, message] of rows) {
    it(`refuses ${what} with ${name}`, async () => {
      const e = await sdkFailure(lambda.send(new CreateFunctionCommand({ ...input('fn'), ...change })));
      assert.equal(e.name, name);
      assert.equal(e.$metadata.httpStatusCode, 400);
      assert.ok(e.message.includes(message), `message was: ${e.message}`);
      assert.equal(server.functions().length, 0);
    });
  }

  it('accepts the limits themselves and settable AWS_* variables', async () => {
    const c = await lambda.send(new CreateFunctionCommand(input('f'.repeat(64), {
      MemorySize: 10240, Timeout: 900, Description: 'd'.repeat(256), Architectures: ['arm64'], Runtime: 'provided.al2023',
      Environment: { Variables: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/wrap', NODE_OPTIONS: '--enable-source-maps' } },
      Tags: { 'repo path': 'github.com/x/y:functions/a@b=c+d' },
    })));
    assert.equal(c.MemorySize, 10240);
    assert.deepEqual(c.Architectures, ['arm64']);
    assert.equal(c.Environment!.Variables!.AWS_LAMBDA_EXEC_WRAPPER, '/opt/wrap');
  });

  it('applies the same rules to UpdateFunctionConfiguration', async () => {
    server.seedFunction(input('fn'));
    const e = await sdkFailure(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'fn', Runtime: 'nodejs16.x' })));
    assert.equal(e.name, 'InvalidParameterValueException');
    const v = await sdkFailure(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'fn', MemorySize: 100, Timeout: 0 })));
    assert.equal(v.name, 'ValidationException');
    assert.match(v.message, /^2 validation errors detected: /);
    assert.equal(server.function('fn')!.configuration.LastUpdateStatus, 'Successful', 'nothing started');
  });

  it('answers 413 RequestEntityTooLargeException to a zip over 50 MB sent directly', async () => {
    const big = makeZip([{ name: 'blob.bin', data: Buffer.alloc(52_428_800 + 1), method: 'store' }]);
    const e = await sdkFailure(lambda.send(new CreateFunctionCommand(input('fn', { Code: { ZipFile: big } }))));
    assert.equal(e.name, 'RequestEntityTooLargeException');
    assert.equal(e.$metadata.httpStatusCode, 413);
    assert.equal(e.message, 'Request must be smaller than 69905067 bytes for the CreateFunction operation');
  });

  it('refuses a zip that unzips to more than 262144000 bytes, also from S3', async () => {
    const tenMiB = Buffer.alloc(10 * 1024 * 1024);
    const bomb = makeZip(Array.from({ length: 26 }, (_, i) => ({ name: `f${i}.bin`, data: tenMiB })));
    assert.ok(bomb.length < 1_000_000, 'the fixture is small zipped');
    const e = await sdkFailure(lambda.send(new CreateFunctionCommand(input('fn', { Code: { ZipFile: bomb } }))));
    assert.equal(e.name, 'InvalidParameterValueException');
    assert.equal(e.message, 'Unzipped size must be smaller than 262144000 bytes');
    server.putS3Object('bucket', 'bomb.zip', bomb);
    const s = await sdkFailure(lambda.send(new CreateFunctionCommand(input('fn', { Code: { S3Bucket: 'bucket', S3Key: 'bomb.zip' } }))));
    assert.equal(s.message, 'Unzipped size must be smaller than 262144000 bytes');
  });
});

describe('Lambda double: code, names and tags', () => {
  beforeEach(() => start());

  it('reports CodeSha256 as base64 SHA-256 of the zip and serves the same bytes at Code.Location', async () => {
    const zip = makeZip([{ name: 'index.js', data: 'exports.handler = async () => 42;' }, { name: 'lib/a.js', data: 'x', method: 'store' }]);
    const c = await lambda.send(new CreateFunctionCommand(input('fn', { Code: { ZipFile: zip } })));
    assert.equal(c.CodeSha256, sha(zip));
    assert.equal(c.CodeSize, zip.length);
    const got = await lambda.send(new GetFunctionCommand({ FunctionName: 'fn' }));
    const downloaded = Buffer.from(await (await fetch(got.Code!.Location!)).arrayBuffer());
    assert.deepEqual(downloaded, zip);
  });

  it('takes code from a registered S3 object in the same region only', async () => {
    server.putS3Object('bucket', 'fn.zip', ZIP);
    server.putS3Object('bucket', 'far.zip', ZIP, { region: 'eu-west-1' });
    const missing = await sdkFailure(lambda.send(new CreateFunctionCommand(input('fn', { Code: { S3Bucket: 'bucket', S3Key: 'nope.zip' } }))));
    assert.match(missing.message, /S3 Error Code: NoSuchKey/);
    const far = await sdkFailure(lambda.send(new CreateFunctionCommand(input('fn', { Code: { S3Bucket: 'bucket', S3Key: 'far.zip' } }))));
    assert.match(far.message, /PermanentRedirect/);
    const ok = await lambda.send(new CreateFunctionCommand(input('fn', { Code: { S3Bucket: 'bucket', S3Key: 'fn.zip' } })));
    assert.equal(ok.CodeSha256, sha(ZIP));
  });

  it('accepts a function ARN or partial ARN wherever a name goes, and refuses another region', async () => {
    server.seedFunction(input('fn'));
    const byArn = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: server.arn('fn') }));
    assert.equal(byArn.FunctionName, 'fn');
    const partial = await lambda.send(new GetFunctionCommand({ FunctionName: '123456789012:function:fn' }));
    assert.equal(partial.Configuration!.FunctionName, 'fn');
    const e = await sdkFailure(lambda.send(new GetFunctionCommand({ FunctionName: 'arn:aws:lambda:eu-west-1:123456789012:function:fn' })));
    assert.equal(e.name, 'InvalidParameterValueException');
    assert.equal(server.callsTo('GetFunctionConfiguration')[0]!.functionName, 'fn');
  });

  it('stores tags from CreateFunction and supports TagResource/UntagResource/ListTags on the function ARN only', async () => {
    await lambda.send(new CreateFunctionCommand(input('fn', { Tags: { team: 'ci' } })));
    const arn = server.arn('fn');
    const tag = await lambda.send(new TagResourceCommand({ Resource: arn, Tags: { repo: 'github.com/x/y' } }));
    assert.equal(tag.$metadata.httpStatusCode, 204);
    await lambda.send(new UntagResourceCommand({ Resource: arn, TagKeys: ['team'] }));
    assert.deepEqual((await lambda.send(new ListTagsCommand({ Resource: arn }))).Tags, { repo: 'github.com/x/y' });
    assert.deepEqual((await lambda.send(new GetFunctionCommand({ FunctionName: 'fn' }))).Tags, { repo: 'github.com/x/y' });
    const q = await sdkFailure(lambda.send(new TagResourceCommand({ Resource: `${arn}:1`, Tags: { a: 'b' } })));
    assert.equal(q.name, 'InvalidParameterValueException');
    const m = await sdkFailure(lambda.send(new ListTagsCommand({ Resource: server.arn('other') })));
    assert.equal(m.name, 'ResourceNotFoundException');
  });

  it('pages ListFunctions 50 at a time over 120 functions, without state fields', async () => {
    for (let i = 0; i < 120; i++) server.seedFunction(input(`fn-${String(i).padStart(3, '0')}`));
    const first = await lambda.send(new ListFunctionsCommand({}));
    assert.equal(first.Functions!.length, 50);
    assert.ok(first.NextMarker);
    assert.equal(first.Functions![0]!.State, undefined, 'ListFunctions returns a subset of FunctionConfiguration');
    const names: string[] = [];
    let pages = 0;
    for await (const page of paginateListFunctions({ client: lambda }, {})) {
      pages++;
      names.push(...page.Functions!.map((f) => f.FunctionName!));
    }
    assert.equal(pages, 3);
    assert.equal(new Set(names).size, 120);
    assert.equal((await lambda.send(new ListFunctionsCommand({ MaxItems: 10 }))).Functions!.length, 10);
    assert.equal((await lambda.send(new ListFunctionsCommand({ MaxItems: 1000 }))).Functions!.length, 50);
    const bad = await sdkFailure(lambda.send(new ListFunctionsCommand({ Marker: first.NextMarker!.slice(0, 3) + '!!' })));
    assert.equal(bad.$metadata.httpStatusCode, 400);
  });

  it('lists each function with Description, CodeSha256 and configuration, but no Tags and no state: those need GetFunction', async () => {
    server.seedFunction(input('mine', { Description: 'github.com/x/y/a@' + '1'.repeat(40), Tags: { team: 'ci' }, MemorySize: 256, Environment: { Variables: { STAGE: 'ci' } } }));
    const [entry] = (await lambda.send(new ListFunctionsCommand({}))).Functions!;
    assert.equal(entry!.Description, 'github.com/x/y/a@' + '1'.repeat(40));
    assert.equal(entry!.CodeSha256, sha(ZIP));
    assert.deepEqual([entry!.Runtime, entry!.Handler, entry!.MemorySize, entry!.Timeout, entry!.Role], ['nodejs22.x', 'index.handler', 256, 3, ROLE]);
    assert.deepEqual(entry!.Environment, { Variables: { STAGE: 'ci' } });
    for (const absent of ['State', 'StateReason', 'StateReasonCode', 'LastUpdateStatus', 'LastUpdateStatusReason', 'Tags']) {
      assert.equal((entry as Record<string, unknown>)[absent], undefined, absent);
    }
    const full = await lambda.send(new GetFunctionCommand({ FunctionName: 'mine' }));
    assert.equal(full.Configuration!.State, 'Active');
    assert.deepEqual(full.Tags, { team: 'ci' });
  });

  it('fails a listing half-way with a fault that lets the first pages through (after)', async () => {
    for (let i = 0; i < 120; i++) server.seedFunction(input(`fn-${String(i).padStart(3, '0')}`));
    const once = client({ maxAttempts: 1 });
    server.inject.serverError(1, { operation: 'ListFunctions', after: 2 });
    const first = await once.send(new ListFunctionsCommand({}));
    const second = await once.send(new ListFunctionsCommand({ Marker: first.NextMarker! }));
    const third = await sdkFailure(once.send(new ListFunctionsCommand({ Marker: second.NextMarker! })));
    assert.equal(third.$metadata.httpStatusCode, 500);
    assert.equal((await once.send(new ListFunctionsCommand({ Marker: second.NextMarker! }))).Functions!.length, 20);
    assert.deepEqual(server.callsTo('ListFunctions').map((c) => c.status), [200, 200, 500, 200]);
  });
});

describe('Lambda double: versions and aliases', () => {
  beforeEach(() => start());

  it('publishes versions only when something changed, guards CodeSha256, and points aliases at versions', async () => {
    await lambda.send(new CreateFunctionCommand(input('fn')));
    assert.equal((await sdkFailure(lambda.send(new PublishVersionCommand({ FunctionName: 'fn' })))).name, 'ResourceConflictException');
    await waitUntilFunctionActiveV2(fast(lambda), { FunctionName: 'fn' });
    const v1 = await lambda.send(new PublishVersionCommand({ FunctionName: 'fn' }));
    assert.equal(v1.$metadata.httpStatusCode, 201);
    assert.equal(v1.Version, '1');
    assert.equal(v1.FunctionArn, server.arn('fn', '1'));
    assert.equal((await lambda.send(new PublishVersionCommand({ FunctionName: 'fn' }))).Version, '1', 'unchanged: no new version');

    const alias = await lambda.send(new CreateAliasCommand({ FunctionName: 'fn', Name: 'live', FunctionVersion: '1' }));
    assert.equal(alias.$metadata.httpStatusCode, 201);
    assert.equal(alias.AliasArn, server.arn('fn', 'live'));
    assert.equal((await sdkFailure(lambda.send(new CreateAliasCommand({ FunctionName: 'fn', Name: 'live', FunctionVersion: '1' })))).name, 'ResourceConflictException');
    assert.equal((await sdkFailure(lambda.send(new CreateAliasCommand({ FunctionName: 'fn', Name: '123', FunctionVersion: '1' })))).name, 'ValidationException');
    assert.equal((await sdkFailure(lambda.send(new CreateAliasCommand({ FunctionName: 'fn', Name: 'next', FunctionVersion: '9' })))).name, 'ResourceNotFoundException');
    assert.equal((await sdkFailure(lambda.send(new GetAliasCommand({ FunctionName: 'fn', Name: 'nope' })))).name, 'ResourceNotFoundException');

    const v2zip = handlerZip('v2');
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'fn', ZipFile: v2zip }));
    await waitUntilFunctionUpdatedV2(fast(lambda), { FunctionName: 'fn' });
    const guard = await sdkFailure(lambda.send(new PublishVersionCommand({ FunctionName: 'fn', CodeSha256: sha(ZIP) })));
    assert.equal(guard.name, 'InvalidParameterValueException');
    const v2 = await lambda.send(new PublishVersionCommand({ FunctionName: 'fn', CodeSha256: sha(v2zip) }));
    assert.equal(v2.Version, '2');

    const live = await lambda.send(new GetAliasCommand({ FunctionName: 'fn', Name: 'live' }));
    const stale = await sdkFailure(lambda.send(new UpdateAliasCommand({ FunctionName: 'fn', Name: 'live', FunctionVersion: '2', RevisionId: 'stale' })));
    assert.equal(stale.name, 'PreconditionFailedException');
    const moved = await lambda.send(new UpdateAliasCommand({ FunctionName: 'fn', Name: 'live', FunctionVersion: '2', RevisionId: live.RevisionId }));
    assert.equal(moved.FunctionVersion, '2');
    const viaAlias = await lambda.send(new GetFunctionCommand({ FunctionName: 'fn', Qualifier: 'live' }));
    assert.equal(viaAlias.Configuration!.Version, '2');
    assert.equal(viaAlias.Configuration!.CodeSha256, sha(v2zip));
    const versions = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'fn' }));
    assert.deepEqual(versions.Versions!.map((v) => v.Version), ['$LATEST', '1', '2']);
    const inUse = await sdkFailure(lambda.send(new DeleteFunctionCommand({ FunctionName: 'fn', Qualifier: '2' })));
    assert.equal(inUse.name, 'ResourceConflictException');
    assert.deepEqual(server.function('fn')!.aliases.map((a) => [a.Name, a.FunctionVersion]), [['live', '2']]);

    // The function itself goes with every version and alias: nothing of it can be read afterwards.
    await lambda.send(new DeleteFunctionCommand({ FunctionName: 'fn' }));
    assert.equal(server.function('fn'), undefined);
    assert.equal((await sdkFailure(lambda.send(new GetAliasCommand({ FunctionName: 'fn', Name: 'live' })))).name, 'ResourceNotFoundException');
    assert.equal((await sdkFailure(lambda.send(new GetFunctionCommand({ FunctionName: 'fn', Qualifier: '1' })))).name, 'ResourceNotFoundException');
    assert.deepEqual((await lambda.send(new ListFunctionsCommand({ FunctionVersion: 'ALL' }))).Functions, []);
  });
});

describe('Lambda double: faults, retries and rate limits', () => {
  it('throttles n calls: the SDK retries twice and succeeds when n=2', async () => {
    await start();
    server.seedFunction(input('fn'));
    server.inject.throttle(2, { operation: 'GetFunction' });
    const got = await lambda.send(new GetFunctionCommand({ FunctionName: 'fn' }));
    assert.equal(got.$metadata.attempts, 3);
    assert.deepEqual(server.callsTo('GetFunction').map((c) => [c.attempt, c.status]), [[1, 429], [2, 429], [3, 200]]);
  });

  it('throttles n calls: the SDK gives up after 3 attempts with TooManyRequestsException when n=5', async () => {
    await start();
    server.seedFunction(input('fn'));
    server.inject.throttle(5);
    const e = await sdkFailure(lambda.send(new GetFunctionCommand({ FunctionName: 'fn' })));
    assert.equal(e.name, 'TooManyRequestsException');
    assert.equal(e.$metadata.httpStatusCode, 429);
    assert.equal(e.$metadata.attempts, 3);
    assert.equal(e.Reason, 'CallerRateLimitExceeded');
    assert.equal(e.message, 'Rate exceeded');
    assert.equal(String(e.retryAfterSeconds), '1');
    assert.equal(server.calls.length, 3);
  });

  it('injects 500 ServiceException (retried) and 409 conflicts (not retried) for one operation', async () => {
    await start();
    server.seedFunction(input('fn'));
    server.inject.serverError(1, { operation: 'UpdateFunctionConfiguration' });
    const ok = await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'fn', Description: 'a' }));
    assert.equal(ok.$metadata.attempts, 2);
    assert.deepEqual(server.callsTo('UpdateFunctionConfiguration').map((c) => [c.status, c.errorType]), [[500, 'ServiceException'], [200, undefined]]);
    server.inject.conflict(1, { operation: 'GetFunction', functionName: 'fn' });
    const e = await sdkFailure(lambda.send(new GetFunctionCommand({ FunctionName: 'fn' })));
    assert.equal(e.name, 'ResourceConflictException');
    assert.equal(e.$metadata.attempts, 1);
  });

  it('enforces the account-wide 15 rps quota across clients: a burst of 40 creates sees 429s', async () => {
    await start();
    const many = [client({ maxAttempts: 1 }), client({ maxAttempts: 1 }), client({ maxAttempts: 1 }), client({ maxAttempts: 1 })];
    const results = await Promise.allSettled(Array.from({ length: 40 }, (_, i) =>
      many[i % 4]!.send(new CreateFunctionCommand(input(`burst-${i}`)))));
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const throttled = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as SdkError] : []));
    assert.ok(ok >= 10 && ok <= 20, `about 15 should pass, ${ok} did`);
    assert.equal(ok + throttled.length, 40);
    for (const e of throttled) {
      assert.equal(e.name, 'TooManyRequestsException');
      assert.equal(e.Reason, 'CallerRateLimitExceeded');
    }
    assert.equal(server.calls.filter((c) => c.status === 429).length, throttled.length);
    // GetFunction has its own, larger quota, and the bucket refills over time.
    assert.equal((await lambda.send(new GetFunctionCommand({ FunctionName: 'burst-0' }))).Configuration!.FunctionName, 'burst-0');
    await new Promise((r) => setTimeout(r, 300));
    await lambda.send(new CreateFunctionCommand(input('after-refill')));
  });

  it('can disable the quotas, and adds per-request latency', async () => {
    await start({ writeRps: 0, latencyMs: 30 });
    const t = Date.now();
    await Promise.all(Array.from({ length: 30 }, (_, i) => lambda.send(new CreateFunctionCommand(input(`fn-${i}`)))));
    assert.equal(server.functions().length, 30);
    assert.ok(Date.now() - t >= 30);
  });
});

describe('Lambda double: protocol', () => {
  beforeEach(() => start());

  it('requires a SigV4 Authorization header and records the access key id of each caller', async () => {
    const unsigned = await fetch(`${server.url}/2015-03-31/functions`);
    assert.equal(unsigned.status, 403);
    assert.equal(unsigned.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException');
    server.seedFunction(input('fn'));
    await client({ accessKeyId: 'AKIDOTHER' }).send(new GetFunctionCommand({ FunctionName: 'fn' }));
    await lambda.send(new GetFunctionCommand({ FunctionName: 'fn' }));
    assert.deepEqual(server.callsTo('GetFunction').map((c) => c.accessKeyId), ['AKIDOTHER', 'AKIDTEST']);
    const wrongRegion = await sdkFailure(client({ region: 'eu-west-1' }).send(new GetFunctionCommand({ FunctionName: 'fn' })));
    assert.equal(wrongRegion.name, 'InvalidSignatureException');
  });

  it('answers 404 UnknownOperationException to routes it does not know', async () => {
    const res = await fetch(`${server.url}/2015-03-31/functions/fn/invocations`, {
      method: 'POST',
      headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=0' },
    });
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('x-amzn-errortype'), 'UnknownOperationException');
    assert.equal(server.calls.at(-1)!.operation, 'UnknownOperation');
  });
});
