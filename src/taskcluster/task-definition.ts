// One package's check-and-deploy task, as the body of Queue.createTask.
// The payload holds everything the task needs (repository URL, revision,
// package path), so "Retrigger" or "Edit and create" in the Taskcluster UI
// re-runs exactly that package without reading anything of the decision.
import type { RepositoryId } from '../repo/repository-id.js';
import { functionDescription } from '../packages/description.js';
import type { GraphFunction } from './graph.js';
import { packageSourceUrl } from './repo-url.js';
import type { CreateTaskRequest, DockerWorkerPayload } from './schemas.js';
import { NPM_CACHE_PATH, type DecisionSettings } from './settings.js';
import { treeherderConfig, treeherderRoute } from './treeherder.js';

/** Tag `kind` of every package task; the retrigger action applies to tasks carrying it. */
export const PACKAGE_TASK_KIND = 'lambda-sync-deploy';

/** taskcluster-github reports a task carrying this route as a GitHub check run (of the group it created). */
export const CHECKS_ROUTE = 'checks';

/** The env switch a deploy task reads: "1" redeploys even when Lambda already has the revision. */
export const FORCE_ENV = 'LAMBDA_SYNC_FORCE';

/** A task's stable name: its metadata.name and Treeherder job name, and what retrigger requests name. */
export function packageLabel(packagePath: string): string {
  return `deploy ${packagePath}`;
}

export interface PackageTaskInput {
  settings: DecisionSettings;
  repository: RepositoryId;
  /** What the task clones: an https URL without credentials (see repo-url.ts). */
  repoUrl: string;
  /** The push's head sha; the deploy command finds the package's own revision from it. */
  head: string;
  packagePath: string;
  functions: readonly GraphFunction[];
  /** The package's code revision, for the description and the no-clone answer. */
  revision: string;
  /** bundleDigest of the package's bundle settings, for the no-clone answer. */
  bundleDigest: string;
  symbol: string;
  taskGroupId: string;
  /** The task that creates this one (the decision, or a retrigger action): it must finish first. */
  creatorTaskId: string;
  owner: string;
  times: { created: string; deadline: string; expires: string };
  force: boolean;
  /** No no-clone answer: the task clones and checks in full (verdicts.ts, `fullCheck`). */
  fullCheck?: boolean;
}

/** Where a package task writes result.json and bundle-files.txt; published as public/lambda-sync/. */
export const TASK_REPORT_DIR = '/home/node/lambda-sync';
export const TASK_REPORT_ARTIFACT = 'public/lambda-sync';

/**
 * The args to the image's entrypoint (`lambda-sync`). A deploy task also
 * gets its package's revision, function and the config to reach Lambda, so
 * that it answers from one GetFunction, without cloning, when the function
 * already runs that revision; unless it must check in full (`fullCheck`).
 */
export function packageCommand(input: Pick<PackageTaskInput, 'settings' | 'packagePath' | 'repoUrl' | 'head' | 'revision' | 'functions' | 'bundleDigest' | 'fullCheck'>): string[] {
  const command = ['deploy', input.packagePath, '--repo-url', input.repoUrl, '--revision', input.head];
  const { lambdaAccess } = input.settings;
  if (input.settings.mode === 'check') return [...command, '--check', '--artifacts', TASK_REPORT_DIR];
  if (input.fullCheck) return [...command, '--artifacts', TASK_REPORT_DIR];
  return [
    ...command,
    '--package-revision', input.revision,
    ...input.functions.flatMap((fn) => ['--function-name', fn.functionName]),
    ...input.functions.flatMap((fn) => (fn.key === undefined ? [] : ['--function-key', fn.key])),
    ...input.functions.flatMap((fn) => ['--config-digest', fn.configDigest]),
    '--bundle-digest', input.bundleDigest,
    ...(lambdaAccess ? ['--root-config', JSON.stringify(lambdaAccess)] : []),
    '--artifacts', TASK_REPORT_DIR,
  ];
}

