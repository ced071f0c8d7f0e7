// One package's check-and-deploy task, as the body of Queue.createTask.
// The payload holds everything the task needs (repository URL, revision,
// package path), so "Retrigger" or "Edit and create" in the Taskcluster UI
// re-runs exactly that package without reading anything of the decision.
import type { RepositoryId } from '../repo/repository-id.js';
import { functionDescription } from '../packages/description.js';
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
  functionName: string;
  /** The package's own revision, for the description. */
  revision: string;
  symbol: string;
  taskGroupId: string;
  /** The task that creates this one (the decision, or a retrigger action): it must finish first. */
  creatorTaskId: string;
  owner: string;
  times: { created: string; deadline: string; expires: string };
  force: boolean;
}

/** Where a package task writes result.json and bundle-files.txt; published as public/lambda-sync/. */
export const TASK_REPORT_DIR = '/home/node/lambda-sync';
export const TASK_REPORT_ARTIFACT = 'public/lambda-sync';

/**
 * The args to the image's entrypoint (`lambda-sync`). A deploy task also
 * gets its package's revision, function and the config to reach Lambda, so
 * that it answers from one GetFunction, without cloning, when the function
 * already runs that revision.
 */
export function packageCommand(input: Pick<PackageTaskInput, 'settings' | 'packagePath' | 'repoUrl' | 'head' | 'revision' | 'functionName'>): string[] {
  const command = ['deploy', input.packagePath, '--repo-url', input.repoUrl, '--revision', input.head];
  const { lambdaAccess } = input.settings;
  if (input.settings.mode === 'check') return [...command, '--check', '--artifacts', TASK_REPORT_DIR];
  return [
    ...command,
    '--package-revision', input.revision,
    '--function-name', input.functionName,
    ...(lambdaAccess ? ['--root-config', JSON.stringify(lambdaAccess)] : []),
    '--artifacts', TASK_REPORT_DIR,
  ];
}

function describeTask(input: PackageTaskInput): string {
  const deployed = functionDescription(input.repository, input.packagePath, input.revision);
  if (input.settings.mode === 'check') {
    return [
      `Check of the package \`${input.packagePath}\` (Lambda function \`${input.functionName}\`), deploying nothing:`,
      `bundles it at ${input.head} and prints the Description a deploy would set (\`${deployed}\`) and the bundle's CodeSha256.`,
      'It has no secret and no AWS access.',
    ].join(' ');
  }
  return [
    `Check-and-deploy of the package \`${input.packagePath}\` to the Lambda function \`${input.functionName}\`:`,
    `deploys it unless the function's Description already names its revision (\`${deployed}\`) or a newer one.`,
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

/** The task's own scopes: its secret (deploy mode) and its cache volume. */
function packageScopes(settings: DecisionSettings): string[] {
  return [
    ...(settings.mode === 'deploy' && settings.awsSecret ? [`secrets:get:${settings.awsSecret}`] : []),
    ...(settings.npmCache ? [`docker-worker:cache:${settings.npmCache}`] : []),
  ];
}

export function packageTaskDefinition(input: PackageTaskInput): CreateTaskRequest {
  const { settings } = input;
  const routes = [...new Set([treeherderRoute(settings.treeherder.project, input.head), ...(settings.checks ? [CHECKS_ROUTE] : []), ...settings.routes])];
  return {
    taskQueueId: settings.taskQueueId,
    schedulerId: settings.schedulerId,
    projectId: settings.projectId,
    taskGroupId: input.taskGroupId,
    dependencies: [input.creatorTaskId],
    requires: 'all-completed',
    routes,
    priority: settings.priority,
    retries: settings.retries,
    created: input.times.created,
    deadline: input.times.deadline,
    expires: input.times.expires,
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
      function: input.functionName,
    },
    extra: { treeherder: treeherderConfig(settings.treeherder, input.symbol) },
  };
}
