// Bundles over Lambda's direct-upload limit go through S3 when aws.s3Bucket
// is set: PutObject with the real S3 client, then the function's code comes
// from S3Bucket/S3Key. The limit is lowered here so that the bundle stays small.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, it } from 'node:test';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { checkAndDeploy } from '../../src/lambda/deploy.js';
import { s3Uploader } from '../../src/lambda/s3-upload.js';
import { startLambdaServer, type LambdaServer } from '../support/lambda-server.js';
import { FAST_WAIT, REV_2, clientOf, countingBundle, fixedHistory, target } from './fixtures.js';
import { startS3Double, type S3Double } from './s3-double.js';

let lambda: LambdaServer;
let s3: S3Double;
let client: LambdaClient;

before(async () => {
  lambda = await startLambdaServer({ transitionMs: 20 });
  s3 = await startS3Double((bucket, key, bytes) => lambda.putS3Object(bucket, key, bytes));
  client = clientOf(lambda);
});
after(async () => {
  client.destroy();
  await s3.close();
  await lambda.close();
});

const upload = () => s3Uploader({ region: lambda.region, credentials: lambda.clientConfig().credentials, endpoint: s3.url });

it('creates and updates from S3 when the bundle is over the direct limit and a bucket is set', async () => {
  const v1 = countingBundle('exports.handler = async () => "big v1";');
  const code = { s3Bucket: 'code-bucket', uploadToS3: upload(), directUploadLimit: 100 };
  const created = await checkAndDeploy(target(), { client, bundle: v1.bundle, history: fixedHistory('not-newer'), wait: FAST_WAIT, code });
  assert.equal(created.action, 'created');
  const name = target().functionName;
  const hex = Buffer.from(v1.file.codeSha256, 'base64').toString('hex');
  assert.deepEqual(s3.puts.map((p) => [p.bucket, p.key, p.service]), [['code-bucket', `lambda-sync/${name}/${hex}.zip`, 's3']]);
  assert.deepEqual(s3.puts[0]!.bytes, readFileSync(v1.file.file));
  assert.equal(lambda.function(name)!.configuration.CodeSha256, v1.file.codeSha256);

  const v2 = countingBundle('exports.handler = async () => "big v2";');
  const updated = await checkAndDeploy(target({ revision: REV_2 }), { client, bundle: v2.bundle, history: fixedHistory('not-newer'), wait: FAST_WAIT, code });
  assert.equal(updated.action, 'updated');
  assert.equal(s3.puts.length, 2);
  assert.equal(lambda.function(name)!.configuration.CodeSha256, v2.file.codeSha256);
});

it('refuses, naming the limit and aws.s3Bucket, when the bundle is over the limit and no bucket is set', async () => {
  const big = countingBundle('exports.handler = async () => "too big";');
  const error = await checkAndDeploy(target({ functionName: 'no-bucket' }), {
    client, bundle: big.bundle, history: fixedHistory('not-newer'), wait: FAST_WAIT, code: { s3Bucket: undefined, uploadToS3: undefined, directUploadLimit: 100 },
  }).then(() => undefined, (e: unknown) => e as Error & { hint?: string; exitCode?: number });
  assert.ok(error);
  assert.equal(error.exitCode, 1);
  assert.match(error.message, /no-bucket: the bundle is [\d.]+ MB, over Lambda's [\d.]+ MB limit for code sent directly/);
  assert.match(error.hint ?? '', /aws\.s3Bucket/);
  assert.equal(lambda.function('no-bucket'), undefined);
});
