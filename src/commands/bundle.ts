import { realpath, rm } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import { buildBundle, DirectUploadTooLargeError, formatBytes, MAX_DIRECT_UPLOAD_BYTES, type Bundle } from '../bundle/index.js';
import { UsageError } from '../errors.js';
import type { Logger } from '../log.js';
import { enclosingPackage } from '../packages/discover.js';
import { leftOut } from '../packages/dirty.js';
import { planPackages } from '../packages/plan.js';
import type { RootConfig } from '../config/types.js';
import { resolveRevision } from '../repo/git.js';
import { workingTree } from '../repo/tree.js';
import { addRepositoryOptions, formatTable, type RepositoryOptions } from './common.js';

interface BundleCommandOptions extends RepositoryOptions {
  output?: string;
  revision?: string;
  json?: boolean;
}

export function registerBundle(program: Command, logger: Logger): void {
  addRepositoryOptions(
    program
      .command('bundle')
      .description('build the zip of one package at a revision, as deploy would upload it (production dependencies, build step, reproducible bytes)')
      .argument('<package>', 'the package folder (relative to --root)')
      .option('-o, --output <file>', 'where to write the zip (default: <folder name>-<revision>.zip in the current folder, or beside the package when the current folder is inside one)')
      .option('--revision <sha>', 'the commit to bundle (default: the package\'s revision, its last commit that changed it)')
      .option('--json', 'print the result as one JSON object on stdout'),
  ).action(async (packageArg: string, options: BundleCommandOptions) => {
    const base = resolve(options.root ?? '.');
    const packageDir = await realpath(resolve(base, packageArg)).catch(() => {
      throw new UsageError(`${resolve(base, packageArg)} does not exist`);
    });
    // The config too comes from the commit that is bundled, never from the working tree.
    const plan = await planPackages({ root: packageDir, repoUrl: options.repoUrl, logger, from: { commit: options.revision ?? 'HEAD' } });
    const path = relative(plan.gitRoot, packageDir).split(sep).join('/');
    const pkg = plan.packages.find((p) => p.path === path);
    if (!pkg && options.revision !== undefined) {
      throw new UsageError(`package ${path || '.'} does not exist at revision ${plan.head.slice(0, 12)}`, 'bundle a revision that has it (the default is the package\'s own revision)');
    }
    if (!pkg) {
      const inside = plan.packages.map((p) => p.path);
      throw new UsageError(
        `${path || '.'} is not a package (no lambda.yml, or package.json with a "lambda" object, or not matched by packages in lambda-sync.yml)`,
        inside.length ? `packages under it: ${inside.slice(0, 10).join(', ')}` : 'run lambda-sync plan to list the packages',
      );
    }
    const wanted = options.revision ?? pkg.revision;
    if (wanted === undefined) throw new UsageError(`package ${pkg.path} has never been committed; a bundle is made from a commit`, 'commit it, or pass --revision <sha>');
    if (options.revision === undefined && pkg.uncommittedFiles.length > 0) logger.warn(leftOut(pkg, wanted));
    const revision = await resolveRevision(plan.gitRoot, wanted);
    const outFile = options.output === undefined
      ? join(await defaultOutputDir(plan.gitRoot, plan.rootConfig, logger), `${basename(pkg.path)}-${revision.slice(0, 12)}.zip`)
      : resolve(options.output);
    const bucket = plan.rootConfig.aws?.s3Bucket;

    let bundle: Bundle;
    try {
      bundle = await buildBundle({ gitRoot: plan.gitRoot, pkg, revision, outFile, logger, limits: bucket ? { maxZipBytes: Infinity } : {} });
    } catch (error) {
      // Without a bucket the zip cannot be deployed: do not leave it behind as if it could.
      if (error instanceof DirectUploadTooLargeError) await rm(error.bundle.file, { force: true });
      throw error;
    }
    if (bucket && bundle.size > MAX_DIRECT_UPLOAD_BYTES) logger.info(`${formatBytes(bundle.size)} is over the direct upload limit: deploy uploads it through s3://${bucket}`);
    printBundle(pkg.path, bundle, options.json === true);
  });
}
/**
 * The current folder, unless it is inside a package: a zip there would make
 * the package dirty, and would ship in its next bundle once committed. Then
 * the folder that holds the outermost such package.
 */
async function defaultOutputDir(root: string, config: RootConfig, logger: Logger): Promise<string> {
  const [cwd, gitRoot] = await Promise.all([realpath(process.cwd()), realpath(root)]);
  const relCwd = relative(gitRoot, cwd);
  if (relCwd.startsWith('..') || isAbsolute(relCwd)) return cwd;
  const inside = await enclosingPackage(await workingTree(gitRoot), relCwd.split(sep).join('/'), config);
  if (inside === undefined) return cwd;
  const dir = join(gitRoot, dirname(inside));
  logger.info(`the current folder is inside the package ${inside}; writing the zip to ${dir} instead (-o to choose)`);
  return dir;
}

function printBundle(path: string, bundle: Bundle, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ package: path, ...bundle }, null, 2)}\n`);
    return;
  }
  const rows = [
    ['package', path],
    ['revision', bundle.revision],
    ['file', bundle.file],
    ['size', `${bundle.size} bytes (${formatBytes(bundle.size)})`],
    ['unzipped', `${bundle.unzippedSize} bytes (${formatBytes(bundle.unzippedSize)})`],
    ['files', String(bundle.fileCount)],
    ['CodeSha256', bundle.codeSha256],
  ];
  process.stdout.write(`${formatTable(['', ''], rows).split('\n').slice(1).join('\n')}\n`);
}
