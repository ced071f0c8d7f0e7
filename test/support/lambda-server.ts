// A local AWS Lambda control plane speaking restJson1 (API 2015-03-31, tags
// 2017-03-31) to the real @aws-sdk/client-lambda. It enforces what Lambda
// enforces (validation, the state lifecycle, RevisionId, size limits, the
// account-wide rate limits) and can inject faults. See LAMBDA.md §1 and §5.
//
//   const server = await startLambdaServer();
//   const lambda = new LambdaClient(server.clientConfig());   // or env AWS_ENDPOINT_URL_LAMBDA=server.url
//   server.inject.throttle(2, { operation: 'UpdateFunctionCode' });
//   server.calls.filter((c) => c.operation === 'UpdateFunctionCode').map((c) => c.attempt);
import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_REQUEST_BYTES, type S3Object } from './lambda/code.js';
import { LambdaError, requestTooLarge, throttled } from './lambda/errors.js';
import { type FaultFilter, Faults, TokenBucket } from './lambda/faults.js';
import { createFunction, type OpContext } from './lambda/functions.js';
import { type SessionDirectory, type SessionInfo, authorize, evaluate, expiredToken } from './lambda/iam.js';
import { matchRoute, targetOf } from './lambda/routes.js';
import { DEFAULT_BLOCKED_RUNTIMES } from './lambda/runtimes.js';
import { Store } from './lambda/state.js';
import { type Json, asObject } from './lambda/validate.js';

export type { SessionDirectory, SessionInfo } from './lambda/iam.js';

export interface LambdaServerOptions {
  region?: string;
  accountId?: string;
  /** ms from Pending to Active and from InProgress to Successful/Failed; default 50. */
  transitionMs?: number;
  /** Delay before every answer, for benchmarks; default 0. */
  latencyMs?: number;
  /** Account-wide quota for every operation but GetFunction; default 15/s. 0 or Infinity disables it. */
  writeRps?: number;
  /** Account-wide quota for GetFunction; default 100/s. 0 or Infinity disables it. */
  getRps?: number;
  /** Runtimes refused on create and update; default DEFAULT_BLOCKED_RUNTIMES (see lambda/runtimes.ts). */
  blockedRuntimes?: Iterable<string>;
  /**
   * The STS double whose credentials this server honours. When set, calls
   * signed with its session credentials are held to their session policy
   * (AccessDeniedException otherwise) and to their expiry.
   */
  sts?: SessionDirectory;
}

export interface CallRecord {
  /** SDK operation name, or 'UnknownOperation'. */
  operation: string;
  method: string;
  path: string;
  functionName?: string;
  /** From `amz-sdk-request: attempt=N; max=M`. */
  attempt?: number;
  maxAttempts?: number;
  /** HTTP status; 0 while the request is still being handled. */
  status: number;
  /** x-amzn-ErrorType of the answer, when it is an error. */
  errorType?: string;
  /** The call was carried out and its answer dropped (inject.dropResponse). */
  dropped?: true;
  /** From the SigV4 Credential scope. */
  accessKeyId?: string;
  sessionToken?: string;
  at: number;
}

export interface FunctionSnapshot {
  name: string;
  arn: string;
  /** As GetFunction would return it for $LATEST. */
  configuration: Record<string, unknown>;
  code: Buffer;
  tags: Record<string, string>;
  versions: Array<{ version: string; configuration: Record<string, unknown>; code: Buffer }>;
  aliases: Array<Record<string, unknown>>;
}

export interface FailureOptions { functionName?: string; reasonCode?: string }

