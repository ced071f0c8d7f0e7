// A local stand-in for the Taskcluster queue and secrets services that the
// real taskcluster-client talks to over HTTP (127.0.0.1, random port), with
// Hawk authentication, scopes, the queue's createTask rules, a
// taskcluster-proxy mode, fault injection and call inspection.
//
//   const server = await startQueueServer();
//   server.addClient('decision', 'token', ['queue:create-task:lowest:proj/*', ...]);
//   const queue = new taskcluster.Queue({ rootUrl: server.rootUrl, credentials: { clientId: 'decision', accessToken: 'token' } });
//   const proxied = new taskcluster.Secrets({ rootUrl: server.proxyUrlFor(['secrets:get:x']) });
//   server.inject.serverError(2, { method: 'createTask' });
//   server.tasks.get(taskId); server.calls; await server.close();
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import hawk from 'hawk';
import type { TaskDefinition } from '../../src/taskcluster/schemas.js';
import { satisfiesExpression, unsatisfiedPart, type ScopeExpression } from '../../src/taskcluster/scopes.js';
import { authenticate, type AuthResult, type ClientRecord } from './queue/auth.js';
import { ROUTES, type HandlerContext, type Route } from './queue/handlers.js';
import { sendError, sendJson, type RequestInfo } from './queue/reply.js';
import { QueueStore } from './queue/store.js';
import { ApiError, SLUGID_PATTERN } from './queue/validate.js';

export interface QueueServerOptions {
  /** Scopes of the `anonymous` role, which every caller gets (default none). */
  anonymousScopes?: string[];
  /** The deployment's maxTaskDeadlineDays (default 5). */
  maxTaskDeadlineDays?: number;
}

export interface CallRecord {
  service: string;
  /** API method name (`createTask`, `task`, `get`, ...); '' for an unknown route. */
  method: string;
  httpMethod: string;
  /** Path and query, without any /proxy/<token> prefix: `/api/queue/v1/task/<id>`. */
  path: string;
  /** Hawk id the request was signed with, 'proxy' through a proxy URL, null when unsigned. */
  clientId: string | null;
  /** 0 while the request is in flight. */
  status: number;
  /** True when the response was an injected fault. */
  injected: boolean;
}

export interface FaultFilter {
  /** API method name, e.g. 'createTask'. */
  method?: string;
  service?: 'queue' | 'secrets';
  /** 5xx status to answer with (default 500). */
  status?: number;
}

