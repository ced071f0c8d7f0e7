import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import type { Logger } from '../log.js';
import { gitRoot as findGitRoot } from '../repo/git.js';
import { resolveRepositoryId } from '../repo/repository.js';
import { defaultImage, defaultTreeherderProject } from '../taskcluster/settings.js';
import { loadConfigSchema } from '../config/validate.js';
import { renderTaskclusterYml } from '../taskcluster/taskcluster-yml.js';
import { ROOT_CONFIG_FILE } from '../config/types.js';
import { workingTree } from '../repo/tree.js';
import { mergeRootSettings, type RootSetting } from '../config/root-settings.js';

interface InitOptions {
  root?: string;
  repoUrl?: string;
  branch?: string;
  taskQueueId: string;
  image?: string;
  secret?: string;
  treeherderProject?: string;
  force?: boolean;
}

export function registerInit(program: Command, logger: Logger): void {
  program
    .command('init')
    .description('write a .taskcluster.yml that starts the decision task, and a starter lambda-sync.yml at the repository root (or add the missing Taskcluster settings to the existing one, keeping the rest)')
    .requiredOption('--task-queue-id <id>', 'worker pool (<provisionerId>/<workerType>) that runs the decision and deploy tasks')
    .option('--branch <name>', 'deploy branch: pushes to it deploy (default: the repository\'s default branch, read from each GitHub event)')
    .addOption(new Option('--image <image>', 'Docker image of the tasks').default(undefined, defaultImage()))
    .addOption(new Option('--secret <name>', 'Taskcluster secret holding the AWS keys').default(undefined, 'repo:<repository id>:aws-deploy'))
    .addOption(new Option('--treeherder-project <name>', 'Treeherder project of the tasks').default(undefined, 'the repository\'s name'))
    .option('--root <dir>', 'a folder inside the repository (default: current folder)')
    .option('--repo-url <url>', 'the repository\'s URL (default: the origin remote)')
    .option('--force', 'replace an existing .taskcluster.yml, and the values of the settings init writes in an existing lambda-sync.yml (its other keys and comments always stay)')
    .action(async (options: InitOptions) => {
      const root = await findGitRoot(options.root ?? '.');
      const repository = await resolveRepositoryId(root, options.repoUrl);
      if (!taskQueueIdPattern().test(options.taskQueueId)) {
        throw new UsageError(`--task-queue-id ${JSON.stringify(options.taskQueueId)} is not <provisionerId>/<workerType> (the worker type in lower case, as the queue wants it)`);
      }
      const wanted: InitSettings = {
        taskQueueId: options.taskQueueId,
        image: options.image ?? defaultImage(),
        project: options.treeherderProject ?? defaultTreeherderProject(repository),
        secret: options.secret ?? `repo:${repository}:aws-deploy`,
      };
      const [configBefore, existingYml] = await (await workingTree(root)).readFiles([ROOT_CONFIG_FILE, '.taskcluster.yml']);
      const config = configFile(join(root, ROOT_CONFIG_FILE), configBefore, wanted, options.force === true);
      // The decision task runs the image the deploy tasks run and routes to their project.
      const taskclusterYml = renderTaskclusterYml({ branch: options.branch, image: config.image, taskQueueId: options.taskQueueId, treeherderProject: config.project });
      const ymlPath = join(root, '.taskcluster.yml');
      if (existingYml !== undefined && existingYml !== taskclusterYml && !options.force) {
        // Checked before anything is written: a refusal leaves both files as they were.
        throw new UsageError(`${ymlPath} already exists and differs from the one init writes (Taskcluster-GitHub reads only one per repository)`, 'merge the lambda-sync decision task into it by hand, or pass --force to replace it');
      }
      await writeIfChanged(ymlPath, existingYml, taskclusterYml, logger);
      if (config.text !== config.before) await writeFile(config.path, config.text);
      logger.info(config.report);
      logger.info(`next: grant the roles and the secret described in README.md ("Setting it up on Taskcluster"), then commit both files`);
    });
}

