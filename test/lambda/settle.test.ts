// "skipped" means the function runs this revision and will: a function whose
// Description already holds our revision while Lambda is still creating or
// updating it is waited for, and a change that ends Failed fails the deploy.
// The double's state transitions take TRANSITION_MS here, a few real
// seconds shortened, so that "at once" and "while Pending" are real.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { UpdateFunctionConfigurationCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { checkAndDeploy, type DeployDeps, type DeployResult } from '../../src/lambda/deploy.js';
import { FunctionFailedError } from '../../src/lambda/errors.js';
import { functionTags } from '../../src/lambda/function-config.js';
import { functionDescription } from '../../src/packages/description.js';
import { startLambdaServer, type LambdaServer } from '../support/lambda-server.js';
import { FAST_WAIT, REPOSITORY, REV_1, REV_2, ROLE, clientOf, countingBundle, fixedHistory, packageConfig, target, zipBundle } from './fixtures.js';

const TRANSITION_MS = 1500;
const SOURCE = 'exports.handler = async () => "v1";';

let server: LambdaServer;
let clients: LambdaClient[];

beforeEach(async () => {
  server = await startLambdaServer({ transitionMs: TRANSITION_MS });
  clients = [];
});
afterEach(async () => {
  for (const c of clients) c.destroy();
  await server.close();
});

/** Each deploy has its own client, as two tasks would. */
function deps(overrides: Partial<DeployDeps> = {}): DeployDeps & { bundles: () => number } {
  const client = clientOf(server);
  clients.push(client);
  const bundle = countingBundle(SOURCE);
  return { client, bundle: bundle.bundle, bundles: bundle.calls, history: fixedHistory('not-newer'), wait: FAST_WAIT, ...overrides };
}

const NAME = target().functionName;

/** What Lambda says at the moment a deploy returns. */
async function observed(run: Promise<DeployResult>): Promise<{ result: DeployResult; state: unknown; lastUpdate: unknown; at: number }> {
  const result = await run;
  const configuration = server.function(NAME)!.configuration;
  return { result, state: configuration.State, lastUpdate: configuration.LastUpdateStatus, at: Date.now() };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(condition(), 'condition reached');
}

const created = () => server.callsTo('CreateFunction').some((c) => c.status === 201);

