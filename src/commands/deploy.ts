import { existsSync } from 'node:fs';
import { realpath, rm } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import type { Bundle } from '../bundle/index.js';
import { LambdaSyncError, UsageError } from '../errors.js';
import { formatDuration, type Logger } from '../log.js';
import type { CallObserver, DeployResult, DeployTarget, LambdaAccess, RevisionHistory, SecretReader, WaitOptions } from '../lambda/index.js';
import { redactingLogger, redactSecrets } from '../lambda/redact.js';
import { functionDescription, functionLabel } from '../packages/description.js';
import { leftOut } from '../packages/dirty.js';
import type { Package } from '../packages/package.js';
import { planPackages, type Plan } from '../packages/plan.js';
import { cloneAtRevision, type Checkout } from '../repo/clone.js';
import { git, remoteUrl } from '../repo/git.js';
import { redactUrlsIn, repositoryIdFromUrl } from '../repo/repository-id.js';
import { rootConfigFromJson } from '../config/load.js';
import { ROOT_CONFIG_FILE } from '../config/types.js';
import { missingPackageError } from './common.js';
import { DeployReport } from './deploy-report.js';

// The AWS SDK, taskcluster-client and the bundler are loaded when a deploy
// runs, not when the CLI starts: every other command starts faster.
const lambda = () => import('../lambda/index.js');
const bundler = () => import('../bundle/index.js');

interface DeployCommandOptions {
  repoUrl?: string;
  revision?: string;
  packageRevision?: string;
  /** Repeatable: one per function of the package, in its order. */
  functionName?: string[];
  functionKey?: string[];
  configDigest?: string[];
  bundleDigest?: string;
  rootConfig?: string;
  artifacts?: string;
  force?: boolean;
  check?: boolean;
  allowDirty?: boolean;
  json?: boolean;
  quiet?: boolean;
}

/** `--json` output: exactly one object; for a package with `functions`, one per function under `functions`. */
export type DeployJson = FunctionJson | { path: string; functions: Array<FunctionJson & { key: string }> };

export interface FunctionJson {
  /** `failed` only for one of several functions of a package, whose others may have deployed. */
  action: DeployResult['action'] | 'checked' | 'failed';
  functionName: string;
  revision: string;
  codeSha256: string | null;
  version: string | null;
  /** Only with --check: the Description a deploy would set. */
  description?: string;
  /** Only for a failed function: why. */
  error?: string;
}

export function registerDeploy(program: Command, logger: Logger): void {
  program
    .command('deploy')
    .description('check-and-deploy one package: ask Lambda which revision it runs, and bundle and deploy only when it is not this one (or a newer one)')
    .argument('<path>', 'the package folder: from the current folder in a checkout, from the repository root with --revision')
    .addOption(new Option('--repo-url <url>', 'the repository\'s URL: the source of the repository id, and what --revision clones; credentials in it are never printed'))
    .addOption(new Option('--revision <sha>', 'clone --repo-url at this commit (the push\'s head) into a temporary folder and deploy from there, as a task does'))
    .addOption(new Option('--package-revision <sha>', 'the package\'s own code revision, as the decision found it: with --function-name, one GetFunction per function first, and when each already runs it (with --config-digest, that configuration too) the task ends there, without cloning'))
    .addOption(new Option('--function-name <name>', 'a function of the package (with --package-revision); repeat it for each of a package\'s `functions`').argParser(collect))
    .addOption(new Option('--function-key <key>', 'the `functions` key of each --function-name, in the same order (packages with `functions` only)').argParser(collect))
    .addOption(new Option('--config-digest <sha256>', 'the configuration digest each --function-name should carry (tag lambda-sync:config), in the same order').argParser(collect))
    .addOption(new Option('--bundle-digest <sha256>', 'the digest of the package\'s bundle settings (tag lambda-sync:bundle)'))
    .addOption(new Option('--root-config <json>', 'lambda-sync.yml\'s region and aws sections as JSON (what the decision read), for the GetFunction before any clone'))
    .option('--artifacts <dir>', 'write result.json (what the task did, revisions, CodeSha256, API calls, durations) and, when it bundled, bundle-files.txt (path, size, mode of each file) into this folder')
    .option('--force', 'deploy even when Lambda runs this revision or a newer one (also LAMBDA_SYNC_FORCE=1); never over a function that is not this package\'s')
    .option('--check', 'only bundle, and print the Description and CodeSha256 a deploy would set; no AWS access at all')
    .option('--allow-dirty', 'deploy a package with uncommitted changes: they are left out (and listed), the committed code and config deploy')
    .option('--json', 'print one JSON object on stdout: {action, functionName, revision, codeSha256, version}')
    .option('-q, --quiet', 'leave out the per-call lines (one per Lambda API call)')
    .action(async (path: string, options: DeployCommandOptions) => {
      const out = await redactingErrors(() => deployCommand(path, options, redactingLogger(logger)));
      if (options.json) process.stdout.write(`${JSON.stringify(out)}\n`);
      else for (const fn of 'functions' in out ? out.functions : [out]) {
        if (fn.action === 'checked') process.stdout.write(`Description: ${fn.description}\nCodeSha256: ${fn.codeSha256}\n`);
      }
    });
}