interface InitSettings {
  taskQueueId: string;
  image: string;
  project: string;
  secret: string;
}

/** The settings init writes into lambda-sync.yml, with the comment each gets when it is added. */
function rootSettings(o: InitSettings): RootSetting[] {
  return [
    { path: ['taskcluster', 'taskQueueId'], value: o.taskQueueId },
    { path: ['taskcluster', 'image'], value: o.image },
    { path: ['treeherder', 'project'], value: o.project },
    {
      path: ['aws', 'secret'],
      value: o.secret,
      comment: `Taskcluster secret with {accessKeyId, secretAccessKey}; grant\nsecrets:get:${o.secret} to the deploy branch's role only.`,
    },
  ];
}

interface ConfigFilePlan {
  path: string;
  before: string | undefined;
  text: string;
  /** What the file holds after init, which .taskcluster.yml must agree with. */
  image: string;
  project: string;
  report: string;
}

/**
 * A starter lambda-sync.yml when there is none; else the existing one with the
 * missing settings added, and its packages, defaults, other settings and
 * comments kept.
 */
function configFile(path: string, before: string | undefined, wanted: InitSettings, force: boolean): ConfigFilePlan {
  if (before === undefined) {
    return { path, before, text: starterConfig(wanted), image: wanted.image, project: wanted.project, report: `wrote ${path}` };
  }
  const merge = mergeRootSettings(before, rootSettings(wanted), force);
  const keptValue = (key: string, fallback: string): string => {
    const kept = merge.kept.find((k) => k.key === key)?.value;
    return typeof kept === 'string' ? kept : fallback;
  };
  const parts = [
    merge.added.length ? `added ${merge.added.join(', ')}` : '',
    merge.replaced.length ? `replaced ${merge.replaced.join(', ')}` : '',
    merge.kept.length ? `kept ${merge.kept.map((k) => `${k.key} (${String(k.value)})`).join(', ')}` : '',
  ].filter(Boolean);
  return {
    path,
    before,
    text: merge.text,
    image: keptValue('taskcluster.image', wanted.image),
    project: keptValue('treeherder.project', wanted.project),
    report: `${merge.added.length + merge.replaced.length ? 'updated' : 'left unchanged'} ${path}: ${parts.join('; ')}; everything else as it was`,
  };
}

async function writeIfChanged(path: string, before: string | undefined, text: string, logger: Logger): Promise<void> {
  if (before === text) {
    logger.info(`${path} is already what init writes`);
    return;
  }
  await writeFile(path, text);
  logger.info(`${before === undefined ? 'wrote' : 'replaced'} ${path}`);
}

/** The same rule the config schema applies to taskcluster.taskQueueId, so what init writes loads. */
function taskQueueIdPattern(): RegExp {
  const schema = loadConfigSchema('lambda-sync') as { properties: { taskcluster: { properties: { taskQueueId: { pattern: string } } } } };
  return new RegExp(schema.properties.taskcluster.properties.taskQueueId.pattern);
}

function starterConfig(o: InitSettings): string {
  return `# lambda-sync configuration (schema: schema/lambda-sync.schema.json in the lambda-sync package).
# Every folder holding a lambda.yml, or a package.json with a "lambda" object,
# is a package; list globs under \`packages\` to choose them yourself.
# packages:
#   - functions/*

# Prefix of every function name (at most 47 characters).
# namePrefix: my-team-

# region: us-east-1

# Settings for every package; a package's own lambda.yml wins.
# defaults:
#   runtime: nodejs24.x
#   role: arn:aws:iam::123456789012:role/my-functions-execution

taskcluster:
  taskQueueId: ${o.taskQueueId}
  image: ${o.image}

treeherder:
  project: ${o.project}

aws:
  # Taskcluster secret with {accessKeyId, secretAccessKey}; grant
  # secrets:get:${o.secret} to the deploy branch's role only.
  secret: ${o.secret}
  # A role the deploy tasks assume, narrowed to one function each:
  # deployRoleArn: arn:aws:iam::123456789012:role/lambda-sync-deploy
`;
}