export interface LambdaServer {
  url: string;
  region: string;
  accountId: string;
  /** Environment for a child process: endpoint, region, test credentials, no IMDS. */
  env(creds?: { accessKeyId?: string; secretAccessKey?: string; sessionToken?: string }): Record<string, string>;
  /** LambdaClient options pointing at this server. */
  clientConfig(creds?: { accessKeyId?: string; secretAccessKey?: string; sessionToken?: string }): {
    endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  };
  arn(name: string, qualifier?: string): string;
  /** Every request, in arrival order, including rejected and faulted ones. */
  calls: CallRecord[];
  callsTo(operation?: string, functionName?: string): CallRecord[];
  functions(): FunctionSnapshot[];
  function(name: string): FunctionSnapshot | undefined;
  /** Registers an object that CreateFunction/UpdateFunctionCode may reference by S3Bucket/S3Key. */
  putS3Object(bucket: string, key: string, bytes: Buffer, opts?: { region?: string }): void;
  /**
   * Creates a function as CreateFunction would (same validation, same input
   * shape; ZipFile as bytes or base64), already Active, without a call and
   * outside the rate limits.
   */
  seedFunction(request: object): Record<string, unknown>;
  inject: {
    throttle(n: number, opts?: FaultFilter & { retryAfterSeconds?: number }): void;
    serverError(n: number, opts?: FaultFilter & { message?: string }): void;
    conflict(n: number, opts?: FaultFilter): void;
    /** ExpiredTokenException, as when a session's credentials run out mid-run (the SDK does not retry it). */
    expiredToken(n: number, opts?: FaultFilter): void;
    /**
     * The next `n` matching calls take effect but their answers are lost (the
     * connection is closed instead), as when a response never reaches the
     * client: the SDK retries a call that already happened.
     */
    dropResponse(n: number, opts?: FaultFilter): void;
    /** The next code or configuration update ends LastUpdateStatus Failed; the previous code and config remain. */
    failNextUpdate(reason: string, opts?: FailureOptions): void;
    /** The next CreateFunction ends State Failed. */
    failNextCreate(reason: string, opts?: FailureOptions): void;
    /** New transitionMs; transitions already under way keep their deadline. */
    slowTransitions(ms: number): void;
    /** New latencyMs for every following request. */
    latency(ms: number): void;
    /** Lambda's calendar moves on: from now on these runtimes are blocked for create and update too. */
    blockRuntimes(...runtimes: string[]): void;
  };
  /** Forgets functions, S3 objects, calls, pending faults and injected failures; refills the quotas. */
  reset(): void;
  close(): Promise<void>;
}

const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request/;
const CODE_PATH = '/__code/';

