/** Lambda's package size limits (LAMBDA.md §1.3). */

/**
 * Lambda's limit on a zip sent in the request itself.
 *
 * The limit is on the request: the zip travels base64-encoded in a JSON body
 * that must stay under 69,905,067 bytes (50 MiB x 4/3), so a zip within a few
 * KB of this number can still be refused; deploy treats 413
 * RequestEntityTooLargeException as "go through S3" too.
 */
export const MAX_DIRECT_UPLOAD_BYTES = 50 * 1024 * 1024;
/** Unzipped size of the function's code (layers included, which we do not use). */
export const MAX_UNZIPPED_BYTES = 262_144_000;

export interface BundleLimits {
  /** Largest zip returned normally; a bigger one throws DirectUploadTooLargeError (file kept). Infinity when the caller uploads through S3. */
  maxZipBytes: number;
  /** Largest total of the files' sizes; a bigger bundle throws UnzippedTooLargeError before any zip is written. */
  maxUnzippedBytes: number;
}

export const LAMBDA_LIMITS: BundleLimits = { maxZipBytes: MAX_DIRECT_UPLOAD_BYTES, maxUnzippedBytes: MAX_UNZIPPED_BYTES };

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}
