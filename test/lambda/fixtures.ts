// Shared setup for the check-and-deploy tests: a Lambda double, targets,
// bundles, and wait settings small enough for a fast suite.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_PACKAGE_DEFAULTS, type PackageConfig } from '../../src/config/types.js';
import { createLambdaClient } from '../../src/lambda/client.js';
import { bundleDigest, configDigest, settingsOf } from '../../src/packages/function-settings.js';
import type { CallRecord } from '../../src/lambda/call-log.js';
import type { BundleFile } from '../../src/lambda/code-source.js';
import type { RevisionHistory, RevisionOrder } from '../../src/lambda/history.js';
import type { DeployTarget } from '../../src/lambda/target.js';
import type { WaitOptions } from '../../src/lambda/wait.js';
import { functionDescription } from '../../src/packages/description.js';
import { repositoryIdFromUrl, type RepositoryId } from '../../src/repo/repository-id.js';
import { gitRedirectEnv, TestRepo, tempDir } from '../support/git-repo.js';
import type { LambdaServer } from '../support/lambda-server.js';
import { makeZip } from '../support/zip.js';

export const ROLE = 'arn:aws:iam::123456789012:role/lambda-exec';
export const REPOSITORY = repositoryIdFromUrl('https://github.com/example/functions');
export const REV_1 = '1'.repeat(40);
export const REV_2 = '2'.repeat(40);

/** Polls fast: the double settles in tens of milliseconds. */
export const FAST_WAIT: WaitOptions = { minDelay: 0.02, maxDelay: 0.1, maxWaitTime: 30 };

export function packageConfig(overrides: Partial<PackageConfig> = {}): PackageConfig {
  return {
    name: undefined,
    ...BUILTIN_PACKAGE_DEFAULTS,
    handlerSource: { kind: 'default', value: BUILTIN_PACKAGE_DEFAULTS.handler },
    checkImports: true,
    environment: {},
    role: ROLE,
    dependsOn: [],
    build: undefined,
    pythonBuildFromSource: false,
    include: undefined,
    exclude: [],
    alias: undefined,
    allowScripts: [],
    functions: undefined,
    ...overrides,
  };
}

/** A function's target; `config` (a package's resolved config) gives its settings and both digests. */
export function target(overrides: Partial<DeployTarget> & { config?: PackageConfig } = {}): DeployTarget {
  const { config = packageConfig(), ...rest } = overrides;
  const settings = settingsOf(config);
  return {
    repository: REPOSITORY,
    path: 'fn-a',
    key: undefined,
    functionName: 'lambda-sync-test-fn-a',
    revision: REV_1,
    configRevision: REV_1,
    settings,
    configDigest: configDigest(settings),
    bundleDigest: bundleDigest(config),
    code: { paths: ['fn-a'], ignore: ['fn-a/lambda.yml'] },
    configFile: 'fn-a/lambda.yml',
    ...rest,
  };
}

const bundleDir = tempDir('lambda-sync-bundles-');
let bundleCount = 0;

/** A zip on disk as the bundler would leave it, with its CodeSha256. */
export function zipBundle(source: string): BundleFile {
  const zip = makeZip([{ name: 'main.js', data: source }]);
  const file = join(bundleDir, `bundle-${bundleCount++}.zip`);
  writeFileSync(file, zip);
  return { file, size: zip.length, codeSha256: createHash('sha256').update(zip).digest('base64') };
}

/** A bundle() for checkAndDeploy that counts its calls. */
export function countingBundle(source: string): { bundle: () => Promise<BundleFile>; calls: () => number; file: BundleFile } {
  const file = zipBundle(source);
  let calls = 0;
  return { bundle: async () => (calls++, file), calls: () => calls, file };
}

/** A history that answers `order` for every comparison, and that code changed between any two revisions unless told otherwise. */
export function fixedHistory(order: RevisionOrder, codeChanged = true): RevisionHistory {
  return { compare: async () => order, changedBetween: async () => codeChanged };
}

