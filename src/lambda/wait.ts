import {
  GetFunctionCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
  type GetFunctionCommandOutput,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
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

type WaiterError = Error & { name: string };

const isTimeout = (error: unknown): boolean => error instanceof Error && (error as WaiterError).name === 'TimeoutError';

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

/** After CreateFunction: Pending -> Active. Returns the function as read when Active. */
export async function waitUntilActive(client: LambdaClient, functionName: string, wait: WaitOptions): Promise<GetFunctionCommandOutput> {
  try {
    const result = await waitUntilFunctionActiveV2({ client, ...wait }, { FunctionName: functionName });
    return result.reason as GetFunctionCommandOutput;
  } catch (error) {
    if (isTimeout(error)) throw timedOut(functionName, 'Active', wait);
    // The waiter's failure carries Lambda's answer only inside a JSON message; read it again instead.
    const c = (await readFunction(client, functionName)).Configuration;
    throw new FunctionFailedError(functionName, 'create', c?.StateReason ?? 'no reason given', c?.StateReasonCode);
  }
}

/** After an update we made: InProgress -> Successful, or our deploy fails with Lambda's reason. */
export async function waitUntilUpdated(client: LambdaClient, functionName: string, wait: WaitOptions): Promise<GetFunctionCommandOutput> {
  try {
    const result = await waitUntilFunctionUpdatedV2({ client, ...wait }, { FunctionName: functionName });
    return result.reason as GetFunctionCommandOutput;
  } catch (error) {
    if (isTimeout(error)) throw timedOut(functionName, 'updated', wait);
    const c = (await readFunction(client, functionName)).Configuration;
    throw new FunctionFailedError(functionName, 'update', c?.LastUpdateStatusReason ?? 'no reason given', c?.LastUpdateStatusReasonCode);
  }
}

/**
 * Until nobody's update is in progress. Someone else's update that ended
 * Failed is settled too: Lambda rolled it back and accepts ours.
 */
export async function waitUntilSettled(client: LambdaClient, functionName: string, wait: WaitOptions): Promise<void> {
  try {
    await waitUntilFunctionUpdatedV2({ client, ...wait }, { FunctionName: functionName });
  } catch (error) {
    if (isTimeout(error)) throw timedOut(functionName, 'settled', wait);
  }
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
