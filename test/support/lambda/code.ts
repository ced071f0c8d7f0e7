// Deployment packages: where the bytes come from (ZipFile or a registered
// S3 object), Lambda's size limits, and the zip check.
import { createHash } from 'node:crypto';
import { Problems, invalidParameter, requestTooLarge } from './errors.js';
import { type Json, asObject, optString } from './validate.js';
import { ZipError, readZip, verifyContents } from './zipinfo.js';

/** 50 MB zipped, sent directly in the request. */
export const MAX_DIRECT_ZIP = 52_428_800;
/** 50 MiB base64-encoded: the request limit real Lambda reports. */
export const MAX_REQUEST_BYTES = 69_905_067;
export const MAX_UNZIPPED = 262_144_000;
// Inflating and CRC-checking everything would make big fixtures slow; above
// this the central directory and local headers are still checked.
const VERIFY_CONTENTS_UP_TO = 16 * 1024 * 1024;

export interface S3Object { bytes: Buffer; region: string }

export interface Code {
  zip: Buffer;
  sha256: string;
  size: number;
  location: { kind: 'ZipFile' } | { kind: 'S3'; bucket: string; key: string };
}

export interface CodeSource {
  ZipFile?: string;
  S3Bucket?: string;
  S3Key?: string;
  S3ObjectVersion?: string;
  ImageUri?: string;
}

export function readCodeSource(o: Json): CodeSource {
  const out: CodeSource = {};
  for (const k of ['ZipFile', 'S3Bucket', 'S3Key', 'S3ObjectVersion', 'ImageUri'] as const) {
    const v = optString(o, k);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

export function codeSourceFromCreate(body: Json, p: Problems): CodeSource | undefined {
  if (!p.required('code', body.Code)) return undefined;
  return readCodeSource(asObject(body.Code, 'Code'));
}

export function resolveCode(
  src: CodeSource,
  operation: string,
  ctx: { region: string; s3: Map<string, S3Object> },
): Code {
  const p = new Problems();
  p.length('s3Bucket', src.S3Bucket, 3, 63);
  p.pattern('s3Bucket', src.S3Bucket, /^[0-9A-Za-z\.\-_]*(?<!\.)$/);
  p.length('s3Key', src.S3Key, 1, 1024);
  p.throwIfAny();
  if (src.ImageUri !== undefined) throw invalidParameter('Container images are not supported by the lambda-sync test server.');
  const fromS3 = src.S3Bucket !== undefined || src.S3Key !== undefined;
  if (src.ZipFile !== undefined && fromS3) {
    throw invalidParameter('Please do not provide other FunctionCode properties when providing a ZipFile.');
  }
  let zip: Buffer;
  let location: Code['location'];
  if (src.ZipFile !== undefined) {
    zip = Buffer.from(src.ZipFile, 'base64');
    if (zip.length > MAX_DIRECT_ZIP) throw requestTooLarge(operation, MAX_REQUEST_BYTES);
    location = { kind: 'ZipFile' };
  } else if (src.S3Bucket !== undefined && src.S3Key !== undefined) {
    zip = getS3Object(src.S3Bucket, src.S3Key, ctx);
    location = { kind: 'S3', bucket: src.S3Bucket, key: src.S3Key };
  } else if (fromS3) {
    throw invalidParameter('Please provide both S3Bucket and S3Key for the function code.');
  } else {
    throw invalidParameter('Please provide a source for function code.');
  }
  checkZip(zip);
  return { zip, sha256: sha256(zip), size: zip.length, location };
}

function getS3Object(bucket: string, key: string, ctx: { region: string; s3: Map<string, S3Object> }): Buffer {
  const buckets = new Set([...ctx.s3.keys()].map((k) => k.slice(0, k.indexOf('/'))));
  const prefix = 'Error occurred while GetObject. S3 Error Code: ';
  if (!buckets.has(bucket)) throw invalidParameter(`${prefix}NoSuchBucket. S3 Error Message: The specified bucket does not exist`);
  const obj = ctx.s3.get(`${bucket}/${key}`);
  if (!obj) throw invalidParameter(`${prefix}NoSuchKey. S3 Error Message: The specified key does not exist.`);
  if (obj.region !== ctx.region) {
    throw invalidParameter(`${prefix}PermanentRedirect. S3 Error Message: The bucket is in this region: ${obj.region}. Please use this region to retry the request`);
  }
  return obj.bytes;
}

export function checkZip(zip: Buffer): void {
  let info;
  try {
    info = readZip(zip);
    if (info.uncompressedSize <= VERIFY_CONTENTS_UP_TO) verifyContents(zip, info);
  } catch (e) {
    if (!(e instanceof ZipError)) throw e;
    throw invalidParameter('Could not unzip uploaded file. Please check your file, then try to upload again.');
  }
  if (info.uncompressedSize > MAX_UNZIPPED) throw invalidParameter(`Unzipped size must be smaller than ${MAX_UNZIPPED} bytes`);
}

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('base64');