/** Whatever fails, its message reaches the user without a credential in it. */
export async function redactingErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof Error) {
      error.message = redactSecrets(error.message);
      if (error.stack) error.stack = redactSecrets(error.stack);
    }
    throw error;
  }
}

/** What to do about a package with uncommitted changes (deploy and sync refuse it). */
export const DIRTY_HINT = 'commit the changes first, or pass --allow-dirty to deploy the committed revision anyway';

/** An error's message, with what to do on a second line when it says. */
export function errorText(error: unknown): string {
  if (error instanceof LambdaSyncError && error.hint) return `${error.message}\n${error.hint}`;
  return error instanceof Error ? error.message : String(error);
}

export const forcedByEnvironment = (env: NodeJS.ProcessEnv = process.env): boolean => ['1', 'true'].includes((env.LAMBDA_SYNC_FORCE ?? '').toLowerCase());

async function deployCommand(path: string, options: DeployCommandOptions, logger: Logger): Promise<DeployJson> {
  const report = new DeployReport(path, options.revision);
  return report.record(options.artifacts, () => deployOrAnswer(path, options, logger, report), () => {
    // A package's functions deploy one by one: what the others did is part of the answer.
    const partial = report.outcomeSoFar();
    if (options.json && partial) process.stdout.write(`${JSON.stringify(partial)}\n`);
  });
}

async function deployOrAnswer(path: string, options: DeployCommandOptions, logger: Logger, report: DeployReport): Promise<DeployJson> {
  if (options.revision !== undefined && options.repoUrl === undefined) {
    throw new UsageError('--revision needs --repo-url: the repository to clone at that revision');
  }
  const expected = expectedFunctions(options);
  const force = options.force === true || forcedByEnvironment();
  if (expected && !options.check && !force) {
    const answer = await answerFromLambda(path, options, expected, logger, report);
    if (answer) return answer;
  }
  let checkout: Checkout | undefined;
  try {
    if (options.revision !== undefined) {
      // Only this package's files and lambda-sync.yml are checked out; planning reads the commit's trees.
      checkout = await report.timed('clone', () =>
        logger.step(`clone ${redactUrlsIn(options.repoUrl!)} at ${options.revision} (only ${path})`, () => cloneAtRevision(options.repoUrl!, options.revision!, { sparse: [ROOT_CONFIG_FILE, path] })),
      );
      report.cloned = true;
    }
    const root = checkout ? resolve(checkout.dir, path) : resolve(path);
    if (!existsSync(root)) throw missingPackageError('deploy', path, checkout ? ` at ${options.revision}` : '');
    const plan = await planPackages({ root, repoUrl: options.repoUrl, logger, ...(checkout ? { deepen: checkout.deepen } : {}) });
    const pkg = await packageAt(plan, await realpath(root), path);
    revisionOf(pkg);
    // What the bundle stages besides the package: fetched in one batch, not blob by blob.
    if (checkout) await checkout.widen(pkg.config.dependsOn);
    if (pkg.uncommittedFiles.length > 0) {
      const what = leftOut(pkg, pkg.revision);
      if (!options.check && !options.allowDirty) throw new UsageError(what, DIRTY_HINT);
      logger.warn(what);
    }
    if (options.check) return await checkPackage(plan, pkg, logger, report);

    const history = await historyFor(plan, checkout, logger);
    const access = await openAccess(plan, { logger, printCalls: !options.quiet, onCall: report.call });
    try {
      const results = await deployPackage(plan, pkg, access, {
        force,
        history,
        logger,
        report,
        onResult: (result, ms) => logger.info(`${result.action} ${result.functionName} (${functionLabel(pkg.path, result.key)}@${result.revision.slice(0, 12)}): ${result.detail} (${formatDuration(ms)})`),
        onFailure: (failure, ms) => logger.info(`failed ${failure.functionName} (${functionLabel(pkg.path, failure.key)}): ${errorText(failure.error).split('\n')[0]} (${formatDuration(ms)})`),
      });
      const json = results.map((r): FunctionJson => (r.action === 'failed'
        ? { action: 'failed', functionName: r.functionName, revision: pkg.revision!, codeSha256: null, version: null, error: redactSecrets(errorText(r.error)) }
        : { action: r.action, functionName: r.functionName, revision: r.revision, codeSha256: r.codeSha256, version: r.version }));
      const out: DeployJson = pkg.functions[0]!.key === undefined ? json[0]! : { path: pkg.path, functions: results.map((r, i) => ({ key: r.key!, ...json[i]! })) };
      const failed = results.find((r): r is FailedFunction => r.action === 'failed');
      if (failed) {
        // The first failure decides the exit code; the functions that did deploy stay in --json and result.json.
        report.partial(out);
        throw failed.error;
      }
      return out;
    } finally {
      access.close();
    }
  } finally {
    if (checkout) await rm(checkout.dir, { recursive: true, force: true });
  }
}

