// A local AWS STS speaking awsQuery (form-encoded POST, XML answers) to the
// real @aws-sdk/client-sts: AssumeRole and GetCallerIdentity. It records each
// call with its parsed session policy, validates like STS, and hands its
// sessions to the Lambda double (`startLambdaServer({ sts })`), which then
// holds calls signed with them to their session policy.
//
// What the client sends and reads was taken from @aws-sdk/core's
// AwsQueryProtocol: body `Action=AssumeRole&Version=2011-06-15&...`, answer
// `<AssumeRoleResponse><AssumeRoleResult>...`, errors read from
// `<ErrorResponse><Error><Code>` (Code becomes err.name) and `<Message>`.
import { randomBytes, randomUUID } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SessionDirectory, SessionInfo } from './lambda/iam.js';

export interface StsServerOptions {
  accountId?: string;
  region?: string;
  /**
   * Roles that exist, with their MaxSessionDuration (default 3600, as IAM's).
   * Unset: any role ARN of the account can be assumed.
   */
  roles?: Record<string, { maxSessionDuration?: number }>;
}

export interface StsCall {
  action: string;
  roleArn?: string;
  roleSessionName?: string;
  /** The Policy parameter as sent. */
  policyText?: string;
  /** The Policy parameter parsed, when it is JSON. */
  policy?: unknown;
  durationSeconds?: number;
  /** The caller's access key id, from the SigV4 Credential scope. */
  accessKeyId?: string;
  /** Access key id of the credentials issued by a successful AssumeRole. */
  issuedAccessKeyId?: string;
  status: number;
  errorCode?: string;
  at: number;
}

export interface StsServer extends SessionDirectory {
  url: string;
  accountId: string;
  calls: StsCall[];
  sessions(): SessionInfo[];
  clientConfig(creds?: { accessKeyId?: string; secretAccessKey?: string }): {
    endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string };
  };
  /** AWS_ENDPOINT_URL_STS and region for a child process. */
  env(): Record<string, string>;
  inject: {
    /** The next n calls fail with STS's `Throttling` (400, retried by the SDK). */
    throttle(n: number): void;
    /** The next n calls fail with this error. */
    error(n: number, e: { code: string; message: string; status?: number }): void;
  };
  close(): Promise<void>;
}

class StsError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly type: 'Sender' | 'Receiver' = 'Sender') {
    super(message);
  }
}

const VERSION = '2011-06-15';
const XMLNS = `https://sts.amazonaws.com/doc/${VERSION}/`;
const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request/;
const ROLE_ARN = /^arn:aws[a-zA-Z-]*:iam::(\d{12}):role\/((?:[\w+=,.@-]+\/)*)([\w+=,.@-]{1,64})$/;
// The model's character classes, restricted to what a JS RegExp without the
// u flag can say; astral characters are rare enough in role ARNs.
const ARN_CHARS = /^[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD]+$/;
const POLICY_CHARS = /^[\u0009\u000A\u000D\u0020-\u00FF]+$/;

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const alnum = (n: number) => Array.from(randomBytes(n), (b) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[b % 32]).join('');

