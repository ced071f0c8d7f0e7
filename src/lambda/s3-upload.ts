import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { OperationError } from '../errors.js';
import type { S3Uploader } from './code-source.js';
import { describeAwsError } from './errors.js';
import { redactSecrets } from './redact.js';

export interface S3UploaderOptions {
  region: string;
  credentials?: S3ClientConfig['credentials'];
  /** Tests; otherwise AWS_ENDPOINT_URL_S3 is honoured by the SDK. */
  endpoint?: string;
}

/**
 * One PutObject, streamed from disk (bundles here are over 50 MB). The bucket
 * must be in the functions' region: Lambda refuses code from another region.
 */
export function s3Uploader(options: S3UploaderOptions): S3Uploader {
  return async (bucket, key, file) => {
    const s3 = new S3Client({
      region: options.region,
      maxAttempts: 5,
      // A local endpoint has no virtual-host buckets.
      ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
    });
    try {
      const { size } = await stat(file);
      const out = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: createReadStream(file), ContentLength: size, ContentType: 'application/zip' }));
      return { versionId: out.VersionId };
    } catch (error) {
      throw new OperationError(redactSecrets(`uploading the bundle to s3://${bucket}/${key}: ${describeAwsError('PutObject', error)}`));
    } finally {
      s3.destroy();
    }
  };
}
