import { ConfigError, OperationError } from '../errors.js';
import type { Package } from '../packages/package.js';
import type { ForeignBinary } from './binary-check.js';
import { configField } from './config-field.js';
import { describeBinaryKind, LAMBDA_MACHINES } from './elf.js';
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

/**
 * Native binaries in the bundle that the function's architecture cannot load.
 * A configuration error (exit 2): the architecture, the dependencies or what
 * the package ships must change.
 */
export class WrongArchitectureError extends ConfigError {
  constructor(
    readonly pkg: Package,
    readonly binaries: readonly ForeignBinary[],
  ) {
    const architecture = pkg.config.architecture;
    const shown = binaries.slice(0, 8).map((b) => `${b.name} is built for ${describeBinaryKind(b.kind)}`);
    if (binaries.length > shown.length) shown.push(`and ${binaries.length - shown.length} more`);
    const fromDependencies = [...new Set(binaries.map((b) => b.dependency).filter((d): d is string => d !== undefined))];
    const dependencies = fromDependencies.filter((d) => !pkg.config.allowScripts.includes(d));
    const scripted = fromDependencies.filter((d) => pkg.config.allowScripts.includes(d));
    const field = configField(pkg, 'architecture');
    const allow = configField(pkg, 'allowScripts');
    super(
      pkg.configFile,
      field,
      `the function's architecture is ${architecture} (Lambda runs it on ${LAMBDA_MACHINES[architecture].name}), but the bundle of ${pkg.path} holds native code it cannot load: ${shown.join('; ')}`,
      [
        dependencies.length > 0
          ? `if ${dependencies.join(', ')} ${dependencies.length > 1 ? 'build or download their binaries' : 'builds or downloads its binary'} in an install script, allow it: add ${dependencies.map((d) => JSON.stringify(d)).join(', ')} to ${allow} in ${pkg.configFile} (dependencies' scripts are off by default);`
          : '',
        scripted.length > 0 ? `${scripted.join(', ')} ran ${scripted.length > 1 ? 'their' : 'its'} install script on this machine, which may build for this machine only: bundle on a ${LAMBDA_MACHINES[architecture].name} machine, or use a version with prebuilt binaries for ${architecture};` : '',
        `set ${field} to the machine the binaries are built for, or replace them by ones for ${architecture}; a prebuilt file the function never loads can be left out with exclude`,
      ].filter(Boolean).join(' '),
    );
  }
}
