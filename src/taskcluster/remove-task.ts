// One orphan's removal task, as the body of Queue.createTask: it runs
// `lambda-sync remove`, which re-checks everything from its own payload
// before it deletes (the function still there, still this repository's and
// this path's, the revision still without a package deploying to it), so a
// retrigger, a rerun or a late run after the package came back deletes
// nothing that is not an orphan.
import { functionLabel } from '../packages/description.js';
import type { RepositoryId } from '../repo/repository-id.js';
import { packageSourceUrl } from './repo-url.js';
import type { CreateTaskRequest, DockerWorkerPayload } from './schemas.js';
import type { DecisionSettings } from './settings.js';
import { secretScopes, taskFrame, TASK_REPORT_ARTIFACT, TASK_REPORT_DIR, type PackageTaskInput } from './task-definition.js';
import { treeherderConfig } from './treeherder.js';

/** Tag `kind` of every removal task; the retrigger action applies to tasks carrying it too. */
export const REMOVE_TASK_KIND = 'lambda-sync-remove';

/** Treeherder group of the removal tasks: they show apart from the deploys, under their own symbols. */
export const REMOVE_GROUP = { symbol: 'rm', name: 'lambda-sync remove' } as const;

export const REMOVE_LABEL_PREFIX = 'remove ';

/** `remove <path>`, or `remove <path>#<key>` for one of several functions of a package. */
export function removeLabel(path: string, key: string | undefined): string {
  return `${REMOVE_LABEL_PREFIX}${functionLabel(path, key)}`;
}

export interface RemoveTaskInput extends Pick<PackageTaskInput, 'settings' | 'repoUrl' | 'head' | 'symbol' | 'taskGroupId' | 'creatorTaskId' | 'owner' | 'times'> {
  repository: RepositoryId;
  packagePath: string;
  key: string | undefined;
  functionName: string;
  /** Where its code was last: the task's metadata.source. */
  deployedRevision: string;
  /** Tasks it waits for besides its creator: a decision's deploy tasks, so that it removes only after they all deployed. */
  after: readonly string[];
}

/** The args to the image's entrypoint (`lambda-sync`). */
export function removeCommand(input: Pick<RemoveTaskInput, 'settings' | 'packagePath' | 'key' | 'functionName' | 'repoUrl' | 'head'>): string[] {
  const { lambdaAccess } = input.settings;
  return [
    'remove', input.packagePath,
    '--function-name', input.functionName,
    ...(input.key === undefined ? [] : ['--function-key', input.key]),
    '--repo-url', input.repoUrl,
    '--revision', input.head,
    ...(lambdaAccess ? ['--root-config', JSON.stringify(lambdaAccess)] : []),
    '--artifacts', TASK_REPORT_DIR,
  ];
}

function describeTask(input: RemoveTaskInput): string {
  const label = functionLabel(input.packagePath, input.key);
  return [
    `Removal of the Lambda function \`${input.functionName}\` (\`${label}\`), whose package the repository no longer has at ${input.head}:`,
    `deletes it, with its versions and aliases, only if it still exists, its Description and lambda-sync:repository tag still name \`${input.repository}/${label}\`,`,
    `the revision it was deployed from is in ${input.head}'s history, and ${input.head} still has no package deploying to it.`,
    'A function already gone is success. Its AWS session may only read and delete that one function.',
  ].join(' ');
}

function removePayload(input: RemoveTaskInput): DockerWorkerPayload {
  const { settings } = input;
  return {
    image: settings.image,
    command: removeCommand(input),
    env: { ...settings.env },
    maxRunTime: settings.maxRunTime,
    artifacts: { [TASK_REPORT_ARTIFACT]: { type: 'directory', path: TASK_REPORT_DIR } },
    // It reads the secret through the proxy; it installs nothing, so no cache.
    features: { taskclusterProxy: true },
  };
}

export function removeTaskDefinition(input: RemoveTaskInput): CreateTaskRequest {
  const { settings } = input;
  return {
    ...taskFrame(input, input.after),
    scopes: secretScopes(settings),
    payload: removePayload(input),
    metadata: {
      name: removeLabel(input.packagePath, input.key),
      description: describeTask(input),
      owner: input.owner,
      source: packageSourceUrl(input.repoUrl, input.deployedRevision, input.packagePath),
    },
    tags: {
      kind: REMOVE_TASK_KIND,
      mode: settings.mode,
      package: input.packagePath,
      function: input.functionName,
    },
    extra: { treeherder: treeherderConfig(settings.treeherder, input.symbol, REMOVE_GROUP.symbol, REMOVE_GROUP.name) },
  };
}

/** Only deploy mode reads Lambda, so only it has orphans; a check-mode graph never gets here. */
export function canRemove(settings: DecisionSettings): boolean {
  return settings.mode === 'deploy' && settings.lambdaAccess !== undefined;
}