export async function startLambdaServer(opts: LambdaServerOptions = {}): Promise<LambdaServer> {
  const region = opts.region ?? 'us-east-1';
  const accountId = opts.accountId ?? '123456789012';
  const store = new Store({ region, accountId }, opts.transitionMs ?? 50);
  const faults = new Faults();
  const s3 = new Map<string, S3Object>();
  const calls: CallRecord[] = [];
  let latencyMs = opts.latencyMs ?? 0;
  let buckets = newBuckets();
  function newBuckets() {
    return { control: new TokenBucket(opts.writeRps ?? 15), getFunction: new TokenBucket(opts.getRps ?? 100) };
  }
  let url = '';
  const blockedRuntimes = new Set(opts.blockedRuntimes ?? DEFAULT_BLOCKED_RUNTIMES);
  const ctx: OpContext = {
    store, region, accountId, s3,
    blockedRuntimes,
    // Real Lambda answers with a presigned S3 URL valid for 10 minutes; this
    // one serves the stored zip from the server itself.
    codeUrl: (name, version) => `${url}${CODE_PATH}${encodeURIComponent(name)}/${encodeURIComponent(version)}?X-Amz-Expires=600`,
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const { body: raw, length } = await readBody(req);
    const u = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && u.pathname.startsWith(CODE_PATH)) return serveCode(u.pathname, res);
    const matched = matchRoute(req.method ?? 'GET', u.pathname);
    const call: CallRecord = { operation: matched?.route.operation ?? 'UnknownOperation', method: req.method ?? '', path: u.pathname, status: 0, at };
    const sdk = /attempt=(\d+);\s*max=(\d+)/.exec(String(req.headers['amz-sdk-request'] ?? ''));
    if (sdk) Object.assign(call, { attempt: Number(sdk[1]), maxAttempts: Number(sdk[2]) });
    calls.push(call);
    try {
      if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));
      const auth = authenticate(req, call);
      if (!matched) {
        throw new LambdaError(404, 'UnknownOperationException', `Unknown operation: ${req.method} ${u.pathname} (the test server implements only what lambda-sync uses)`);
      }
      const { route, params } = matched;
      if (length > MAX_REQUEST_BYTES) throw requestTooLarge(route.operation, MAX_REQUEST_BYTES);
      const body = parseJson(raw);
      const target = targetOf(ctx, route, params, u.searchParams, body);
      if (target.functionName) call.functionName = target.functionName;
      const injected = faults.next(route.operation, target.functionName);
      if (injected) throw injected;
      if (!buckets[route.bucket].take()) throw throttled(1);
      if (auth) for (const [action, resource] of target.permissions) authorize(auth, action, resource);
      const reply = route.handle(ctx, { params, query: u.searchParams, body });
      if (route.operation === 'GetFunction' && auth) hideTagsUnlessListable(auth, reply, target.permissions);
      if (faults.takeDrop(route.operation, target.functionName)) {
        // Lambda acted; the answer is lost on the way (the connection drops), so the SDK retries a call that already took effect.
        call.dropped = true;
        req.socket.destroy();
        return;
      }
      send(res, call, reply.status, reply.body);
    } catch (e) {
      if (!(e instanceof LambdaError)) {
        console.error('lambda test server: unexpected error', e);
        call.errorType = 'ServiceException';
        return send(res, call, 500, { Type: 'Service', Message: String(e) }, { 'x-amzn-ErrorType': 'ServiceException' });
      }
      call.errorType = e.type;
      send(res, call, e.status, e.body, { 'x-amzn-ErrorType': e.headerType, ...e.opts.headers });
    }
  }

  /** Checks the SigV4 header; returns the STS session to hold the call to, if any. */
  function authenticate(req: IncomingMessage, call: CallRecord) {
    const header = req.headers.authorization;
    if (!header) throw new LambdaError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    const m = AUTH.exec(header);
    if (!m) throw new LambdaError(403, 'IncompleteSignatureException', `Authorization header requires 'Credential' parameter. Authorization=${header}`);
    const [, akid, , scopeRegion, service] = m;
    call.accessKeyId = akid;
    const token = req.headers['x-amz-security-token'];
    if (typeof token === 'string') call.sessionToken = token;
    if (service !== 'lambda') throw new LambdaError(403, 'InvalidSignatureException', `Credential should be scoped to correct service: 'lambda'. `);
    if (scopeRegion !== region) throw new LambdaError(403, 'InvalidSignatureException', `Credential should be scoped to a valid region, not '${scopeRegion}'. `);
    if (!opts.sts) return undefined;
    const session = opts.sts.session(akid!);
    if (!session) {
      if (call.sessionToken) throw new LambdaError(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
      return undefined;
    }
    if (session.expiration.getTime() <= Date.now()) throw expiredToken();
    return session;
  }

  function serveCode(pathname: string, res: ServerResponse): void {
    const [name, version] = pathname.slice(CODE_PATH.length).split('/').map(decodeURIComponent);
    const fn = store.functions.get(name ?? '');
    const code = version === '$LATEST' ? fn?.code : fn?.versions.get(version ?? '')?.code;
    if (!code) {
      res.writeHead(404, { 'content-type': 'application/xml' }).end('<Error><Code>NoSuchKey</Code></Error>');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': code.zip.length }).end(code.zip);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      console.error('lambda test server: failed to answer', e);
      res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const snapshot = (name: string) => {
    const fn = store.functions.get(name);
    if (!fn) return undefined;
    store.settle(fn);
    return {
      name,
      arn: store.arn(name),
      configuration: store.configuration(fn),
      code: Buffer.from(fn.code.zip),
      tags: { ...fn.tags },
      versions: [...fn.versions.values()].map((v) => ({ version: v.version, configuration: store.configuration(fn, v), code: Buffer.from(v.code.zip) })),
      aliases: [...fn.aliases.values()].map((a) => store.aliasOut(fn, a)),
    };
  };
  const creds = (c: { accessKeyId?: string; secretAccessKey?: string; sessionToken?: string } = {}) => ({
    accessKeyId: c.accessKeyId ?? 'AKIDTEST',
    secretAccessKey: c.secretAccessKey ?? 'test-secret',
    ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}),
  });
  const failure = (on: 'create' | 'update') => (reason: string, o: FailureOptions = {}) =>
    store.injectFailure(on, { reason, reasonCode: o.reasonCode ?? 'InvalidConfiguration' }, o.functionName);

  return {
    url, region, accountId, calls,
    env: (c) => {
      const k = creds(c);
      return {
        AWS_ENDPOINT_URL_LAMBDA: url,
        AWS_REGION: region,
        AWS_ACCESS_KEY_ID: k.accessKeyId,
        AWS_SECRET_ACCESS_KEY: k.secretAccessKey,
        ...(k.sessionToken ? { AWS_SESSION_TOKEN: k.sessionToken } : {}),
        AWS_EC2_METADATA_DISABLED: 'true',
      };
    },
    clientConfig: (c) => ({ endpoint: url, region, credentials: creds(c) }),
    arn: (name, qualifier) => store.arn(name, qualifier),
    callsTo: (operation, functionName) => calls.filter((c) =>
      (!operation || c.operation === operation) && (!functionName || c.functionName === functionName)),
    functions: () => [...store.functions.keys()].sort().map((n) => snapshot(n)!),
    function: snapshot,
    putS3Object: (bucket, key, bytes, o = {}) => void s3.set(`${bucket}/${key}`, { bytes: Buffer.from(bytes), region: o.region ?? region }),
    seedFunction: (input) => {
      const request = input as Record<string, unknown>;
      const code = request.Code as { ZipFile?: unknown } | undefined;
      // Accept the SDK's input shape (bytes) as well as the wire's (base64).
      const body = code?.ZipFile instanceof Uint8Array
        ? { ...request, Code: { ...code, ZipFile: Buffer.from(code.ZipFile).toString('base64') } }
        : request;
      return createFunction(ctx, { params: {}, query: new URLSearchParams(), body }, true).body as Record<string, unknown>;
    },
    inject: {
      throttle: (n, o) => faults.throttle(n, o),
      serverError: (n, o) => faults.serverError(n, o),
      conflict: (n, o) => faults.conflict(n, o, (name) => store.arn(name)),
      expiredToken: (n, o) => faults.add(n, expiredToken, o),
      dropResponse: (n, o) => faults.dropResponses(n, o),
      failNextUpdate: failure('update'),
      failNextCreate: failure('create'),
      slowTransitions: (ms) => { store.transitionMs = ms; },
      latency: (ms) => { latencyMs = ms; },
      blockRuntimes: (...runtimes) => runtimes.forEach((r) => blockedRuntimes.add(r)),
    },
    reset: () => {
      store.functions.clear();
      s3.clear();
      calls.length = 0;
      faults.clear();
      store.clearFailures();
      buckets = newBuckets();
    },
    close: () => new Promise<void>((resolve, reject) => {
      server.close((e) => (e ? reject(e) : resolve()));
      server.closeAllConnections();
    }),
  };
}

