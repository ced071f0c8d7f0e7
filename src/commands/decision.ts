import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import type { Logger } from '../log.js';
import { taskGraphJson } from '../taskcluster/artifacts.js';
import { runDecision, type DecisionOptions } from '../taskcluster/decision.js';
import { parseRetriggerRequest } from '../taskcluster/retrigger-request.js';
import { defaultImage, MODES, type Mode } from '../taskcluster/settings.js';
import { DEFAULT_CONCURRENCY } from '../taskcluster/submit.js';
import { addRepositoryOptions, type RepositoryOptions } from './common.js';
import { readLambdaView } from './decision-lambda.js';

/** runDecision's options as commander hands them over: the request and the concurrency still text. */
type DecisionCommandOptions = RepositoryOptions &
  Pick<DecisionOptions, 'revision' | 'base' | 'all' | 'dryRun' | 'artifacts' | 'owner' | 'taskGroupId'> & {
    mode: Mode;
    retrigger?: string;
    concurrency: string;
  };

const HELP = `
Builds one check-and-deploy task per package that has work and submits
them to the Taskcluster queue, as the decision task of a push (or pull
request). With --base (pull requests), only the packages the pull request
changes get a check task. Every package is listed, with what the decision
decided and why, in the log, plan.json, summary.txt and
github/customCheckRunText.md; runnable-jobs.json and the add-new-jobs action
bring any package's task back on demand. With prune: true in lambda-sync.yml,
each function whose package the head no longer has gets a task
  remove <path> --function-name <name> --repo-url <url> --revision <head sha>
(within the safety valve, pruneMaxDeletes; after the push's deploy tasks).

Each task runs the image's entrypoint with
  deploy <path> --repo-url <url> --revision <head sha>   (--check in check mode)
in the image taskcluster.image of lambda-sync.yml, default ${defaultImage()}.
lambda-sync.yml must set taskcluster.taskQueueId, and in deploy mode aws.secret
(the Taskcluster secret holding the AWS keys; check mode tasks get no secret
and no AWS access at all).

Inside a task, TASK_ID is the decision's own id: it becomes the graph's
taskGroupId and every task's dependency, and the queue is reached through
TASKCLUSTER_PROXY_URL. Outside a task only --dry-run works; it touches no server.
Rerunning a decision task is safe: taskIds are derived from TASK_ID and each
task's label, so a rerun creates only the tasks an earlier run did not.

Examples:
  lambda-sync decision --dry-run --root examples/functions --repo-url https://github.com/lambda-sync/lambda-sync
  lambda-sync decision --repo-url "$REPO" --revision "$SHA" --artifacts /builds/artifacts
`;

export function registerDecision(program: Command, logger: Logger): void {
  addRepositoryOptions(
    program
      .command('decision')
      .description('build the task graph (a check-and-deploy task for each package with work) and submit it to the Taskcluster queue')
      .addOption(new Option('--revision <sha>', 'clone --repo-url at this full commit sha first (as the decision task does) instead of reading the current checkout; --root is then relative to the repository root'))
      .addOption(new Option('--mode <mode>', 'deploy: tasks that deploy (pushes); check: tasks that only bundle and print what a deploy would set (pull requests)').choices(MODES).default('deploy'))
      .option('--base <sha>', 'check mode: the pull request\'s base commit; only packages whose files differ between the merge base of it and the head get a check task')
      .option('--all', 'create every package\'s task, whatever the decision knows (also taskcluster.allTasks in lambda-sync.yml)')
      .option('--dry-run', 'submit nothing and read no Lambda (so every package gets its task): print only the task graph JSON (taskId -> definition) on stdout')
      .option('--artifacts <dir>', 'write task-graph.json, plan.json, actions.json, runnable-jobs.json, summary.txt and github/customCheckRunText.md into this folder (the decision task publishes it), and submission.json after submitting')
      .option('--owner <email>', 'metadata.owner of the tasks (the pusher); default the head commit\'s author email')
      .option('--task-group-id <taskId>', 'task group to create the tasks in; default TASK_GROUP_ID, else TASK_ID (used by the retrigger actions)')
      .option('--retrigger <json>', 'create new copies of only these tasks: {"requests": [{"tasks": ["deploy <path>"], "times": 1}], "force": false} (what the retrigger actions run)')
      .addOption(new Option('--concurrency <n>', 'createTask requests in flight at once').default(String(DEFAULT_CONCURRENCY)))
      .addHelpText('after', HELP),
  ).action(async (options: DecisionCommandOptions) => {
    const concurrency = Number(options.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency must be a positive integer, got ${JSON.stringify(options.concurrency)}`);
    const { graph, report } = await runDecision({
      root: options.root,
      repoUrl: options.repoUrl,
      revision: options.revision,
      mode: options.mode,
      base: options.base,
      all: options.all,
      dryRun: options.dryRun,
      artifacts: options.artifacts,
      owner: options.owner,
      taskGroupId: options.taskGroupId,
      retrigger: options.retrigger === undefined ? undefined : parseRetriggerRequest(options.retrigger),
      concurrency,
      logger,
      readLambda: (plan, checkout) => readLambdaView(plan, checkout, { logger }),
    });
    if (!report) {
      process.stdout.write(`${JSON.stringify(taskGraphJson(graph), null, 2)}\n`);
      return;
    }
    logger.info(`task group ${graph.taskGroupId}: ${report.created} task(s) created, ${report.existing} already there`);
  });
}
