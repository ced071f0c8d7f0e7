import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LambdaCallError } from '../../src/lambda/errors.js';

function awsError(name: string, status?: number): Error {
  const error = new Error(`${name} happened`);
  error.name = name;
  if (status !== undefined) Object.assign(error, { $metadata: { httpStatusCode: status } });
  return error;
}

const cases: Array<[string, number | undefined, RegExp | undefined]> = [
  ['CredentialsProviderError', undefined, /no AWS credentials were found: .*AWS_PROFILE.*aws\.secret/],
  ['TooManyRequestsException', 429, /15 requests per second .* lower --concurrency/],
  ['AccessDeniedException', 403, /check the AWS credentials/],
  ['InvalidParameterValueException', 400, undefined],
];

for (const [name, status, hint] of cases) {
  test(`a failed Lambda call with ${name} says what to do`, () => {
    const error = new LambdaCallError('GetFunction', 'fn-1234', awsError(name, status));
    assert.equal(error.exitCode, 1);
    assert.match(error.message, new RegExp(`^fn-1234: GetFunction: ${name}`));
    if (hint) assert.match(error.hint ?? '', hint);
    else assert.equal(error.hint, undefined);
  });
}
