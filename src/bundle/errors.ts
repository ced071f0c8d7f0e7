import { OperationError } from '../errors.js';
import { formatBytes } from './limits.js';
import type { Bundle } from './bundle.js';

/**
 * The zip is larger than Lambda accepts in a direct upload. The zip is
 * complete and kept on disk (`bundle.file`): deploy catches this and uploads
 * it through S3 when `aws.s3Bucket` is set; otherwise it is the user's error.
 */
export class DirectUploadTooLargeError extends OperationError {
  constructor(
    readonly packagePath: string,
    readonly bundle: Bundle,
    readonly limit: number,
  ) {
    super(
      `the bundle of ${packagePath} is ${formatBytes(bundle.size)} zipped (${bundle.size} bytes), over Lambda's direct upload limit of ${formatBytes(limit)} (${limit} bytes)`,
      'set aws.s3Bucket in lambda-sync.yml so that large bundles are uploaded through S3, or make the package smaller (exclude globs, fewer dependencies)',
    );
  }
}

/** The files would unzip to more than Lambda allows. Raised before the zip is written. */
export class UnzippedTooLargeError extends OperationError {
  constructor(
    readonly packagePath: string,
    readonly unzippedSize: number,
    readonly limit: number,
    readonly largest: readonly { folder: string; bytes: number }[],
  ) {
    super(
      `the bundle of ${packagePath} would unzip to ${formatBytes(unzippedSize)} (${unzippedSize} bytes), over Lambda's limit of ${formatBytes(limit)} (${limit} bytes); largest folders: ${largest.map((f) => `${f.folder} ${formatBytes(f.bytes)}`).join(', ')}`,
      'exclude what the function does not need (exclude globs in its config), or move large dependencies out of the package',
    );
  }
}

/** A symlink in the package that would make the zip reach outside it. */
export class SymlinkError extends OperationError {
  constructor(
    readonly packagePath: string,
    readonly link: string,
    readonly target: string,
    reason: string,
  ) {
    super(`${packagePath}: symlink ${link} -> ${target} ${reason}`, 'bundles hold only the package\'s own files: replace the link by the file, or move the target into the package');
  }
}