export async function startStsServer(opts: StsServerOptions = {}): Promise<StsServer> {
  const accountId = opts.accountId ?? '123456789012';
  const region = opts.region ?? 'us-east-1';
  const calls: StsCall[] = [];
  const issued = new Map<string, SessionInfo & { roleArn: string }>();
  const injected: Array<{ remaining: number; error: StsError }> = [];

  function callerArn(akid: string): string {
    return issued.get(akid)?.assumedRoleArn ?? `arn:aws:iam::${accountId}:user/lambda-sync-test`;
  }

  function validation(problems: string[]): StsError {
    const n = problems.length;
    return new StsError(400, 'ValidationError', `${n} validation error${n === 1 ? '' : 's'} detected: ${problems.join('; ')}`);
  }

  function assumeRole(form: URLSearchParams, call: StsCall, akid: string): string {
    const roleArn = form.get('RoleArn') ?? undefined;
    const session = form.get('RoleSessionName') ?? undefined;
    const policyText = form.get('Policy') ?? undefined;
    const durationRaw = form.get('DurationSeconds');
    const duration = durationRaw === null ? undefined : Number(durationRaw);
    Object.assign(call, { roleArn, roleSessionName: session, policyText, durationSeconds: duration });
    if (policyText !== undefined) {
      try {
        call.policy = JSON.parse(policyText);
      } catch { /* reported below as MalformedPolicyDocument */ }
    }

    const problems: string[] = [];
    const value = (v: string | undefined, field: string, rule: string) =>
      problems.push(`Value ${v === undefined ? 'null' : `'${v}'`} at '${field}' failed to satisfy constraint: Member must ${rule}`);
    if (roleArn === undefined) value(roleArn, 'roleArn', 'not be null');
    else {
      if (roleArn.length < 20) value(roleArn, 'roleArn', 'have length greater than or equal to 20');
      if (roleArn.length > 2048) value(roleArn, 'roleArn', 'have length less than or equal to 2048');
      if (!ARN_CHARS.test(roleArn)) value(roleArn, 'roleArn', String.raw`satisfy regular expression pattern: [\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+`);
    }
    if (session === undefined) value(session, 'roleSessionName', 'not be null');
    else {
      if (session.length < 2) value(session, 'roleSessionName', 'have length greater than or equal to 2');
      if (session.length > 64) value(session, 'roleSessionName', 'have length less than or equal to 64');
      if (!/^[\w+=,.@-]*$/.test(session)) value(session, 'roleSessionName', String.raw`satisfy regular expression pattern: [\w+=,.@-]*`);
    }
    if (policyText !== undefined) {
      if (policyText.length > 2048) value(policyText, 'policy', 'have length less than or equal to 2048');
      if (!POLICY_CHARS.test(policyText)) value(policyText, 'policy', String.raw`satisfy regular expression pattern: [\u0009\u000A\u000D\u0020-\u00FF]+`);
    }
    if (duration !== undefined) {
      if (!Number.isInteger(duration)) throw new StsError(400, 'MalformedInput', `Invalid value for DurationSeconds: ${durationRaw}`);
      if (duration < 900) value(String(duration), 'durationSeconds', 'have value greater than or equal to 900');
      if (duration > 43200) value(String(duration), 'durationSeconds', 'have value less than or equal to 43200');
    }
    if (problems.length) throw validation(problems);

    const m = ROLE_ARN.exec(roleArn!);
    // Our wording; STS's own for a syntactically odd ARN is not documented.
    if (!m) throw new StsError(400, 'ValidationError', `${roleArn} is not a valid IAM role ARN`);
    const known = opts.roles ? opts.roles[roleArn!] : m[1] === accountId ? {} : undefined;
    if (!known) {
      throw new StsError(403, 'AccessDenied', `User: ${callerArn(akid)} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
    }
    const max = known.maxSessionDuration ?? 3600;
    const chained = issued.has(akid);
    if (chained && (duration ?? 3600) > 3600) {
      throw new StsError(400, 'ValidationError', 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
    }
    if ((duration ?? 3600) > max) {
      throw new StsError(400, 'ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    }
    if (policyText !== undefined && (typeof call.policy !== 'object' || call.policy === null || Array.isArray(call.policy))) {
      throw new StsError(400, 'MalformedPolicyDocument', 'Syntax errors in policy.');
    }

    const accessKeyId = `ASIA${alnum(16)}`;
    const secret = randomBytes(30).toString('base64');
    const token = randomBytes(240).toString('base64');
    const expiration = new Date(Date.now() + (duration ?? 3600) * 1000);
    const roleName = m[3]!;
    const assumedRoleArn = `arn:aws:sts::${m[1]}:assumed-role/${roleName}/${session}`;
    const roleId = `AROA${alnum(17)}`;
    issued.set(accessKeyId, { accessKeyId, assumedRoleArn, expiration, roleArn: roleArn!, ...(call.policy !== undefined ? { policy: call.policy } : {}) });
    call.issuedAccessKeyId = accessKeyId;
    return `<AssumeRoleResult><Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>${esc(secret)}</SecretAccessKey>` +
      `<SessionToken>${esc(token)}</SessionToken><Expiration>${expiration.toISOString()}</Expiration></Credentials>` +
      `<AssumedRoleUser><Arn>${esc(assumedRoleArn)}</Arn><AssumedRoleId>${roleId}:${esc(session!)}</AssumedRoleId></AssumedRoleUser>` +
      `</AssumeRoleResult>`;
  }

  function getCallerIdentity(akid: string): string {
    const s = issued.get(akid);
    const userId = s ? `AROA${akid.slice(4)}:${s.assumedRoleArn.split('/').at(-1)}` : `AIDA${akid.slice(-16)}`;
    return `<GetCallerIdentityResult><Arn>${esc(callerArn(akid))}</Arn><UserId>${esc(userId)}</UserId><Account>${accountId}</Account></GetCallerIdentityResult>`;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const action = form.get('Action') ?? '';
    const call: StsCall = { action, status: 0, at: Date.now() };
    calls.push(call);
    const requestId = randomUUID();
    try {
      const auth = AUTH.exec(req.headers.authorization ?? '');
      if (!req.headers.authorization) throw new StsError(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
      if (!auth) throw new StsError(400, 'IncompleteSignature', `Authorization header requires 'Credential' parameter.`);
      const akid = auth[1]!;
      call.accessKeyId = akid;
      if (auth[4] !== 'sts') throw new StsError(403, 'SignatureDoesNotMatch', `Credential should be scoped to correct service: 'sts'.`);
      const s = issued.get(akid);
      if (s && s.expiration.getTime() <= Date.now()) throw new StsError(403, 'ExpiredToken', 'The security token included in the request is expired');
      if (req.method !== 'POST') throw new StsError(400, 'InvalidAction', `Could not find operation for ${req.method}`);
      if (form.get('Version') !== VERSION) throw new StsError(400, 'InvalidAction', `Could not find operation ${action} for version ${form.get('Version')}`);
      const fault = injected[0];
      if (fault) {
        if (--fault.remaining <= 0) injected.shift();
        throw fault.error;
      }
      let result: string;
      if (action === 'AssumeRole') result = assumeRole(form, call, akid);
      else if (action === 'GetCallerIdentity') result = getCallerIdentity(akid);
      else throw new StsError(400, 'InvalidAction', `Could not find operation ${action} for version ${VERSION}`);
      call.status = 200;
      reply(res, 200, `<${action}Response xmlns="${XMLNS}">${result}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`);
    } catch (e) {
      if (!(e instanceof StsError)) throw e;
      call.status = e.status;
      call.errorCode = e.code;
      reply(res, e.status, `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${e.type}</Type><Code>${e.code}</Code>` +
        `<Message>${esc(e.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      console.error('sts test server: failed to answer', e);
      res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url, accountId, calls,
    session: (akid) => issued.get(akid),
    sessions: () => [...issued.values()],
    clientConfig: (c = {}) => ({
      endpoint: url,
      region,
      credentials: { accessKeyId: c.accessKeyId ?? 'AKIDTEST', secretAccessKey: c.secretAccessKey ?? 'test-secret' },
    }),
    env: () => ({ AWS_ENDPOINT_URL_STS: url, AWS_REGION: region }),
    inject: {
      throttle: (n) => void (n > 0 && injected.push({ remaining: n, error: new StsError(400, 'Throttling', 'Rate exceeded') })),
      error: (n, e) => void (n > 0 && injected.push({ remaining: n, error: new StsError(e.status ?? 400, e.code, e.message) })),
    },
    close: () => new Promise<void>((resolve, reject) => {
      server.close((e) => (e ? reject(e) : resolve()));
      server.closeAllConnections();
    }),
  };
}

function reply(res: ServerResponse, status: number, xml: string): void {
  res.writeHead(status, {
    'content-type': 'text/xml',
    'content-length': Buffer.byteLength(xml),
    'x-amzn-RequestId': /<RequestId>([^<]+)</.exec(xml)?.[1] ?? '',
  }).end(xml);
}