function describeTask(input: PackageTaskInput): string {
  const several = input.functions.length > 1 || input.functions[0]?.key !== undefined;
  const names = input.functions.map((fn) => `\`${fn.functionName}\``).join(', ');
  const descriptions = input.functions.map((fn) => `\`${functionDescription(input.repository, input.packagePath, input.revision, fn.key)}\``).join(', ');
  if (input.settings.mode === 'check') {
    return [
      `Check of the package \`${input.packagePath}\` (Lambda function${several ? 's' : ''} ${names}), deploying nothing:`,
      `bundles it at ${input.head} and prints the Description${several ? 's' : ''} a deploy would set (${descriptions}) and the bundle's CodeSha256.`,
      'It has no secret and no AWS access.',
    ].join(' ');
  }
  return [
    `Check-and-deploy of the package \`${input.packagePath}\` to the Lambda function${several ? 's' : ''} ${names}${several ? ' (one bundle, built at most once)' : ''}:`,
    `bundles and deploys the code only when a function's Description does not already name its code revision (${descriptions}) or a newer one,`,
    `and updates only the configuration when just its configuration digest (tag lambda-sync:config: ${input.functions.map((fn) => fn.configDigest.slice(0, 12)).join(', ')}) differs.`,
    `Set ${FORCE_ENV}=1 in the payload's env (Edit and create) to redeploy anyway.`,
  ].join(' ');
}

function packagePayload(input: PackageTaskInput): DockerWorkerPayload {
  const { settings } = input;
  const payload: DockerWorkerPayload = {
    image: settings.image,
    command: packageCommand(input),
    // Ours last: the switch must mean what the action asked for.
    env: { ...settings.env, [FORCE_ENV]: input.force ? '1' : '0' },
    maxRunTime: settings.maxRunTime,
    // No `expires`: docker-worker then uses the task's, and the payload stays
    // the same for a retrigger or a rerun of the decision (createTask is idempotent only then).
    artifacts: { [TASK_REPORT_ARTIFACT]: { type: 'directory', path: TASK_REPORT_DIR } },
  };
  // Only deploy tasks read a secret (through the proxy); check tasks get neither.
  if (settings.mode === 'deploy') payload.features = { taskclusterProxy: true };
  if (settings.npmCache) {
    payload.cache = { [settings.npmCache]: NPM_CACHE_PATH };
    payload.env!.npm_config_cache = NPM_CACHE_PATH;
  }
  return payload;
}

/** The secret's scope: what a task that reaches AWS holds (deploy mode only). */
export function secretScopes(settings: DecisionSettings): string[] {
  return settings.mode === 'deploy' && settings.awsSecret ? [`secrets:get:${settings.awsSecret}`] : [];
}

/** The task's own scopes: its secret (deploy mode) and its cache volume. */
function packageScopes(settings: DecisionSettings): string[] {
  return [...secretScopes(settings), ...(settings.npmCache ? [`docker-worker:cache:${settings.npmCache}`] : [])];
}

/** What every task of the graph shares: queue, group, dependencies, routes, priority and times. */
export type TaskFrame = Required<Pick<CreateTaskRequest, 'taskQueueId' | 'schedulerId' | 'projectId' | 'taskGroupId' | 'dependencies' | 'requires' | 'routes' | 'priority' | 'retries' | 'created' | 'deadline' | 'expires'>>;

export function taskFrame(
  input: Pick<PackageTaskInput, 'settings' | 'head' | 'taskGroupId' | 'creatorTaskId' | 'times'>,
  /** Tasks to wait for besides the creator. */
  after: readonly string[] = [],
): TaskFrame {
  const { settings } = input;
  return {
    taskQueueId: settings.taskQueueId,
    schedulerId: settings.schedulerId,
    projectId: settings.projectId,
    taskGroupId: input.taskGroupId,
    dependencies: [input.creatorTaskId, ...after],
    requires: 'all-completed',
    routes: [...new Set([treeherderRoute(settings.treeherder.project, input.head), ...(settings.checks ? [CHECKS_ROUTE] : []), ...settings.routes])],
    priority: settings.priority,
    retries: settings.retries,
    created: input.times.created,
    deadline: input.times.deadline,
    expires: input.times.expires,
  };
}

export function packageTaskDefinition(input: PackageTaskInput): CreateTaskRequest {
  const { settings } = input;
  return {
    ...taskFrame(input),
    scopes: packageScopes(settings),
    payload: packagePayload(input),
    metadata: {
      name: packageLabel(input.packagePath),
      description: describeTask(input),
      owner: input.owner,
      source: packageSourceUrl(input.repoUrl, input.head, input.packagePath),
    },
    tags: {
      kind: PACKAGE_TASK_KIND,
      mode: settings.mode,
      package: input.packagePath,
      // Tag values are limited to 4096 characters: the names, space-separated, as many as fit.
      function: input.functions.map((fn) => fn.functionName).join(' ').slice(0, 4096),
    },
    extra: { treeherder: treeherderConfig(settings.treeherder, input.symbol) },
  };
}
