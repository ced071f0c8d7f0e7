// The root config's taskcluster / treeherder / aws sections, with every
// default applied and the rules the schema cannot express checked, so that
// the rest of src/taskcluster works from one complete, valid object.
import { ConfigError, ConfigErrors } from '../errors.js';
import { ROOT_CONFIG_FILE, type Priority, type RootConfig } from '../config/types.js';
import type { RepositoryId } from '../repo/repository-id.js';
import { toolVersion } from '../version.js';
import { offsetMs, MAX_DEADLINE_MS } from './durations.js';

/** `deploy`: tasks that deploy (push to a deploy branch). `check`: tasks that only bundle and report (pull requests). */
export type Mode = 'deploy' | 'check';
export const MODES: readonly Mode[] = ['deploy', 'check'];

export interface DecisionSettings {
  mode: Mode;
  taskQueueId: string;
  schedulerId: string;
  projectId: string;
  priority: Priority;
  retries: number;
  /** Offsets from the task's creation, as the config spells them (`1 day`). */
  deadline: string;
  expires: string;
  maxRunTime: number;
  image: string;
  /** Extra routes from the config (index routes, `checks`, ...). */
  routes: string[];
  /** Extra environment from the config; in check mode without AWS_* names. */
  env: Record<string, string>;
  /** AWS_* names dropped from `env` because check-mode tasks get nothing of AWS. */
  droppedEnv: string[];
  treeherder: {
    project: string;
    groupSymbol: string;
    groupName: string;
    platform: string;
    tier: 1 | 2 | 3;
  };
  /** The Taskcluster secret the deploy tasks read their AWS keys from; undefined in check mode. */
  awsSecret: string | undefined;
  /** docker-worker cache volume for npm's cache; pull-request tasks get their own, so they cannot fill a deploy's. */
  npmCache: string | undefined;
  /** Package tasks carry the `checks` route (each its own GitHub check run). */
  checks: boolean;
  /**
   * Deploy mode: what of lambda-sync.yml a task needs to ask Lambda before
   * it clones (`deploy --root-config`); undefined in check mode.
   */
  lambdaAccess: Pick<RootConfig, 'region' | 'aws'> | undefined;
}

/** Where the npm cache volume is mounted in the image (npm's default cache of the image's user `node`). */
export const NPM_CACHE_PATH = '/home/node/.npm';

/** The image the tasks run when the config names none: the project's published image at this tool's version. */
export function defaultImage(version = toolVersion()): string {
  return `lambda-sync/lambda-sync:${version}`;
}

/**
 * Treeherder project when the config names none: the repository's name
 * (last part of its id). Treeherder splits `tc-treeherder.v2.<project>.<sha>`
 * on dots, so dots become `-`.
 */
export function defaultTreeherderProject(repository: RepositoryId): string {
  return repository.split('/').pop()!.replace(/\./g, '-');
}

export const DEFAULTS = {
  schedulerId: 'taskcluster-github',
  projectId: 'none',
  priority: 'lowest',
  retries: 5,
  deadline: '1 day',
  expires: '1 year',
  maxRunTime: 1800,
  groupSymbol: 'LS',
  platform: 'lambda',
  tier: 1,
} as const;

/**
 * Reads the decision's settings from the root config. Missing required keys
 * (`taskcluster.taskQueueId`; `aws.secret` in deploy mode) and offsets the
 * queue would refuse are configuration errors naming lambda-sync.yml and the key.
 */
export function resolveDecisionSettings(config: RootConfig, mode: Mode, repository: RepositoryId): DecisionSettings {
  const tc = config.taskcluster ?? {};
  const th = config.treeherder ?? {};
  const errors: ConfigError[] = [];
  const fail = (field: string, reason: string, hint?: string) => errors.push(new ConfigError(ROOT_CONFIG_FILE, field, reason, hint));

  if (!tc.taskQueueId) {
    fail('taskcluster.taskQueueId', 'is required by `decision`: the <provisionerId>/<workerType> whose workers run the deploy tasks', 'add e.g. taskcluster:\n    taskQueueId: proj-lambda/deploy');
  }
  const awsSecret = mode === 'deploy' ? config.aws?.secret : undefined;
  if (mode === 'deploy' && !awsSecret) {
    fail('aws.secret', 'is required by `decision` in deploy mode: the Taskcluster secret the deploy tasks read their AWS keys from', 'add e.g. aws:\n    secret: repo:github.com/<owner>/<repo>:aws-deploy (or use --mode check)');
  }

  const deadline = tc.deadline ?? DEFAULTS.deadline;
  const expires = tc.expires ?? DEFAULTS.expires;
  const deadlineMs = offsetMs(deadline);
  if (deadlineMs <= 0) fail('taskcluster.deadline', `${JSON.stringify(deadline)} is not after the task's creation`);
  if (deadlineMs > MAX_DEADLINE_MS) fail('taskcluster.deadline', `${JSON.stringify(deadline)} is more than 5 days: the queue refuses deadlines further than that`);
  if (offsetMs(expires) < deadlineMs) fail('taskcluster.expires', `${JSON.stringify(expires)} is before the deadline (${deadline}): the queue refuses that`);

  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new ConfigErrors(errors);

  const configuredEnv = tc.env ?? {};
  const droppedEnv = mode === 'check' ? Object.keys(configuredEnv).filter((name) => name.startsWith('AWS_')) : [];
  const env = Object.fromEntries(Object.entries(configuredEnv).filter(([name]) => !droppedEnv.includes(name)));

  return {
    mode,
    taskQueueId: tc.taskQueueId!,
    schedulerId: tc.schedulerId ?? DEFAULTS.schedulerId,
    projectId: tc.projectId ?? DEFAULTS.projectId,
    priority: tc.priority ?? DEFAULTS.priority,
    retries: tc.retries ?? DEFAULTS.retries,
    deadline,
    expires,
    maxRunTime: tc.maxRunTime ?? DEFAULTS.maxRunTime,
    image: tc.image ?? defaultImage(),
    routes: tc.routes ?? [],
    env,
    droppedEnv,
    treeherder: {
      project: th.project ?? defaultTreeherderProject(repository),
      groupSymbol: th.groupSymbol ?? DEFAULTS.groupSymbol,
      groupName: mode === 'deploy' ? 'lambda-sync deploy' : 'lambda-sync check',
      platform: th.platform ?? DEFAULTS.platform,
      tier: (th.tier ?? DEFAULTS.tier) as 1 | 2 | 3,
    },
    awsSecret,
    npmCache: tc.npmCache === undefined ? undefined : mode === 'deploy' ? tc.npmCache : `${tc.npmCache}-pr`,
    checks: tc.checks ?? false,
    lambdaAccess: mode === 'deploy'
      ? {
          ...(config.region ? { region: config.region } : {}),
          aws: { secret: awsSecret!, ...(config.aws?.deployRoleArn ? { deployRoleArn: config.aws.deployRoleArn } : {}) },
        }
      : undefined,
  };
}
