import { GetFunctionCommand, type FunctionConfiguration, type GetFunctionCommandOutput, type LambdaClient } from '@aws-sdk/client-lambda';
import { OperationError } from '../errors.js';
import { FunctionFailedError, failedCall, isUpdateInProgress } from './errors.js';

/** How the waiters poll (GetFunction, against the 100 rps quota). Seconds. */
export interface WaitOptions {
  minDelay: number;
  maxDelay: number;
  maxWaitTime: number;
}

// An update usually settles within seconds; one that attaches a VPC can take
// minutes. The delay cap stays low so a finished update is noticed quickly.
export const DEFAULT_WAIT: WaitOptions = { minDelay: 1, maxDelay: 15, maxWaitTime: 900 };

/** How many times one write is tried again after "an update is in progress". */
export const MAX_CONFLICT_RETRIES = 8;

function timedOut(functionName: string, what: string, wait: WaitOptions): OperationError {
  return new OperationError(`${functionName}: still not ${what} after ${wait.maxWaitTime} s`, 'look at the function in the Lambda console; deploy again once it has settled');
}

async function readFunction(client: LambdaClient, functionName: string): Promise<GetFunctionCommandOutput> {
  try {
    return await client.send(new GetFunctionCommand({ FunctionName: functionName }));
  } catch (error) {
    throw failedCall('GetFunction', functionName, error);
  }
}

type Verdict = 'success' | 'failure' | 'retry';

/**
 * Polls GetFunction until `judge` says success or failure, with the SDK
 * waiters' backoff (minDelay doubling up to maxDelay, with jitter) and their
 * time limit. Not the SDK's waiters themselves: they count every error of a
 * poll as "retry" (LAMBDA.md §1.4), so a function deleted under us, denied
 * access or expired credentials would be polled until maxWaitTime. Here a
 * poll that fails for good (after the client's own retries of throttling
 * and 5xx) ends the wait with that error.
 */
async function pollFunction(
  client: LambdaClient,
  functionName: string,
  wait: WaitOptions,
  what: string,
  judge: (configuration: FunctionConfiguration) => Verdict,
): Promise<{ verdict: 'success' | 'failure'; output: GetFunctionCommandOutput }> {
  const deadline = Date.now() + wait.maxWaitTime * 1000;
  for (let attempt = 1; ; attempt++) {
    const output = await readFunction(client, functionName);
    const verdict = judge(output.Configuration ?? {});
    if (verdict !== 'retry') return { verdict, output };
    const ceiling = Math.min(wait.maxDelay, wait.minDelay * 2 ** (attempt - 1));
    const delayMs = (wait.minDelay + Math.random() * (ceiling - wait.minDelay)) * 1000;
    if (Date.now() + delayMs > deadline) throw timedOut(functionName, what, wait);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
}

const byState = (c: FunctionConfiguration): Verdict => (c.State === 'Active' ? 'success' : c.State === 'Failed' ? 'failure' : 'retry');
const byUpdate = (c: FunctionConfiguration): Verdict =>
  c.LastUpdateStatus === 'Successful' ? 'success' : c.LastUpdateStatus === 'Failed' ? 'failure' : 'retry';

/** After CreateFunction: Pending -> Active. Returns the function as read when Active. */
export async function waitUntilActive(client: LambdaClient, functionName: string, wait: WaitOptions): Promise<GetFunctionCommandOutput> {
  const { verdict, output } = await pollFunction(client, functionName, wait, 'Active', byState);
  if (verdict === 'success') return output;
  const c = output.Configuration;
  throw new FunctionFailedError(functionName, 'create', c?.StateReason ?? 'no reason given', c?.StateReasonCode);
}

/** After an update we made: InProgress -> Successful, or our deploy fails with Lambda's reason. */
export async function waitUntilUpdated(client: LambdaClient, functionName: string, wait: WaitOptions): Promise<GetFunctionCommandOutput> {
  const { verdict, output } = await pollFunction(client, functionName, wait, 'updated', byUpdate);
  if (verdict === 'success') return output;
  const c = output.Configuration;
  throw new FunctionFailedError(functionName, 'update', c?.LastUpdateStatusReason ?? 'no reason given', c?.LastUpdateStatusReasonCode);
}

/**
 * Until nobody's update is in progress. Someone else's update that ended
 * Failed is settled too: Lambda rolled it back and accepts ours.
 */
export async function waitUntilSettled(client: LambdaClient, functionName: string, wait: WaitOptions): Promise<void> {
  // A creation that ended Failed is settled as well (and the caller reports it).
  await pollFunction(client, functionName, wait, 'settled', (c) => (c.State === 'Failed' ? 'failure' : byUpdate(c)));
}

/**
 * Runs one write (UpdateFunctionCode, UpdateFunctionConfiguration,
 * PublishVersion, UpdateAlias...). The SDK does not retry a 409 "update in
 * progress" (LAMBDA.md §0.2), so this waits for the function to settle and
 * tries again, a bounded number of times. Other errors pass through.
 */
export async function retryWhileUpdating<T>(
  client: LambdaClient,
  functionName: string,
  wait: WaitOptions,
  write: () => Promise<T>,
  onConflict: (attempt: number) => void = () => {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (!isUpdateInProgress(error) || attempt > MAX_CONFLICT_RETRIES) throw error;
      onConflict(attempt);
      await waitUntilSettled(client, functionName, wait);
    }
  }
}
