// checkAndDeploy against the Lambda double, through the real SDK client:
// one case per branch of the design's check-and-deploy, and Lambda's answers
// (throttling, 5xx, 409, 412, Failed) handled rather than reported.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { UpdateFunctionConfigurationCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { OperationError } from '../../src/errors.js';
import type { CallRecord } from '../../src/lambda/call-log.js';
import { createLambdaClient } from '../../src/lambda/client.js';
import { checkAndDeploy, type DeployDeps } from '../../src/lambda/deploy.js';
import { FunctionFailedError, LambdaCallError } from '../../src/lambda/errors.js';
import { functionTags, TAG_BUNDLE, TAG_CODE_SHA256, TAG_CONFIG, TAG_CONFIG_REVISION, TAG_PATH, TAG_REPOSITORY, TAG_REVISION } from '../../src/lambda/function-config.js';
import type { RevisionHistory } from '../../src/lambda/history.js';
import { functionDescription } from '../../src/packages/description.js';
import { startLambdaServer, type LambdaServer } from '../support/lambda-server.js';
import { FAST_WAIT, REPOSITORY, REV_1, REV_2, ROLE, clientOf, countingBundle, fixedHistory, packageConfig, target, zipBundle } from './fixtures.js';

const REV_3 = '3'.repeat(40);

let server: LambdaServer;
let client: LambdaClient;
let seen: CallRecord[];

async function start(options: Parameters<typeof startLambdaServer>[0] = {}): Promise<void> {
  server = await startLambdaServer({ transitionMs: 20, ...options });
  seen = [];
  client = clientOf(server, seen);
}

afterEach(async () => {
  client.destroy();
  await server.close();
});

function deps(overrides: Partial<DeployDeps> = {}): DeployDeps {
  return { client, bundle: countingBundle('exports.handler = async () => "v1";').bundle, history: fixedHistory('not-newer'), wait: FAST_WAIT, ...overrides };
}

/** Seeds the function as a finished deploy of `revision` would leave it. */
function seedDeployed(revision: string, source = 'exports.handler = async () => "old";', name = target().functionName): void {
  server.seedFunction({
    FunctionName: name, Role: ROLE, Runtime: 'nodejs24.x', Handler: 'main.handler',
    Code: { ZipFile: readFileSync(zipBundle(source).file) },
    Description: functionDescription(REPOSITORY, 'fn-a', revision),
    Tags: functionTags(target({ revision })),
  });
}

const operations = () => server.calls.map((c) => c.operation);

