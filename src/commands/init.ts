import { access, writeFile } from 'node:fs/promises';
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
    .description('write a .taskcluster.yml that starts the decision task, and a starter lambda-sync.yml, at the repository root')
    .requiredOption('--task-queue-id <id>', 'worker pool (<provisionerId>/<workerType>) that runs the decision and deploy tasks')
    .option('--branch <name>', 'deploy branch: pushes to it deploy (default: the repository\'s default branch, read from each GitHub event)')
    .addOption(new Option('--image <image>', 'Docker image of the tasks').default(undefined, defaultImage()))
    .addOption(new Option('--secret <name>', 'Taskcluster secret holding the AWS keys').default(undefined, 'repo:<repository id>:aws-deploy'))
    .addOption(new Option('--treeherder-project <name>', 'Treeherder project of the tasks').default(undefined, 'the repository\'s name'))
    .option('--root <dir>', 'a folder inside the repository (default: current folder)')
    .option('--repo-url <url>', 'the repository\'s URL (default: the origin remote)')
    .option('--force', 'overwrite existing files')
    .action(async (options: InitOptions) => {
      const root = await findGitRoot(options.root ?? '.');
      const repository = await resolveRepositoryId(root, options.repoUrl);
      if (!taskQueueIdPattern().test(options.taskQueueId)) {
        throw new UsageError(`--task-queue-id ${JSON.stringify(options.taskQueueId)} is not <provisionerId>/<workerType> (the worker type in lower case, as the queue wants it)`);
      }
      const image = options.image ?? defaultImage();
      const project = options.treeherderProject ?? defaultTreeherderProject(repository);
      const files: Array<[string, string]> = [
        ['.taskcluster.yml', renderTaskclusterYml({ branch: options.branch, image, taskQueueId: options.taskQueueId, treeherderProject: project })],
        [ROOT_CONFIG_FILE, starterConfig({ taskQueueId: options.taskQueueId, image, secret: options.secret ?? `repo:${repository}:aws-deploy`, project })],
      ];
      const existing = [];
      for (const [name] of files) if (await exists(join(root, name))) existing.push(name);
      if (existing.length > 0 && !options.force) {
        throw new UsageError(`${existing.join(' and ')} already exist${existing.length === 1 ? 's' : ''} in ${root}`, 'pass --force to overwrite');
      }
      for (const [name, text] of files) {
        await writeFile(join(root, name), text);
        logger.info(`wrote ${join(root, name)}`);
      }
      logger.info(`next: grant the roles and the secret described in README.md ("Setting it up on Taskcluster"), then commit both files`);
    });
}

/** The same rule the config schema applies to taskcluster.taskQueueId, so what init writes loads. */
function taskQueueIdPattern(): RegExp {
  const schema = loadConfigSchema('lambda-sync') as { properties: { taskcluster: { properties: { taskQueueId: { pattern: string } } } } };
  return new RegExp(schema.properties.taskcluster.properties.taskQueueId.pattern);
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

function starterConfig(o: { taskQueueId: string; image: string; secret: string; project: string }): string {
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
