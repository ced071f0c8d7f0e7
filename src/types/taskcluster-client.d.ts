// taskcluster-client@87.1.3 ships no types. This covers what lambda-sync
// uses. At run time the package's default export holds the client classes
// (`taskcluster.Queue`, `taskcluster.Secrets`); they are NOT named exports
// (`import { Queue } from 'taskcluster-client'` fails at import time), which
// is why Queue/Secrets below are only types plus constructors on the default.
declare module 'taskcluster-client' {
  type CreateTaskRequest = import('../taskcluster/schemas.js').CreateTaskRequest;
  type TaskDefinition = import('../taskcluster/schemas.js').TaskDefinition;
  type Secret = import('../taskcluster/schemas.js').Secret;

  export interface Credentials {
    clientId?: string;
    accessToken?: string;
    /** Temporary credentials: the certificate, as JSON text or object. */
    certificate?: string | Record<string, unknown>;
  }

  export interface ClientOptions {
    /** Required. Inside a task with the proxy feature: process.env.TASKCLUSTER_PROXY_URL. */
    rootUrl: string;
    /** `{}` means unauthenticated (no Hawk header). */
    credentials?: Credentials;
    /** Restrict the request to these scopes (sent in the Hawk `ext`). */
    authorizedScopes?: string[];
    /** Retries after the first attempt (default 5), for 5xx and network errors only. */
    retries?: number;
    /** ms; delay before retry n is 2^n * delayFactor * U[1-r, 1+r] (default 100). */
    delayFactor?: number;
    randomizationFactor?: number;
    maxDelay?: number;
    /** ms per request (default 30000). */
    timeout?: number;
    // Fake implementations take whatever the faked method takes.
    fake?: Record<string, (...args: never[]) => unknown> | null;
    traceId?: string;
  }

  /** What a failed call rejects with. */
  export interface TaskclusterError extends Error {
    /** From the response body (`InsufficientScopes`, `RequestConflict`, ...), or
     * a network code such as `ECONNREFUSED`, `ECONNABORTED` (timeout). */
    code: string;
    /** Absent when there was no response. */
    statusCode?: number;
    body?: { code?: string; message?: string; requestInfo?: Record<string, unknown> };
  }

  export interface RunInfo {
    runId: number;
    state: 'pending' | 'running' | 'completed' | 'failed' | 'exception';
    reasonCreated: string;
    reasonResolved?: string;
    workerGroup?: string;
    workerId?: string;
    takenUntil?: string;
    scheduled: string;
    started?: string;
    resolved?: string;
  }

  export interface TaskStatus {
    taskId: string;
    provisionerId: string;
    workerType: string;
    taskQueueId: string;
    schedulerId: string;
    projectId: string;
    taskGroupId: string;
    deadline: string;
    expires: string;
    retriesLeft: number;
    state: 'unscheduled' | 'pending' | 'running' | 'completed' | 'failed' | 'exception';
    runs: RunInfo[];
  }

  export interface ListTaskGroupResponse {
    taskGroupId: string;
    tasks: Array<{ status: TaskStatus; task: TaskDefinition }>;
    continuationToken?: string;
  }

  export interface Queue {
    use(options: Partial<ClientOptions>): Queue;
    ping(): Promise<{ alive: boolean; uptime: number }>;
    createTask(taskId: string, task: CreateTaskRequest): Promise<{ status: TaskStatus }>;
    task(taskId: string): Promise<TaskDefinition>;
    status(taskId: string): Promise<{ status: TaskStatus }>;
    listTaskGroup(
      taskGroupId: string,
      query?: { continuationToken?: string; limit?: number | string },
    ): Promise<ListTaskGroupResponse>;
    /** Only in fake mode: the recorded calls per method. */
    fakeCalls?: Record<string, Array<Record<string, unknown>>>;
  }

  export interface Secrets {
    use(options: Partial<ClientOptions>): Secrets;
    ping(): Promise<{ alive: boolean; uptime: number }>;
    get(name: string): Promise<Secret>;
    set(name: string, secret: Secret): Promise<void>;
  }

  interface Taskcluster {
    Queue: new (options: ClientOptions) => Queue;
    Secrets: new (options: ClientOptions) => Secrets;
    fromEnvVars: typeof fromEnvVars;
    slugid: typeof slugid;
    fromNow: typeof fromNow;
    fromNowJSON: typeof fromNowJSON;
    createTemporaryCredentials: typeof createTemporaryCredentials;
  }

  /** Reads only TASKCLUSTER_ROOT_URL, _CLIENT_ID, _ACCESS_TOKEN, _CERTIFICATE (not _PROXY_URL). */
  export function fromEnvVars(): { rootUrl?: string; credentials?: Credentials };
  /** A "nice" slugid (never starts with `-`). */
  export function slugid(): string;
  /** Offset like '1 day 2 hours' from now (or from `reference`). */
  export function fromNow(offset?: string, reference?: Date): Date;
  export function fromNowJSON(offset?: string, reference?: Date): string;
  /** Signs a certificate with `credentials`; the result is usable as `credentials`. */
  export function createTemporaryCredentials(options: {
    start?: Date;
    expiry: Date;
    scopes?: string[];
    clientId?: string;
    credentials: { clientId: string; accessToken: string };
  }): { clientId: string; accessToken: string; certificate: string };

  const taskcluster: Taskcluster;
  export default taskcluster;
}