/** The package whose folder is `root` at the plan's commit; `path` is how the user wrote it. */
export async function packageAt(plan: Plan, root: string, path: string): Promise<Package> {
  const wanted = relative(await realpath(plan.gitRoot), root).split('\\').join('/');
  const pkg = plan.packages.find((p) => p.path === wanted);
  if (pkg) return pkg;
  // A package that exists only in the working tree has nothing to deploy: deploys read only what is committed.
  const { exitCode } = await git(plan.gitRoot, ['cat-file', '-e', `${plan.head}:${wanted}`], { okExitCodes: [1, 128] });
  if (wanted !== '' && exitCode !== 0) throw new UsageError(`${wanted} has never been committed, so it has no revision to deploy`, 'commit it first');
  const under = plan.packages.map((p) => p.path);
  throw new UsageError(
    `${path} is not a package folder${under.length ? `; packages under it: ${under.slice(0, 5).join(', ')}${under.length > 5 ? ', ...' : ''}` : ''}`,
    'pass the folder that holds the package (its lambda.yml, or its package.json with a "lambda" object)',
  );
}

function revisionOf(pkg: Package): string {
  if (pkg.revision === undefined) throw new UsageError(`${pkg.path} has never been committed, so it has no revision to deploy`, 'commit it first');
  return pkg.revision;
}

/** What check-and-deploy gets for each function of the package. */
export function targetsOf(plan: Plan, pkg: Package): DeployTarget[] {
  const revision = revisionOf(pkg);
  return pkg.functions.map((fn) => ({
    repository: plan.repository,
    path: pkg.path,
    key: fn.key,
    functionName: fn.functionName,
    revision,
    configRevision: plan.head,
    settings: fn.settings,
    configDigest: fn.configDigest,
    bundleDigest: pkg.bundleDigest,
    code: { paths: pkg.watchedPaths, ignore: pkg.ignoredPaths },
    configFile: pkg.configFile,
  }));
}

