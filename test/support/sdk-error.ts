import assert from 'node:assert/strict';

/** An error as the AWS SDK throws it: its name is the service's error code. */
export interface SdkError extends Error {
  $metadata: { httpStatusCode?: number; attempts?: number };
  [k: string]: unknown;
}

/** The error `p` rejects with; fails the test when it resolves. */
export async function sdkFailure(p: Promise<unknown>): Promise<SdkError> {
  try {
    await p;
  } catch (e) {
    return e as SdkError;
  }
  assert.fail('expected the call to fail');
}
