// The Queue client the decision submits with. Inside a task the
// taskcluster-proxy signs requests with the task's own scopes
// (TASKCLUSTER_PROXY_URL, no credentials); elsewhere the standard
// TASKCLUSTER_ROOT_URL / _CLIENT_ID / _ACCESS_TOKEN / _CERTIFICATE variables
// (what taskcluster.fromEnvVars() reads, which ignores the proxy).
import taskcluster, { type ClientOptions, type Queue } from 'taskcluster-client';
import { UsageError } from '../errors.js';

export function queueFromEnvironment(env: NodeJS.ProcessEnv = process.env, options: Partial<ClientOptions> = {}): Queue {
  if (env.TASKCLUSTER_PROXY_URL) {
    return new taskcluster.Queue({ ...options, rootUrl: env.TASKCLUSTER_PROXY_URL });
  }
  const rootUrl = env.TASKCLUSTER_ROOT_URL;
  if (!rootUrl) {
    throw new UsageError(
      'no Taskcluster queue to submit to: neither TASKCLUSTER_PROXY_URL (inside a task with features.taskclusterProxy) nor TASKCLUSTER_ROOT_URL is set',
      'run inside a Taskcluster task, set TASKCLUSTER_ROOT_URL and credentials, or use --dry-run',
    );
  }
  const credentials = env.TASKCLUSTER_CLIENT_ID && env.TASKCLUSTER_ACCESS_TOKEN
    ? {
        clientId: env.TASKCLUSTER_CLIENT_ID,
        accessToken: env.TASKCLUSTER_ACCESS_TOKEN,
        ...(env.TASKCLUSTER_CERTIFICATE ? { certificate: env.TASKCLUSTER_CERTIFICATE } : {}),
      }
    : undefined;
  return new taskcluster.Queue({ ...options, rootUrl, ...(credentials ? { credentials } : {}) });
}