interface PendingFault extends FaultFilter {
  remaining: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class QueueServer {
  readonly rootUrl: string;
  readonly calls: CallRecord[] = [];
  anonymousScopes: string[];
  readonly maxTaskDeadlineDays: number;
  private readonly store = new QueueStore();
  private readonly clients = new Map<string, ClientRecord>();
  private readonly proxies = new Map<string, string[]>();
  private faults: PendingFault[] = [];
  private latencyMs = 0;

  readonly inject = {
    /** The next `count` matching requests get a 5xx (taskcluster-client retries those). */
    serverError: (count: number, filter: FaultFilter = {}): void => {
      this.faults.push({ ...filter, remaining: count });
    },
    /** Delay every request by `ms` before it is handled. */
    latency: (ms: number): void => {
      this.latencyMs = ms;
    },
    reset: (): void => {
      this.faults = [];
      this.latencyMs = 0;
    },
  };

  private constructor(private readonly server: Server, options: QueueServerOptions) {
    const { port } = server.address() as AddressInfo;
    this.rootUrl = `http://127.0.0.1:${port}`;
    this.anonymousScopes = options.anonymousScopes ?? [];
    this.maxTaskDeadlineDays = options.maxTaskDeadlineDays ?? 5;
  }

  static async start(options: QueueServerOptions = {}): Promise<QueueServer> {
    let instance: QueueServer | undefined;
    const server = createServer((req, res) => {
      instance!.handle(req, res).catch((err: unknown) => {
        // A bug in the double itself: fail loudly rather than hang the client.
        if (!res.headersSent) sendJson(res, 500, { code: 'InternalServerError', message: String(err) });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    instance = new QueueServer(server, options);
    return instance;
  }

  /** Stored task definitions, exactly as Queue.task() returns them. */
  get tasks(): ReadonlyMap<string, TaskDefinition> {
    return this.store.tasks;
  }

  addClient(clientId: string, accessToken: string, scopes: string[]): void {
    this.clients.set(clientId, { accessToken, scopes: [...scopes] });
  }

  /**
   * A base URL that behaves like TASKCLUSTER_PROXY_URL inside a task: it
   * takes unsigned requests and makes them with `scopes` (plus anonymous).
   */
  proxyUrlFor(scopes: string[]): string {
    const token = randomUUID();
    this.proxies.set(token, [...scopes]);
    return `${this.rootUrl}/proxy/${token}`;
  }

  putSecret(name: string, secret: Record<string, unknown>, expires: Date | string = new Date(Date.now() + 86_400_000)): void {
    this.store.secrets.set(name, { secret: structuredClone(secret), expires: new Date(expires).toJSON() });
  }

  /** As Queue.sealTaskGroup: later createTask calls in the group get 409. */
  sealTaskGroup(taskGroupId: string): void {
    const group = this.store.groups.get(taskGroupId);
    if (!group) throw new Error(`no task group ${taskGroupId}`);
    group.sealed = true;
  }

  callsTo(method: string): CallRecord[] {
    return this.calls.filter((c) => c.method === method);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve, reject) => this.server.close((err) => (err ? reject(err) : resolve())));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.rootUrl);
    let path = url.pathname;
    let proxyScopes: string[] | undefined;
    const proxied = /^\/proxy\/([^/]+)(\/.*)$/.exec(path);
    if (proxied) {
      proxyScopes = this.proxies.get(proxied[1]!);
      path = proxied[2]!;
    }
    const api = /^\/api\/(queue|secrets)\/v1(\/.*)$/.exec(path);
    const service = api?.[1] ?? '';
    const found = api ? this.match(req.method ?? '', service, api[2]!) : undefined;
    const record: CallRecord = {
      service,
      method: found?.route.method ?? '',
      httpMethod: req.method ?? '',
      path: path + url.search,
      clientId: proxied ? 'proxy' : signedId(req),
      status: 0,
      injected: false,
    };
    this.calls.push(record);
    const body = await readBody(req);
    if (this.latencyMs > 0) await sleep(this.latencyMs);

    const info: RequestInfo = { method: record.method, params: found?.params ?? {}, payload: {} };
    const fail = (code: string, message: string, details: Record<string, unknown> = {}) => {
      record.status = sendError(res, code, message, details, info);
    };
    if (!found || (proxied && !proxyScopes)) {
      return fail('ResourceNotFound', `No such endpoint: ${req.method} ${url.pathname}`);
    }
    const fault = this.takeFault(found.route);
    if (fault) {
      record.injected = true;
      record.status = fault;
      sendJson(res, fault, { code: 'InternalServerError', message: `Internal Server Error, incidentId: ${randomUUID()}`, requestInfo: info });
      return;
    }
    try {
      info.payload = body.length > 0 ? JSON.parse(body) : {};
    } catch {
      return fail('MalformedPayload', 'Failed to parse JSON payload');
    }

    let auth: Promise<AuthResult> | undefined;
    const authorize = async (expr: ScopeExpression): Promise<void> => {
      auth ??= proxyScopes
        ? Promise.resolve({ status: 'auth-success', clientId: 'proxy', scopes: [...new Set([...proxyScopes, ...this.anonymousScopes])] })
        : authenticate(req, this.clients, this.anonymousScopes);
      const result = await auth;
      if (result.status === 'auth-failed') throw new ApiError('AuthenticationFailed', result.message);
      if (!satisfiesExpression(result.scopes, expr)) {
        throw new ApiError('InsufficientScopes', INSUFFICIENT_SCOPES, {
          scopes: result.scopes,
          required: expr,
          unsatisfied: unsatisfiedPart(result.scopes, expr),
        });
      }
    };
    const ctx: HandlerContext = {
      params: found.params,
      query: Object.fromEntries(url.searchParams),
      body: info.payload,
      contentType: req.headers['content-type'] ?? '',
      authorize,
      store: this.store,
      rootUrl: this.rootUrl,
      maxTaskDeadlineDays: this.maxTaskDeadlineDays,
    };
    try {
      const { route } = found;
      if (route.scopes) await authorize(route.scopes(found.params));
      checkParams(route, found.params, ctx.query);
      const result = await route.handler(ctx);
      sendJson(res, 200, result);
      record.status = 200;
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      fail(err.code, err.message, err.details);
    }
  }

  private match(httpMethod: string, service: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    for (const route of ROUTES) {
      if (route.service !== service || route.httpMethod !== httpMethod) continue;
      const m = route.pattern.exec(path);
      if (!m) continue;
      const params = Object.fromEntries(route.paramNames.map((name, i) => [name, decodeURIComponent(m[i + 1]!)]));
      return { route, params };
    }
    return undefined;
  }

  private takeFault(route: Route): number | undefined {
    const fault = this.faults.find(
      (f) => f.remaining > 0 && (!f.method || f.method === route.method) && (!f.service || f.service === route.service),
    );
    if (!fault) return undefined;
    fault.remaining -= 1;
    return fault.status ?? 500;
  }
}

export const startQueueServer = (options?: QueueServerOptions): Promise<QueueServer> => QueueServer.start(options);

const INSUFFICIENT_SCOPES = [
  'You do not have sufficient scopes. You are missing the following scopes:',
  '', '```', '{{unsatisfied}}', '```', '',
  'You have the scopes:',
  '', '```', '{{scopes}}', '```', '',
  'This request requires you to satisfy this scope expression:',
  '', '```', '{{required}}', '```',
].join('\n');

// lib-api's parameterValidator and queryValidator.
function checkParams(route: Route, params: Record<string, string>, query: Record<string, string>): void {
  const errors = (route.slugParams ?? [])
    .filter((name) => !SLUGID_PATTERN.test(params[name]!))
    .map((name) => `URL parameter '${name}' given as '${params[name]}' must match regular expression: '${SLUGID_PATTERN}'`);
  if (errors.length > 0) throw new ApiError('InvalidRequestArguments', `Invalid URL patterns:\n${errors.join('\n')}`, { errors });
  const queryErrors = Object.entries(query).flatMap(([key, value]) => {
    if (key === 'bewit') return [];
    if (!(route.query ?? []).includes(key)) return [`Query-string parameter: ${key} is not supported!`];
    if (key === 'limit' && !/^[0-9]+$/.test(value)) return [`Query-string parameter: limit="${value}" does not match expression: /^[0-9]+$/`];
    return [];
  });
  if (queryErrors.length > 0) throw new ApiError('InvalidRequestArguments', queryErrors.join('\n'), { errors: queryErrors });
}

function signedId(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  try {
    return hawk.utils.parseAuthorizationHeader(header).id ?? null;
  } catch {
    return null;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
