import { readFile } from 'node:fs/promises';
import { MAX_DIRECT_UPLOAD_BYTES } from '../bundle/limits.js';
import { OperationError } from '../errors.js';

/** What check-and-deploy needs of a built bundle (src/bundle's Bundle has more). */
export interface BundleFile {
  file: string;
  size: number;
  codeSha256: string;
}

/** FunctionCode for CreateFunction, or the code members of UpdateFunctionCode. */
export type CodeSource = { ZipFile: Uint8Array } | { S3Bucket: string; S3Key: string; S3ObjectVersion?: string };

/** Puts a file in S3 and returns the object's version id when the bucket versions objects. */
export type S3Uploader = (bucket: string, key: string, file: string) => Promise<{ versionId: string | undefined }>;

export interface CodeSourceOptions {
  functionName: string;
  /** `aws.s3Bucket`: bundles over the direct limit go through it. */
  s3Bucket: string | undefined;
  uploadToS3: S3Uploader | undefined;
  /** Tests lower it to exercise the S3 path with small bundles. */
  directUploadLimit?: number;
  /** After Lambda refused a direct upload as too large (413): the base64 request, not the zip, is what it measures. */
  viaS3?: boolean;
}

/** Objects live under one prefix per function, so a session policy can name it. */
export const s3KeyPrefix = (functionName: string): string => `lambda-sync/${functionName}/`;

/** base64 CodeSha256 as hex, which is safe in an S3 key. */
const hexSha = (codeSha256: string): string => Buffer.from(codeSha256, 'base64').toString('hex');

export async function codeSource(bundle: BundleFile, options: CodeSourceOptions): Promise<CodeSource> {
  const limit = options.directUploadLimit ?? MAX_DIRECT_UPLOAD_BYTES;
  if (bundle.size <= limit && !options.viaS3) return { ZipFile: await readFile(bundle.file) };
  if (!options.s3Bucket || !options.uploadToS3) {
    throw new OperationError(
      `${options.functionName}: the bundle is ${megabytes(bundle.size)}, over Lambda's ${megabytes(limit)} limit for code sent directly`,
      'set aws.s3Bucket in lambda-sync.yml (a bucket in the functions\' region) to deploy larger bundles through S3',
    );
  }
  const key = `${s3KeyPrefix(options.functionName)}${hexSha(bundle.codeSha256)}.zip`;
  const { versionId } = await options.uploadToS3(options.s3Bucket, key, bundle.file);
  return { S3Bucket: options.s3Bucket, S3Key: key, ...(versionId ? { S3ObjectVersion: versionId } : {}) };
}

const megabytes = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
