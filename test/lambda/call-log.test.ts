// The per-call log: one record per API call, after the SDK's retries, from
// one middleware in the client's stack rather than code at every call site.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { GetFunctionCommand } from '@aws-sdk/client-lambda';
import { formatCall, quietly, type CallRecord } from '../../src/lambda/call-log.js';
import { checkAndDeploy } from '../../src/lambda/deploy.js';
import { formatDuration } from '../../src/log.js';
import { startLambdaServer, type LambdaServer } from '../support/lambda-server.js';
import { FAST_WAIT, clientOf, countingBundle, fixedHistory, target } from './fixtures.js';

let server: LambdaServer;
before(async () => {
  server = await startLambdaServer({ transitionMs: 100 });
});
after(() => server.close());

it('records each call once with its attempts, status and error, and marks a waiter\'s polls quiet', async () => {
  const seen: CallRecord[] = [];
  const client = clientOf(server, seen);
  try {
    server.inject.serverError(2, { operation: 'GetFunction' });
    await checkAndDeploy(target(), { client, bundle: countingBundle('x').bundle, history: fixedHistory('not-newer'), wait: FAST_WAIT });
    const first = seen[0]!;
    assert.deepEqual({ ...first, ms: 0 }, { operation: 'GetFunction', functionName: 'lambda-sync-test-fn-a', ms: 0, attempts: 3, status: 404, error: 'ResourceNotFoundException', quiet: false });
    assert.deepEqual(seen.filter((c) => !c.quiet).map((c) => c.operation), ['GetFunction', 'CreateFunction']);
    assert.ok(seen.filter((c) => c.quiet).length >= 2, 'the waiter polled, quietly');
    assert.ok(seen.filter((c) => c.quiet).every((c) => c.operation === 'GetFunction'));
    assert.equal(seen.length, server.calls.filter((c) => c.status !== 500).length, 'one record per call, not per attempt');

    await quietly(() => client.send(new GetFunctionCommand({ FunctionName: 'lambda-sync-test-fn-a' })));
    assert.equal(seen.at(-1)!.quiet, true);
  } finally {
    client.destroy();
  }
});

it('formats a call as one line', () => {
  const call: CallRecord = { operation: 'UpdateFunctionCode', functionName: 'fn', ms: 2100, attempts: 4, status: 429, error: 'TooManyRequestsException', quiet: false };
  assert.equal(formatCall(call, formatDuration), 'UpdateFunctionCode fn: TooManyRequestsException 429 (2.10 s, 4 attempts)');
  assert.equal(formatCall({ ...call, ms: 35, attempts: 1, status: 200, error: undefined }, formatDuration), 'UpdateFunctionCode fn: 200 (35 ms)');
});
