// Shared pieces of the decision tests: a throwaway repository laid out like
// examples/functions, a decision task in the queue double, and the scopes
// the decision task holds.
import taskcluster, { type Queue } from 'taskcluster-client';
import type { CreateTaskRequest } from '../../src/taskcluster/schemas.js';
import { gitRedirectEnv as redirectTo, TestRepo } from '../support/git-repo.js';
import type { QueueServer } from '../support/queue-server.js';

export const REPO_URL = 'https://github.com/owner/fns';
export const TASK_QUEUE = 'proj-lambda/deploy';
export const SECRET = 'repo:github.com/owner/fns:aws-deploy';
export const OWNER = 'pusher@example.com';

export const ROOT_CONFIG = `packages:
  - fns/*
taskcluster:
  taskQueueId: ${TASK_QUEUE}
aws:
  secret: ${SECRET}
`;

/**
 * What .taskcluster.yml grants the decision task (issue 6 copies these):
 * enough to create the deploy graph, and to read back a task an earlier
 * run created.
 */
export const DECISION_SCOPES = [
  `queue:create-task:lowest:${TASK_QUEUE}`,
  'queue:create-task:project:none',
  'queue:scheduler-id:taskcluster-github',
  'queue:route:tc-treeherder.v2.fns.*',
  `secrets:get:${SECRET}`,
  'queue:get-task:*',
];

/** A repository like examples/functions: three packages (one with a dependsOn) and a shared folder that is not one. */
export function examplesLikeRepo(rootConfig = ROOT_CONFIG): TestRepo {
  const repo = new TestRepo();
  repo.addPackage('fns/do-things', { lambdaYml: 'memory: 256\ntimeout: 30\n' });
  repo.addPackage('fns/resize-images', { lambdaYml: 'memory: 512\ndependsOn:\n  - fns/shared/greeting\n' });
  repo.addPackage('fns/say-hello', { lambda: { timeout: 10 } });
  repo.writeJson('fns/shared/greeting/package.json', { name: 'greeting', version: '1.0.0' });
  repo.write('fns/shared/greeting/index.js', 'export const greet = () => "hi";\n');
  repo.write('lambda-sync.yml', rootConfig);
  repo.commit('packages');
  repo.git('remote', 'add', 'origin', `${REPO_URL}.git`);
  return repo;
}

/** Makes `--repo-url <url> --revision <sha>` clone from the local `repo`. */
export function gitRedirectEnv(repo: TestRepo, url = REPO_URL): NodeJS.ProcessEnv {
  return redirectTo(repo.dir, url);
}

/** A client with full scopes, standing in for taskcluster-github. */
export function adminQueue(server: QueueServer): Queue {
  server.addClient('admin', 'admin-token', ['*']);
  return new taskcluster.Queue({ rootUrl: server.rootUrl, credentials: { clientId: 'admin', accessToken: 'admin-token' }, delayFactor: 1 });
}

/** Creates a decision task (taskId == taskGroupId) as taskcluster-github would, and returns its id. */
export async function createDecisionTask(server: QueueServer, scopes = DECISION_SCOPES): Promise<string> {
  const taskId = taskcluster.slugid();
  const definition: CreateTaskRequest = {
    taskQueueId: 'proj-lambda/decision',
    schedulerId: 'taskcluster-github',
    taskGroupId: taskId,
    created: new Date().toJSON(),
    deadline: taskcluster.fromNowJSON('1 day'),
    expires: taskcluster.fromNowJSON('1 year'),
    scopes,
    payload: { image: 'lambda-sync/lambda-sync:0.1.0', command: ['decision'], maxRunTime: 1800, features: { taskclusterProxy: true } },
    metadata: { name: 'Lambda-sync Decision Task', description: 'decision', owner: OWNER, source: REPO_URL },
    extra: { treeherder: { symbol: 'D', machine: { platform: 'lambda' } } },
  };
  await adminQueue(server).createTask(taskId, definition);
  return taskId;
}

/** A queue client that signs nothing and goes through a proxy URL holding `scopes`, as inside a task; retries fast. */
export function proxiedQueue(server: QueueServer, scopes: string[], retries = 5): Queue {
  return new taskcluster.Queue({ rootUrl: server.proxyUrlFor(scopes), delayFactor: 1, retries });
}