/** What the decision expects each function of the package to run: the payload's --package-revision and its companions. */
export interface ExpectedFunctions {
  revision: string;
  bundleDigest: string | undefined;
  functions: Array<{ functionName: string; configDigest: string | undefined }>;
  /** The `functions` keys, for a package that declares them. */
  keys: string[] | undefined;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The payload's expectations, checked for agreement: each list as long as --function-name. */
export function expectedFunctions(options: Pick<DeployCommandOptions, 'packageRevision' | 'functionName' | 'functionKey' | 'configDigest' | 'bundleDigest'>): ExpectedFunctions | undefined {
  const names = options.functionName ?? [];
  if ((options.packageRevision === undefined) !== (names.length === 0)) {
    throw new UsageError('--package-revision and --function-name go together: the functions to ask and the revision they should run');
  }
  if (options.packageRevision === undefined) {
    if (options.functionKey || options.configDigest || options.bundleDigest) throw new UsageError('--function-key, --config-digest and --bundle-digest need --package-revision and --function-name');
    return undefined;
  }
  for (const [flag, list] of [['--function-key', options.functionKey], ['--config-digest', options.configDigest]] as const) {
    if (list && list.length !== names.length) throw new UsageError(`${flag} is given ${list.length} time(s) and --function-name ${names.length}: give one for each function, in the same order`);
  }
  return {
    revision: options.packageRevision,
    bundleDigest: options.bundleDigest,
    functions: names.map((functionName, i) => ({ functionName, configDigest: options.configDigest?.[i] })),
    keys: options.functionKey,
  };
}

/**
 * A task given its package's revision asks Lambda first: when each of its
 * functions already runs that revision with that configuration (a
 * retrigger, a race with a newer push), one GetFunction per function is the
 * whole task, with no clone. Otherwise the task goes on as usual, and the
 * full check (newer deploys included) runs on the clone.
 */
async function answerFromLambda(path: string, options: DeployCommandOptions, expected: ExpectedFunctions, logger: Logger, report: DeployReport): Promise<DeployJson | undefined> {
  const rootConfig = options.rootConfig === undefined ? {} : rootConfigFromJson(options.rootConfig, '--root-config');
  const access = await openAccess({ rootConfig }, { logger, printCalls: !options.quiet, onCall: report.call });
  try {
    const { readDeployed, whyNotRunning } = await lambda();
    const { revision, bundleDigest } = expected;
    // A task knows the repository: the function must carry this package's Description, not only its revision.
    const repository = options.repoUrl === undefined ? undefined : repositoryIdFromUrl(options.repoUrl);
    const answers: FunctionJson[] = [];
    for (const [i, { functionName, configDigest }] of expected.functions.entries()) {
      const fn = access.forFunction({ functionName, executionRoleArn: undefined });
      const deployed = await readDeployed(fn.client, functionName);
      const description = repository === undefined ? undefined : functionDescription(repository, path, revision, expected.keys?.[i]);
      const why = whyNotRunning(deployed, { revision, configDigest, bundleDigest, description });
      if (why !== undefined) {
        logger.info(`${functionName} is not at ${path}@${revision.slice(0, 12)}${configDigest ? ' with this configuration' : ''} (${why}): cloning to check and deploy`);
        return undefined;
      }
      const codeSha256 = deployed.kind === 'present' ? (deployed.configuration.CodeSha256 ?? null) : null;
      answers.push({ action: 'skipped', functionName, revision, codeSha256, version: null });
    }
    for (const a of answers) {
      logger.info(`skipped ${a.functionName} (${path}@${revision.slice(0, 12)}): its Description holds this revision${expected.functions[0]?.configDigest ? ' and its configuration digest is this one' : ''} (one GetFunction, no git)`);
    }
    if (expected.keys === undefined) return answers[0]!;
    return { path, functions: answers.map((a, i) => ({ key: expected.keys![i]!, ...a })) };
  } finally {
    access.close();
  }
}

/** --check: what a deploy would set, without any AWS access. */
async function checkPackage(plan: Plan, pkg: Package, logger: Logger, report?: DeployReport): Promise<DeployJson> {
  const targets = targetsOf(plan, pkg);
  const { buildBundle, disposeBundle } = await bundler();
  const build = () => buildBundle({ gitRoot: plan.gitRoot, pkg, revision: targets[0]!.revision, logger, limits: { maxZipBytes: Infinity } });
  const bundle = await (report ? report.timed('bundle', build) : build());
  report?.bundled(bundle);
  await disposeBundle(bundle);
  const { descriptionFor } = await lambda();
  logger.info(`checked ${pkg.path}: ${bundle.fileCount} files, ${bundle.size} bytes zipped`);
  const checked = targets.map((t): FunctionJson => ({ action: 'checked', functionName: t.functionName, revision: t.revision, codeSha256: bundle.codeSha256, version: null, description: descriptionFor(t) }));
  return targets[0]!.key === undefined ? checked[0]! : { path: pkg.path, functions: checked.map((c, i) => ({ key: targets[i]!.key!, ...c })) };
}

/** A task's clone fetches an unknown deployed commit from its origin; a checkout from `origin` when it has one. */
export async function historyFor(plan: Plan, checkout: Checkout | undefined, logger: Logger): Promise<RevisionHistory> {
  const remote = checkout || (await remoteUrl(plan.gitRoot)) !== undefined ? 'origin' : undefined;
  return (await lambda()).gitHistory(plan.gitRoot, { ...(remote ? { remote } : {}), ...(checkout ? { deepen: checkout.deepen } : {}), logger });
}

/** Reads a Taskcluster secret through the task's taskcluster-proxy, which signs the request with the task's scopes. */
export function proxySecretReader(proxyUrl: string): SecretReader {
  return async (name) => {
    const { default: taskcluster } = await import('taskcluster-client');
    return (await new taskcluster.Secrets({ rootUrl: proxyUrl }).get(name)).secret;
  };
}

export interface OpenAccessOptions {
  logger: Logger;
  /** Print one line per Lambda API call (waiters' polls left out). */
  printCalls: boolean;
  /** Sees every call, for counts. */
  onCall?: CallObserver;
  env?: NodeJS.ProcessEnv;
  endpoints?: { lambda?: string; sts?: string; s3?: string };
}

export async function openAccess(plan: Pick<Plan, 'rootConfig'>, options: OpenAccessOptions): Promise<LambdaAccess> {
  const env = options.env ?? process.env;
  const proxy = env.TASKCLUSTER_PROXY_URL;
  const { openLambdaAccess, formatCall } = await lambda();
  return openLambdaAccess({
    rootConfig: plan.rootConfig,
    env,
    ...(proxy ? { readSecret: proxySecretReader(proxy) } : {}),
    logger: options.logger,
    onCall: (call) => {
      options.onCall?.(call);
      if (options.printCalls && !call.quiet) options.logger.info(redactSecrets(formatCall(call, formatDuration)));
    },
    ...(options.endpoints ? { endpoints: options.endpoints } : {}),
  });
}

export interface DeployPackageOptions {
  force: boolean;
  history: RevisionHistory;
  logger: Logger;
  wait?: WaitOptions;
  /** Times the bundle and keeps its file list (a task's result.json, bundle-files.txt). */
  report?: Pick<DeployReport, 'timed' | 'bundled'>;
  /** Hears each function's outcome as it ends, with its duration. */
  onResult?: (result: FunctionResult, ms: number) => void;
  /** Hears each of several functions that failed (a package's single function throws instead), with its duration. */
  onFailure?: (failure: FailedFunction, ms: number) => void;
}

/** One function's outcome, with the key that tells it from the package's other functions. */
export type FunctionResult = DeployResult & { key: string | undefined };
export interface FailedFunction {
  action: 'failed';
  key: string | undefined;
  functionName: string;
  error: unknown;
}

/**
 * Check-and-deploy of every function of one planned package, one after the
 * other. They share one bundle, built only when the first function needs it
 * and removed after the last. One function failing does not stop the others.
 */
export async function deployPackage(plan: Plan, pkg: Package, access: LambdaAccess, options: DeployPackageOptions): Promise<Array<FunctionResult | FailedFunction>> {
  const { checkAndDeploy } = await lambda();
  const { buildBundle, disposeBundle, DirectUploadTooLargeError } = await bundler();
  const targets = targetsOf(plan, pkg);
  // The bundler refuses what Lambda would refuse directly, unless every function can go through S3.
  const accesses = targets.map((target) => access.forFunction({ functionName: target.functionName, executionRoleArn: target.settings.role }));
  const viaS3 = accesses.every((fn) => fn.s3Bucket);
  let built: Promise<Bundle> | undefined;
  const bundle = (): Promise<Bundle> => {
    const build = () => buildBundle({ gitRoot: plan.gitRoot, pkg, revision: targets[0]!.revision, logger: options.logger, ...(viaS3 ? { limits: { maxZipBytes: Infinity } } : {}) });
    built ??= (options.report ? options.report.timed('bundle', build) : build()).then(
      (made) => {
        options.report?.bundled(made);
        return made;
      },
      async (error: unknown) => {
        if (error instanceof DirectUploadTooLargeError) await disposeBundle(error.bundle);
        throw error;
      },
    );
    return built;
  };
  const results: Array<FunctionResult | FailedFunction> = [];
  try {
    for (const [i, target] of targets.entries()) {
      const fn = accesses[i]!;
      const started = performance.now();
      try {
        const result = await checkAndDeploy(target, {
          client: fn.client,
          history: options.history,
          logger: options.logger,
          force: options.force,
          ...(options.wait ? { wait: options.wait } : {}),
          code: { s3Bucket: fn.s3Bucket, uploadToS3: fn.uploadToS3 },
          bundle,
        });
        const done = { ...result, key: target.key };
        options.onResult?.(done, performance.now() - started);
        results.push(done);
      } catch (error) {
        // A package's single function fails as today: the error itself.
        if (targets.length === 1) throw error;
        const failure: FailedFunction = { action: 'failed', key: target.key, functionName: target.functionName, error };
        options.onFailure?.(failure, performance.now() - started);
        results.push(failure);
      }
    }
  } finally {
    const made = await built?.catch(() => undefined);
    if (made) await disposeBundle(made);
  }
  return results;
}