describe('never "done" before Lambda is', () => {
  it('a deploy of the same new package while the first is still creating it waits until Active, then skips', async () => {
    const first = observed(checkAndDeploy(target(), deps()));
    await until(created);
    const startedSecond = Date.now();
    const secondDeps = deps();
    const second = await observed(checkAndDeploy(target(), secondDeps));
    assert.equal(second.result.action, 'skipped');
    assert.equal(second.state, 'Active', 'not Pending when it says skipped');
    assert.ok(second.at - startedSecond >= TRANSITION_MS / 2, `it waited (${second.at - startedSecond} ms)`);
    assert.equal(secondDeps.bundles(), 0, 'nothing bundled');
    assert.equal(second.result.codeSha256, server.function(NAME)!.configuration.CodeSha256);
    assert.equal((await first).result.action, 'created');
    assert.equal(server.callsTo('CreateFunction').length, 1);
  });

  it('two deploys of one new package at once: both return only once it is Active, one create wins and the other finishes it as its own', async () => {
    const started = Date.now();
    const [a, b] = await Promise.all([observed(checkAndDeploy(target(), deps())), observed(checkAndDeploy(target(), deps()))]);
    for (const x of [a, b]) {
      assert.equal(x.state, 'Active');
      assert.ok(x.at - started >= TRANSITION_MS, `returned after ${x.at - started} ms`);
      assert.equal(x.result.action, 'created');
    }
    assert.deepEqual(server.callsTo('CreateFunction').map((c) => c.status).sort(), [201, 409]);
    assert.match([a, b].map((x) => x.result.detail).join('\n'), /another deploy of this revision created it at the same moment/);
  });

  it('a create whose answer is lost: the SDK retries, gets "already exists", and the deploy waits and finishes it (alias included)', async () => {
    server.inject.dropResponse(1, { operation: 'CreateFunction' });
    const run = await observed(checkAndDeploy(target({ config: packageConfig({ alias: 'live' }) }), deps()));
    const creates = server.callsTo('CreateFunction');
    assert.equal(creates.length, 2);
    assert.equal(creates[0]!.dropped, true, 'the first CreateFunction took effect, its answer lost');
    assert.deepEqual([creates[1]!.attempt, creates[1]!.errorType], [2, 'ResourceConflictException'], "the SDK's retry");
    assert.equal(run.result.action, 'created');
    assert.equal(run.state, 'Active');
    assert.equal(run.result.version, '1');
    assert.equal(server.function(NAME)!.aliases[0]!.FunctionVersion, '1');
  });

  it('a concurrent create that ends Failed fails both deploys with Lambda\'s reason', async () => {
    server.inject.failNextCreate('The role defined for the function cannot be assumed by Lambda.', { reasonCode: 'InsufficientRolePermissions' });
    const failed = (e: unknown) => e instanceof FunctionFailedError && /creation ended Failed: The role defined .* \(InsufficientRolePermissions\)/.test(e.message);
    const first = assert.rejects(checkAndDeploy(target(), deps()), failed);
    await until(created);
    const second = checkAndDeploy(target(), deps());
    await assert.rejects(second, failed);
    await first;
    assert.equal(server.callsTo('CreateFunction').length, 1);
  });

  it('an update to this revision still in progress is waited for; one that ends Failed fails the deploy', async () => {
    for (const outcome of ['Successful', 'Failed'] as const) {
      server.reset();
      server.seedFunction({
        FunctionName: NAME, Role: ROLE, Runtime: 'nodejs24.x', Handler: 'main.handler',
        Code: { ZipFile: readFileSync(zipBundle(SOURCE).file) },
        Description: functionDescription(REPOSITORY, 'fn-a', REV_1),
        // The other deploy's configuration is this one's: what differs is only that Lambda is still applying it.
        Tags: functionTags(target({ revision: REV_2 })),
      });
      if (outcome === 'Failed') server.inject.failNextUpdate('The provided execution role does not have permissions to call CreateNetworkInterface on EC2', { reasonCode: 'EniLimitExceeded' });
      // Another deploy of REV_2 writes its Description; Lambda is still applying it.
      const other = deps();
      await other.client.send(new UpdateFunctionConfigurationCommand({ FunctionName: NAME, Description: functionDescription(REPOSITORY, 'fn-a', REV_2) }));
      const run = checkAndDeploy(target({ revision: REV_2 }), deps());
      if (outcome === 'Successful') {
        const done = await observed(run);
        assert.equal(done.result.action, 'skipped');
        assert.equal(done.lastUpdate, 'Successful');
        assert.match(done.result.detail, /now done/);
      } else {
        await assert.rejects(run, (e: unknown) => e instanceof FunctionFailedError && /update ended Failed: The provided execution role .* \(EniLimitExceeded\)/.test(e.message));
      }
    }
  });

  it('skipped-newer does not wait', async () => {
    server.seedFunction({
      FunctionName: NAME, Role: ROLE, Runtime: 'nodejs24.x', Handler: 'main.handler',
      Code: { ZipFile: readFileSync(zipBundle(SOURCE).file) },
      Description: functionDescription(REPOSITORY, 'fn-a', REV_2),
    });
    const other = deps();
    await other.client.send(new UpdateFunctionConfigurationCommand({ FunctionName: NAME, MemorySize: 256 }));
    const started = Date.now();
    const result = await checkAndDeploy(target({ revision: REV_1 }), deps({ history: fixedHistory('newer') }));
    assert.equal(result.action, 'skipped-newer');
    assert.ok(Date.now() - started < TRANSITION_MS, 'returned while the update was still in progress');
  });
});
