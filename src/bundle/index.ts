// The public face of bundling: buildBundle turns a package at a revision into
// the zip Lambda runs. Everything else in src/bundle/ is its machinery.
//
// Policies, in one place:
// - What ships: the package folder's files as git has them at the revision
//   (ls-tree + cat-file: raw blobs, no working tree, no git filters), plus
//   npm's node_modules and the build's output, minus DEFAULT_EXCLUDES and
//   the package's exclude globs, limited to its include globs when it has
//   any. A glob that matches a folder covers all of it.
// - Modes: 0755 when any execute bit is set (git's 100755, or what npm or the
//   build made executable), else 0644. Dates: 1980-01-01 00:00 for all.
// - Symlinks: followed; the zip holds the target's bytes at the link's path
//   (a linked folder's files too). A link must stay inside the package: an
//   absolute one, one that climbs out, one that leads out through other
//   links, a dangling one or a loop is a SymlinkError naming it.
// - Path dependencies (`file:../shared/x`, lockfile link entries): their
//   folders are staged from the same revision at their places beside the
//   package, and npm installs them as copies (--install-links), so the zip
//   holds real files and nothing points outside. A production one must be
//   under the package or one of its dependsOn paths (else a ConfigError),
//   since otherwise its changes would not change the package's revision.
// - Dependencies (install/index.ts): the package's lockfile picks the
//   manager (pnpm-lock.yaml: pnpm, yarn.lock: yarn classic or berry, frozen,
//   hoisted node_modules); npm: `npm ci` with a lockfile, else
//   `npm install --no-package-lock`; production ones only, for Lambda's
//   platform (--os=linux --libc=glibc --cpu of the function's architecture),
//   with dependencies' install scripts off except for the names in
//   allowScripts (npm rebuild). With a build command, everything is first
//   installed for this machine so the build has its tools, and what ships is
//   installed for Lambda after it. npm is not run when the package has no
//   dependencies for it to install.
// - Native code: every file that ships is read for an ELF header (or a
//   Mach-O one); one built for another machine than the function's
//   architecture fails the bundle (binary-check.ts), whatever the runtime.
// - Will it run (handler-check.ts): before the zip is written, the handler's
//   file is looked for in what ships, and on Node its imports are followed
//   through the bundle; either failing is an exit-2 error and no zip.
// - Python runtimes: pip installs requirements.txt (else pyproject.toml's
//   [project].dependencies) at the package root, wheels for Lambda's
//   manylinux platform, the function's architecture and the runtime's
//   Python only, made machine-independent (python/install.ts); the handler's
//   module, function and top-level imports are checked (python/handler.ts).
// - Custom runtimes (provided.*): an executable bootstrap at the root (custom-runtime.ts).
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { ConfigError, UsageError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import type { Package } from '../packages/package.js';
import type { Bundle } from './bundle.js';
import { DirectUploadTooLargeError } from './errors.js';
import { formatBytes, LAMBDA_LIMITS, type BundleLimits } from './limits.js';
import { stagePackage } from './staging.js';
import { collectFiles } from './collect.js';
import { createFilter } from './filters.js';
import { checkUnzippedSize } from './size-check.js';
import { checkHandler } from './handler-check.js';
import { ShippedFiles, StagedFiles } from './handler/files.js';
import { checkBinaries } from './binary-check.js';
import { configField } from '../config/field.js';
import { compareNames, writeZip, type ZipOptions } from './zip/writer.js';

export type { Bundle } from './bundle.js';
export { DirectUploadTooLargeError, UnzippedTooLargeError, SymlinkError, WrongArchitectureError } from './errors.js';
export { MAX_DIRECT_UPLOAD_BYTES, MAX_UNZIPPED_BYTES, LAMBDA_LIMITS, formatBytes, type BundleLimits } from './limits.js';
export { DEFAULT_EXCLUDES } from './filters.js';

export interface BundleOptions {
  /** Top folder of the git repository that holds the package. */
  gitRoot: string;
  pkg: Package;
  /** Commit (any commit-ish; resolved to a full sha) whose files are bundled. */
  revision: string;
  /** Where to write the zip; default a new temporary folder (see disposeBundle). */
  outFile?: string;
  logger?: Logger;
  /** Default LAMBDA_LIMITS. Pass `{ maxZipBytes: Infinity }` when the zip will go through S3. */
  limits?: Partial<BundleLimits>;
  /** Tuning of the zip writer (tests use a tiny streamThreshold). */
  zip?: ZipOptions;
}

const TEMP_PREFIX = 'lambda-sync-bundle-';
/** How many not-checked imports the log line names (the count is always given). */
const NOT_CHECKED_SHOWN = 5;

/**
 * Builds the zip of `pkg` at `revision`: the package's files as git has them
 * at that commit (plus its dependsOn paths and file: dependencies, staged at
 * their places), its production dependencies from npm, the output of its
 * build command, filtered by include/exclude, zipped reproducibly and
 * streamed to disk.
 *
 * Errors: UsageError (unknown revision, package missing at it), ConfigError
 * (globs, dependsOn), WrongArchitectureError (a ConfigError: native code
 * for another machine), OperationError (npm, build, git), SymlinkError,
 * UnzippedTooLargeError, DirectUploadTooLargeError. On every error but the
 * last no output file is left behind; DirectUploadTooLargeError carries the
 * complete bundle (its file kept) so that deploy can go through S3 instead.
 */
export async function buildBundle(options: BundleOptions): Promise<Bundle> {
  const logger = options.logger ?? silentLogger;
  const limits = { ...LAMBDA_LIMITS, ...options.limits };
  const { pkg } = options;
  const label = basename(pkg.path);
  const outDir = options.outFile ? undefined : await mkdtemp(join(tmpdir(), TEMP_PREFIX));
  const file = options.outFile ? resolve(options.outFile) : join(outDir!, `${label}.zip`);
  if (options.outFile && !(await stat(dirname(file)).then((s) => s.isDirectory(), () => false))) {
    throw new UsageError(`cannot write ${file}: ${dirname(file)} is not an existing folder`);
  }
  // Written under a temporary name and renamed when complete: an error never leaves a partial zip at `file`.
  const partial = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.partial`);

  const staging = await mkdtemp(join(tmpdir(), `${TEMP_PREFIX}stage-`));
  let bundle: Bundle;
  try {
    const filter = createFilter(pkg); // first: a bad glob fails before any work
    const staged = await stagePackage({ gitRoot: options.gitRoot, pkg, revision: options.revision, stageRoot: join(staging, 'tree'), logger });
    const files = await logger.step(
      `collect the files of ${pkg.path}`,
      async () => collectFiles(staged.packageDir, pkg.path, filter, logger),
      (list) => `${list.length} files`,
    );
    if (files.length === 0) throw new ConfigError(pkg.configFile, pkg.config.include ? configField(pkg, 'include') : '', 'nothing to bundle: no file of the package ships');
    if (pkg.config.include && existsSync(join(staged.packageDir, 'node_modules')) && !files.some((f) => f.name.startsWith('node_modules/'))) {
      logger.warn(`${pkg.path}: include leaves out node_modules, so the installed dependencies do not ship; add "node_modules" to include if the function needs them`);
    }
    const unzippedSize = checkUnzippedSize(pkg.path, files, limits.maxUnzippedBytes);
    // One bundle, one check per distinct handler: a package with `functions` runs several from the same files.
    const shipped = new ShippedFiles(files);
    const stagedFiles = new StagedFiles(staged.packageDir);
    const handlers = new Map(pkg.functions.map((fn) => [fn.settings.handler, fn.handlerSource] as const));
    for (const [handler, handlerSource] of handlers) {
      const check = await logger.step(
        `check the handler ${handler} of ${pkg.path}`,
        () => checkHandler({
          packagePath: pkg.path,
          configFile: pkg.configFile,
          runtime: pkg.config.runtime,
          handler,
          handlerSource,
          checkImports: pkg.config.checkImports,
          shipped,
          staged: stagedFiles,
          droppedBy: (path) => filter.droppedBy(path),
          pkg,
          files,
          logger,
        }),
        (report) => report.summary,
      );
      if (check.notChecked.length > 0) {
        const shown = check.notChecked.slice(0, NOT_CHECKED_SHOWN);
        logger.info(`${pkg.path}: ${check.notChecked.length} import(s) not checked: ${shown.join('; ')}${check.notChecked.length > shown.length ? `; and ${check.notChecked.length - shown.length} more` : ''}`);
      }
      for (const warning of check.warnings) logger.warn(`${pkg.path}: ${warning}`);
    }
    checkBinaries(pkg, files, logger);
    const written = await logger.step(
      `zip ${files.length} files (${formatBytes(unzippedSize)}) to ${file}`,
      () => writeZip(partial, files, options.zip),
      (w) => `${formatBytes(w.size)}`,
    );
    await rename(partial, file);
    bundle = { file, size: written.size, unzippedSize, fileCount: files.length, codeSha256: written.sha256, revision: staged.revision, files: files.map(({ name, size, mode }) => ({ name, size, mode })).sort((a, b) => compareNames(a.name, b.name)) };
  } catch (error) {
    await rm(partial, { force: true });
    if (outDir) await rm(outDir, { recursive: true, force: true });
    throw error;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  if (bundle.size > limits.maxZipBytes) throw new DirectUploadTooLargeError(pkg.path, bundle, limits.maxZipBytes);
  return bundle;
}

/** Removes a bundle's zip, and the temporary folder buildBundle made for it when no outFile was given. */
export async function disposeBundle(bundle: Pick<Bundle, 'file'>): Promise<void> {
  const folder = dirname(bundle.file);
  if (basename(folder).startsWith(TEMP_PREFIX) && dirname(folder) === tmpdir()) await rm(folder, { recursive: true, force: true });
  else await rm(bundle.file, { force: true });
}