describe('check-and-deploy', () => {
  beforeEach(() => start());

  it('creates a missing function with the config, Description, tags and bundle, and waits until Active', async () => {
    const b = countingBundle('exports.handler = async () => "created";');
    const config = packageConfig({ memory: 256, timeout: 30, environment: { STAGE: 'test' }, architecture: 'arm64' });
    const result = await checkAndDeploy(target({ config }), deps({ bundle: b.bundle }));

    assert.deepEqual({ ...result, detail: undefined }, {
      action: 'created', functionName: 'lambda-sync-test-fn-a', revision: REV_1, codeSha256: b.file.codeSha256, version: null, detail: undefined,
    });
    const fn = server.function('lambda-sync-test-fn-a')!;
    const c = fn.configuration;
    assert.equal(c.State, 'Active');
    assert.equal(c.Description, `github.com/example/functions/fn-a@${REV_1}`);
    assert.equal(c.CodeSha256, b.file.codeSha256);
    assert.deepEqual([c.Runtime, c.Handler, c.MemorySize, c.Timeout, c.Role], ['nodejs24.x', 'main.handler', 256, 30, ROLE]);
    assert.deepEqual(c.Environment, { Variables: { STAGE: 'test' } });
    assert.deepEqual(c.Architectures, ['arm64']);
    const t = target({ config });
    assert.deepEqual(fn.tags, {
      [TAG_REPOSITORY]: 'github.com/example/functions', [TAG_PATH]: 'fn-a', [TAG_REVISION]: REV_1, [TAG_CODE_SHA256]: b.file.codeSha256,
      [TAG_CONFIG]: t.configDigest, [TAG_CONFIG_REVISION]: REV_1, [TAG_BUNDLE]: t.bundleDigest,
    });
    assert.match(t.configDigest, /^[0-9a-f]{64}$/);
    assert.equal(b.calls(), 1);
    assert.deepEqual(operations().filter((o) => o !== 'GetFunction'), ['CreateFunction']);
  });

  it('skips a function whose Description holds the revision: exactly one API call and no bundle', async () => {
    seedDeployed(REV_1);
    const b = countingBundle('never built');
    const result = await checkAndDeploy(target(), deps({ bundle: b.bundle }));
    assert.equal(result.action, 'skipped');
    assert.equal(result.codeSha256, server.function('lambda-sync-test-fn-a')!.configuration.CodeSha256);
    assert.deepEqual(operations(), ['GetFunction']);
    assert.equal(b.calls(), 0);
  });

  it('configures, without bundling, when only the configuration digest differs; leaves a configuration read from a newer commit alone', async () => {
    seedDeployed(REV_1);
    const b = countingBundle('never built');
    const result = await checkAndDeploy(target({ configRevision: REV_2, config: packageConfig({ memory: 1024 }) }), deps({ bundle: b.bundle }));
    assert.deepEqual([result.action, b.calls()], ['configured', 0]);
    assert.deepEqual(operations().filter((o) => o !== 'GetFunction'), ['UpdateFunctionConfiguration', 'TagResource']);
    const fn = server.function('lambda-sync-test-fn-a')!;
    assert.deepEqual([fn.configuration.MemorySize, fn.tags[TAG_CONFIG_REVISION]], [1024, REV_2]);

    // An older push's task (its configuration read at REV_1) arrives late.
    server.calls.length = 0;
    const late = await checkAndDeploy(target({ configRevision: REV_1, config: packageConfig({ memory: 256 }) }), deps({ bundle: b.bundle, history: fixedHistory('newer') }));
    assert.equal(late.action, 'skipped-newer');
    assert.match(late.detail, /configuration, from 2{40}, is newer/);
    assert.deepEqual(operations(), ['GetFunction']);
    assert.equal(server.function('lambda-sync-test-fn-a')!.configuration.MemorySize, 1024);
  });

  it('rebuilds when the bundle settings changed (include, build...), which shape the code', async () => {
    seedDeployed(REV_1);
    const b = countingBundle('exports.handler = async () => "included";');
    const result = await checkAndDeploy(target({ config: packageConfig({ exclude: ['docs'] }) }), deps({ bundle: b.bundle }));
    assert.equal(result.action, 'updated');
    assert.match(result.detail, /bundle settings/);
    assert.equal(b.calls(), 1);
  });

  it('updates another revision: code, wait, configuration with the new Description, wait; RevisionId on each write', async () => {
    seedDeployed(REV_1);
    const b = countingBundle('exports.handler = async () => "v2";');
    const config = packageConfig({ memory: 512, environment: { NEW: '1' } });
    const result = await checkAndDeploy(target({ revision: REV_2, config }), deps({ bundle: b.bundle }));
    assert.equal(result.action, 'updated');
    assert.equal(result.codeSha256, b.file.codeSha256);
    const fn = server.function('lambda-sync-test-fn-a')!;
    assert.equal(fn.configuration.Description, `github.com/example/functions/fn-a@${REV_2}`);
    assert.equal(fn.configuration.CodeSha256, b.file.codeSha256);
    assert.equal(fn.configuration.MemorySize, 512);
    assert.deepEqual(fn.configuration.Environment, { Variables: { NEW: '1' } });
    assert.equal(fn.tags[TAG_REVISION], REV_2);
    assert.equal(fn.tags[TAG_CODE_SHA256], b.file.codeSha256, 'the code it uploaded, for status to tell a hand-made upload');
    const writes = operations().filter((o) => o !== 'GetFunction');
    assert.deepEqual(writes, ['UpdateFunctionCode', 'UpdateFunctionConfiguration', 'TagResource']);
    // Each write came after a read that saw the previous one finish.
    const code = operations().indexOf('UpdateFunctionCode');
    const conf = operations().indexOf('UpdateFunctionConfiguration');
    assert.ok(operations().slice(code, conf).includes('GetFunction'), 'waited between the code and the configuration');
  });

  it('updates only the configuration when the deployed code is already the bundle', async () => {
    const b = countingBundle('exports.handler = async () => "same";');
    server.seedFunction({
      FunctionName: 'lambda-sync-test-fn-a', Role: ROLE, Runtime: 'nodejs24.x', Handler: 'main.handler',
      Code: { ZipFile: readFileSync(b.file.file) }, Description: functionDescription(REPOSITORY, 'fn-a', REV_1),
    });
    const result = await checkAndDeploy(target({ revision: REV_2 }), deps({ bundle: b.bundle }));
    assert.equal(result.action, 'updated');
    assert.ok(!operations().includes('UpdateFunctionCode'));
    assert.equal(server.function('lambda-sync-test-fn-a')!.configuration.Description, `github.com/example/functions/fn-a@${REV_2}`);
  });

  it('moves a function off a runtime Lambda now blocks: the runtime first (code updates are refused on it), then code, then the Description', async () => {
    server.seedFunction({
      FunctionName: 'lambda-sync-test-fn-a', Role: ROLE, Runtime: 'nodejs22.x', Handler: 'main.handler',
      Code: { ZipFile: readFileSync(zipBundle('exports.handler = async () => "old";').file) },
      Description: functionDescription(REPOSITORY, 'fn-a', REV_1),
    });
    server.inject.blockRuntimes('nodejs22.x');
    const b = countingBundle('exports.handler = async () => "v2";');
    const result = await checkAndDeploy(target({ revision: REV_2, config: packageConfig({ runtime: 'nodejs24.x' }) }), deps({ bundle: b.bundle }));
    assert.equal(result.action, 'updated');
    const c = server.function('lambda-sync-test-fn-a')!.configuration;
    assert.deepEqual([c.Runtime, c.CodeSha256, c.Description], ['nodejs24.x', b.file.codeSha256, functionDescription(REPOSITORY, 'fn-a', REV_2)]);
    assert.ok(server.calls.every((call) => call.status < 400), 'no write was refused');
    const writes = operations().filter((o) => o !== 'GetFunction');
    assert.deepEqual(writes.slice(0, 3), ['UpdateFunctionConfiguration', 'UpdateFunctionCode', 'UpdateFunctionConfiguration']);
    assert.equal(server.function('lambda-sync-test-fn-a')!.configuration.Description, functionDescription(REPOSITORY, 'fn-a', REV_2));
  });

  it('leaves a newer deployed revision alone (skipped-newer), without bundling or writing', async () => {
    seedDeployed(REV_2);
    const b = countingBundle('older');
    const result = await checkAndDeploy(target({ revision: REV_1 }), deps({ bundle: b.bundle, history: fixedHistory('newer') }));
    assert.equal(result.action, 'skipped-newer');
    assert.match(result.detail, new RegExp(REV_2));
    assert.deepEqual(operations(), ['GetFunction']);
    assert.equal(b.calls(), 0);
  });

  it('deploys, and says why, when git cannot find the deployed revision', async () => {
    seedDeployed(REV_2);
    const result = await checkAndDeploy(target({ revision: REV_1 }), deps({ history: fixedHistory('unknown') }));
    assert.equal(result.action, 'updated');
    assert.match(result.detail, /not in this repository's history/);
  });

  it('--force deploys over the same revision and over a newer one', async () => {
    seedDeployed(REV_1);
    const same = await checkAndDeploy(target(), deps({ force: true }));
    assert.equal(same.action, 'updated');
    assert.equal(same.detail, 'forced');
    const newer = await checkAndDeploy(target({ revision: REV_1 }), deps({ force: true, history: fixedHistory('newer') }));
    assert.equal(newer.action, 'updated');
  });

  it('publishes a version and points the alias at it, then moves the alias on the next deploy', async () => {
    const config = packageConfig({ alias: 'live' });
    const first = await checkAndDeploy(target({ config }), deps());
    assert.equal(first.version, '1');
    const b2 = countingBundle('exports.handler = async () => "v2";');
    const second = await checkAndDeploy(target({ config, revision: REV_2 }), deps({ bundle: b2.bundle }));
    assert.equal(second.version, '2');
    const fn = server.function('lambda-sync-test-fn-a')!;
    assert.deepEqual(fn.aliases.map((a) => [a.Name, a.FunctionVersion]), [['live', '2']]);
    assert.equal(fn.versions.find((v) => v.version === '2')!.configuration.CodeSha256, b2.file.codeSha256);
    const skipped = await checkAndDeploy(target({ config, revision: REV_2 }), deps());
    assert.deepEqual([skipped.action, skipped.version], ['skipped', null]);
  });
});

describe("Lambda's answers, handled", () => {
  beforeEach(() => start());

  it('recovers from a burst of throttling (429) with the SDK\'s retries', async () => {
    // Three throttles in a row exhaust the SDK's default of 3 attempts; ours allow more.
    server.inject.throttle(3, { operation: 'CreateFunction' });
    const result = await checkAndDeploy(target(), deps());
    assert.equal(result.action, 'created');
    const creates = server.callsTo('CreateFunction');
    assert.deepEqual(creates.map((c) => c.status), [429, 429, 429, 201]);
    assert.deepEqual(creates.map((c) => [c.attempt, c.maxAttempts]), [[1, 10], [2, 10], [3, 10], [4, 10]], 'one call, retried by the SDK');
    assert.equal(seen.find((c) => c.operation === 'CreateFunction')!.attempts, 4, 'the middleware saw the attempts');
  });

  it('recovers from 5xx answers', async () => {
    seedDeployed(REV_1);
    server.inject.serverError(3, { operation: 'UpdateFunctionCode' });
    const result = await checkAndDeploy(target({ revision: REV_2 }), deps());
    assert.equal(result.action, 'updated');
    assert.deepEqual(server.callsTo('UpdateFunctionCode').map((c) => c.status), [500, 500, 500, 200]);
  });

  it('recovers from "an update is in progress" (409), which the SDK does not retry, by waiting and trying again', async () => {
    seedDeployed(REV_1);
    server.inject.conflict(2, { operation: 'UpdateFunctionConfiguration' });
    const result = await checkAndDeploy(target({ revision: REV_2 }), deps());
    assert.equal(result.action, 'updated');
    const confs = server.callsTo('UpdateFunctionConfiguration');
    assert.deepEqual(confs.map((c) => [c.status, c.attempt]), [[409, 1], [409, 1], [200, 1]], 'each a new call, not an SDK retry');
    assert.equal(server.function('lambda-sync-test-fn-a')!.configuration.Description, `github.com/example/functions/fn-a@${REV_2}`);
  });

  it('waits for an update that is already in progress before writing', async () => {
    seedDeployed(REV_1);
    server.inject.slowTransitions(300);
    // Someone else's configuration change is in progress when we look.
    const other = clientOf(server);
    await other.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'lambda-sync-test-fn-a', MemorySize: 192 }));
    other.destroy();
    server.inject.slowTransitions(20);
    const result = await checkAndDeploy(target({ revision: REV_2 }), deps());
    assert.equal(result.action, 'updated');
    assert.equal(server.callsTo('UpdateFunctionCode').every((c) => c.status === 200), true, 'no write hit the update in progress');
  });

  it('fails with Lambda\'s own reason when the update ends Failed, and leaves the old revision marked', async () => {
    seedDeployed(REV_1);
    server.inject.failNextUpdate('The runtime nodejs24.x could not load main.js', { reasonCode: 'InvalidRuntime' });
    const error = await checkAndDeploy(target({ revision: REV_2 }), deps()).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof FunctionFailedError, String(error));
    assert.equal(error.exitCode, 1);
    assert.match(error.message, /The runtime nodejs24\.x could not load main\.js \(InvalidRuntime\)/);
    assert.equal(server.function('lambda-sync-test-fn-a')!.configuration.Description, `github.com/example/functions/fn-a@${REV_1}`);
    assert.ok(!operations().includes('UpdateFunctionConfiguration'), 'the Description is not written over a failed code update');
  });

  it('fails with Lambda\'s reason when the creation ends Failed', async () => {
    server.inject.failNextCreate('The role defined for the function cannot be assumed by Lambda.', { reasonCode: 'InsufficientRolePermissions' });
    await assert.rejects(checkAndDeploy(target(), deps()), (e: unknown) =>
      e instanceof FunctionFailedError && /creation ended Failed: The role defined .* \(InsufficientRolePermissions\)/.test(e.message));
    // A later deploy, of this revision (which the failed function's Description
    // names) or another, says what to do instead of skipping or hitting a 409.
    for (const revision of [REV_1, REV_2]) {
      await assert.rejects(checkAndDeploy(target({ revision }), deps()), (e: unknown) =>
        e instanceof OperationError && /state Failed/.test(e.message) && /delete the function/.test(e.hint ?? ''));
    }
  });

  it('goes on as an update when a create loses the race to another task', async () => {
    // Between our GetFunction (404) and our CreateFunction, another task creates it at an older revision.
    let raced = false;
    const history: RevisionHistory = { compare: async () => 'not-newer', changedBetween: async () => true };
    client.destroy();
    client = createLambdaClient({
      ...server.clientConfig(),
      onCall: (call) => {
        if (call.operation === 'GetFunction' && call.error === 'ResourceNotFoundException' && !raced) {
          raced = true;
          seedDeployed(REV_1);
        }
      },
    });
    const result = await checkAndDeploy(target({ revision: REV_2 }), deps({ history }));
    assert.equal(result.action, 'updated');
    assert.deepEqual(server.callsTo('CreateFunction').map((c) => c.errorType), ['ResourceConflictException']);
    assert.equal(server.function('lambda-sync-test-fn-a')!.configuration.Description, `github.com/example/functions/fn-a@${REV_2}`);
  });

  it('re-reads and re-decides after a 412: a newer deploy that landed between our read and our write wins', async () => {
    seedDeployed(REV_1);
    let compares = 0;
    const history: RevisionHistory = {
      async compare(deployed) {
        compares++;
        if (compares === 1) {
          // While we decide, another task deploys REV_3 (newer than ours).
          const other = clientOf(server);
          await other.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'lambda-sync-test-fn-a', Description: functionDescription(REPOSITORY, 'fn-a', REV_3) }));
          other.destroy();
          return 'not-newer';
        }
        return deployed === REV_3 ? 'newer' : 'not-newer';
      },
      changedBetween: async () => true,
    };
    const b = countingBundle('exports.handler = async () => "v2";');
    const result = await checkAndDeploy(target({ revision: REV_2 }), deps({ history, bundle: b.bundle }));
    assert.equal(result.action, 'skipped-newer');
    assert.deepEqual(server.callsTo('UpdateFunctionCode').map((c) => c.errorType), ['PreconditionFailedException'], 'our stale write was refused, and not tried again');
    assert.equal(server.function('lambda-sync-test-fn-a')!.configuration.Description, functionDescription(REPOSITORY, 'fn-a', REV_3));
  });

  it('gives up with a clear error when the function keeps changing under the deploy', async () => {
    seedDeployed(REV_1);
    const history: RevisionHistory = {
      changedBetween: async () => true,
      async compare() {
        const other = clientOf(server);
        await other.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'lambda-sync-test-fn-a', MemorySize: 128 + Math.floor(Math.random() * 1000) }));
        other.destroy();
        await new Promise((r) => setTimeout(r, 40));
        return 'not-newer';
      },
    };
    await assert.rejects(checkAndDeploy(target({ revision: REV_2 }), deps({ history })), /gave up after \d+ checks/);
  });

  it('fails at once, naming the error, when a wait\'s GetFunction fails for good (the SDK\'s waiters would poll until maxWaitTime)', async () => {
    // The function disappears (someone deleted it) right after our create and after our code update.
    for (const [operation, seed] of [['CreateFunction', false], ['UpdateFunctionCode', true]] as const) {
      client.destroy();
      server.reset();
      if (seed) seedDeployed(REV_1);
      client = createLambdaClient({
        ...server.clientConfig(),
        onCall: (call) => {
          if (call.operation === operation && call.error === undefined) server.reset();
        },
      });
      const started = Date.now();
      const error = await checkAndDeploy(target({ revision: REV_2 }), deps({ wait: { minDelay: 0.02, maxDelay: 0.1, maxWaitTime: 20 } })).then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof LambdaCallError, `${operation}: ${String(error)}`);
      assert.match(error.message, /GetFunction: ResourceNotFoundException/);
      assert.ok(Date.now() - started < 10_000, `${operation}: failed after ${Date.now() - started} ms, not at once`);
    }
  });

  it('reports a call that fails for good with the operation, the error and the attempts', async () => {
    server.inject.throttle(100, { operation: 'GetFunction' });
    const quick = createLambdaClient({ ...server.clientConfig(), maxAttempts: 2 });
    const error = await checkAndDeploy(target(), deps({ client: quick })).then(() => undefined, (e: unknown) => e);
    quick.destroy();
    assert.ok(error instanceof LambdaCallError, String(error));
    assert.match(error.message, /GetFunction: TooManyRequestsException: .*\(429, 2 attempts\)/);
    assert.match(error.hint ?? '', /15 requests per second/);
  });
});