/** A client of the double, recording what the middleware sees. */
export function clientOf(server: LambdaServer, seen: CallRecord[] = [], creds?: { accessKeyId?: string }) {
  return createLambdaClient({ ...server.clientConfig(creds), onCall: (c) => seen.push(c) });
}

export const REPO_URL = 'https://github.com/example/functions';

/** A repository of packages `paths`, committed, with `origin` set to REPO_URL and the role in lambda-sync.yml. */
export function repoWithPackages(paths: string[], rootConfig = `defaults:\n  role: ${ROLE}\n`): TestRepo {
  const repo = new TestRepo();
  repo.write('lambda-sync.yml', rootConfig);
  for (const path of paths) repo.addPackage(path, { lambda: {} });
  repo.git('remote', 'add', 'origin', `${REPO_URL}.git`);
  repo.commit('packages');
  return repo;
}

/** Makes git fetch REPO_URL from the local `repo`, so that `--repo-url REPO_URL --revision <sha>` clones offline. */
export function redirectGitEnv(repo: TestRepo): NodeJS.ProcessEnv {
  return gitRedirectEnv(repo.dir, REPO_URL);
}

/** Environment for a CLI child process talking to the Lambda double: no ambient AWS config, no SDK warning. */
export function cliEnv(server: LambdaServer | undefined, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    // git may reach only local repositories: a fetch of the (made-up) origin must never leave the machine.
    GIT_ALLOW_PROTOCOL: 'file',
    ...(server ? server.env() : {}),
    ...extra,
  };
}

export interface SeedOptions {
  path: string;
  functionName: string;
  revision: string;
  repository?: string;
  /** Default: what functionDescription gives. */
  description?: string;
  /** Default: the three tags a deploy writes, plus the CodeSha256 one. */
  tags?: Record<string, string>;
  memory?: number;
  main?: string;
  /** One of several functions of the package: its `functions` key (in the Description). */
  key?: string;
  handler?: string;
  /** The digests a deploy of this version tags (PackageFunction.configDigest, Package.bundleDigest); without them the function looks deployed before digests existed. */
  digests?: { config: string; bundle: string; configRevision: string };
}

/**
 * A function as a lambda-sync deploy of `path` at `revision` leaves it (the
 * defaults' configuration, the role, the Description and the tags), created
 * directly in the double: no call, no rate limit. Returns its CodeSha256.
 */
export function seedPackageFunction(server: LambdaServer, o: SeedOptions): string {
  const zip = makeZip([{ name: 'main.js', data: o.main ?? `exports.handler = async () => ${JSON.stringify(o.path)};\n` }]);
  const codeSha256 = createHash('sha256').update(zip).digest('base64');
  const repository = o.repository ?? REPOSITORY;
  server.seedFunction({
    FunctionName: o.functionName,
    Role: ROLE,
    Runtime: BUILTIN_PACKAGE_DEFAULTS.runtime,
    Handler: o.handler ?? BUILTIN_PACKAGE_DEFAULTS.handler,
    MemorySize: o.memory ?? BUILTIN_PACKAGE_DEFAULTS.memory,
    Timeout: BUILTIN_PACKAGE_DEFAULTS.timeout,
    Description: o.description ?? functionDescription(repository as RepositoryId, o.path, o.revision, o.key),
    Code: { ZipFile: zip },
    Tags: o.tags ?? {
      'lambda-sync:repository': repository,
      'lambda-sync:path': o.path,
      'lambda-sync:revision': o.revision,
      'lambda-sync:code-sha256': codeSha256,
      ...(o.digests ? { 'lambda-sync:config': o.digests.config, 'lambda-sync:bundle': o.digests.bundle, 'lambda-sync:config-revision': o.digests.configRevision } : {}),
    },
  });
  return codeSha256;
}
