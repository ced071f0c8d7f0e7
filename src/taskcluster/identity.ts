// Who creates the graph, read from the task's environment: the worker sets
// TASK_ID (this task's own id) and, under d2g, TASK_GROUP_ID. For the
// decision task they are equal (taskId == taskGroupId, the decision-task
// convention); for a retrigger action task TASK_GROUP_ID is the decision's
// group, which --task-group-id also states explicitly.
import { UsageError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import { freshTaskId, isSlugId } from './task-ids.js';

export interface DecisionIdentity {
  /** The task creating the graph: every created task depends on it. */
  creatorTaskId: string;
  taskGroupId: string;
  /** False for a dry run outside any task, whose ids are made up. */
  insideTask: boolean;
}

export interface IdentityOptions {
  dryRun: boolean;
  /** --task-group-id; default TASK_GROUP_ID, else TASK_ID. */
  taskGroupId?: string;
  logger?: Logger;
}

export function decisionIdentity(env: NodeJS.ProcessEnv, options: IdentityOptions): DecisionIdentity {
  const logger = options.logger ?? silentLogger;
  const check = (value: string, what: string): string => {
    if (!isSlugId(value)) throw new UsageError(`${what} ${JSON.stringify(value)} is not a Taskcluster taskId (a 22-character slugid)`);
    return value;
  };
  const taskId = env.TASK_ID;
  if (!taskId) {
    if (!options.dryRun) {
      throw new UsageError(
        'decision submits only from inside a Taskcluster task: TASK_ID is not set, and the tasks need a decision task to belong to and wait for',
        'run it as the decision task (see .taskcluster.yml), or use --dry-run to build the graph without submitting',
      );
    }
    const made = options.taskGroupId ? check(options.taskGroupId, '--task-group-id') : freshTaskId();
    logger.warn(`not inside a Taskcluster task (no TASK_ID): the dry run uses the made-up taskGroupId ${made}, so its taskIds differ on every run`);
    return { creatorTaskId: made, taskGroupId: made, insideTask: false };
  }
  const creatorTaskId = check(taskId, 'TASK_ID');
  // An empty variable counts as unset.
  const group = options.taskGroupId || env.TASK_GROUP_ID || creatorTaskId;
  return { creatorTaskId, taskGroupId: check(group, options.taskGroupId ? '--task-group-id' : 'TASK_GROUP_ID'), insideTask: true };
}