/** Buffers the body; past Lambda's request limit it only counts, so a huge upload cannot exhaust memory. */
async function readBody(req: IncomingMessage): Promise<{ body: Buffer; length: number }> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length <= MAX_REQUEST_BYTES) chunks.push(chunk);
  }
  return { body: Buffer.concat(chunks), length };
}

function parseJson(raw: Buffer): Json {
  if (raw.length === 0) return {};
  try {
    return asObject(JSON.parse(raw.toString('utf8')));
  } catch (e) {
    if (e instanceof LambdaError) throw e;
    throw new LambdaError(400, 'InvalidRequestContentException', `Could not parse request body into json: ${(e as Error).message}`);
  }
}

function send(res: ServerResponse, call: CallRecord, status: number, body: unknown, headers: Record<string, string> = {}): void {
  call.status = status;
  const requestId = randomUUID();
  if (status === 204 || body === undefined) {
    res.writeHead(status, { 'x-amzn-RequestId': requestId, ...headers }).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-RequestId': requestId,
    ...headers,
  }).end(text);
}

/**
 * GetFunction returns the function's tags only to a caller that IAM allows
 * lambda:ListTags on it; to any other it answers with a TagsError instead
 * (the call itself succeeds).
 */
function hideTagsUnlessListable(session: SessionInfo, reply: { body?: unknown }, permissions: ReadonlyArray<readonly [string, string]>): void {
  const body = reply.body as { Tags?: unknown; TagsError?: unknown } | undefined;
  const resource = permissions.find(([action]) => action === 'lambda:GetFunction')?.[1];
  if (!body || resource === undefined || session.policy === undefined || evaluate(session.policy, 'lambda:ListTags', resource) === 'allow') return;
  delete body.Tags;
  body.TagsError = {
    ErrorCode: 'AccessDeniedException',
    Message: `User: ${session.assumedRoleArn} is not authorized to perform: lambda:ListTags on resource: ${resource} because no session policy allows the lambda:ListTags action`,
  };
}
