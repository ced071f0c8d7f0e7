// Request authentication as Taskcluster's auth service does it
// (services/auth/src/signaturevalidator.js): Hawk header signed with the
// client's accessToken, optional temporary-credential certificate, optional
// authorizedScopes, and the `anonymous` scopes added to every caller.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import hawk, { type BoomError } from 'hawk';
import { isValidScope, satisfiesExpression } from '../../../src/taskcluster/scopes.js';

export interface ClientRecord {
  accessToken: string;
  scopes: string[];
}

export type AuthResult =
  | { status: 'no-auth'; clientId: null; scopes: string[] }
  | { status: 'auth-success'; clientId: string; scopes: string[] }
  | { status: 'auth-failed'; clientId: string | null; message: string };

interface LoadedCredentials {
  key: string;
  algorithm: 'sha256';
  clientId: string;
  scopes: string[];
}

interface Certificate {
  version: number;
  scopes: unknown;
  start: number;
  expiry: number;
  seed: string;
  signature: string;
  issuer?: string;
}

const merge = (a: readonly string[], b: readonly string[]): string[] => [...new Set([...a, ...b])];

function parseExt(ext: string): { certificate?: unknown; authorizedScopes?: unknown } {
  try {
    return JSON.parse(Buffer.from(ext, 'base64').toString('utf8')) as { certificate?: unknown; authorizedScopes?: unknown };
  } catch {
    throw new Error('Failed to parse ext');
  }
}

function checkCertificate(raw: unknown, name: string, issuer: string, issuerRecord: ClientRecord): { key: string; scopes: string[] } {
  if (typeof raw !== 'object' || raw === null) throw new Error('ext.certificate must be a JSON object');
  const cert = raw as Certificate;
  if (cert.version !== 1) throw new Error('ext.certificate.version must be 1');
  if (typeof cert.seed !== 'string' || cert.seed.length !== 44) throw new Error('ext.certificate.seed must be 44 characters');
  if (!Array.isArray(cert.scopes) || !cert.scopes.every((s) => typeof s === 'string' && isValidScope(s))) {
    throw new Error('ext.certificate.scopes must be an array of valid scopes');
  }
  const now = Date.now();
  if (cert.start > now + 5 * 60_000) throw new Error('ext.certificate.start > now');
  if (cert.expiry < now - 5 * 60_000) throw new Error('ext.certificate.expiry < now');
  if (cert.expiry - cert.start > 31 * 24 * 3600_000) throw new Error('ext.certificate cannot last longer than 31 days!');
  const scopes = cert.scopes as string[];
  if (issuer !== name && !satisfiesExpression(issuerRecord.scopes, `auth:create-client:${name}`)) {
    throw new Error(`ext.certificate issuer \`${issuer}\` doesn't have \`auth:create-client:${name}\` for supplied clientId.`);
  }
  if (!satisfiesExpression(issuerRecord.scopes, { AllOf: scopes })) {
    throw new Error(`ext.certificate issuer \`${issuer}\` doesn't satisfy all certificate scopes ${scopes.join(', ')}.`);
  }
  const lines = ['version:1'];
  if (cert.issuer) lines.push(`clientId:${name}`, `issuer:${cert.issuer}`);
  lines.push(`seed:${cert.seed}`, `start:${cert.start}`, `expiry:${cert.expiry}`, 'scopes:', ...scopes);
  const signature = createHmac('sha256', issuerRecord.accessToken).update(lines.join('\n')).digest('base64');
  if (typeof cert.signature !== 'string' || cert.signature.length !== signature.length ||
      !timingSafeEqual(Buffer.from(cert.signature), Buffer.from(signature))) {
    throw new Error('ext.certificate.signature is not valid');
  }
  const key = createHmac('sha256', issuerRecord.accessToken).update(cert.seed).digest('base64')
    .replace(/\+/g, '-').replace(/\//g, '_').replace(/=/g, '');
  return { key, scopes };
}

function loadCredentials(
  name: string,
  ext: string | undefined,
  clients: ReadonlyMap<string, ClientRecord>,
  anonymousScopes: readonly string[],
): LoadedCredentials {
  const parsed = ext ? parseExt(ext) : {};
  const cert = parsed.certificate as Certificate | undefined;
  const issuer = cert?.issuer ?? name;
  const record = clients.get(issuer);
  // The real auth service words this differently; the status (401) is what matters.
  if (!record) throw new Error(`Client ID ${issuer} does not exist`);
  let key = record.accessToken;
  let scopes = record.scopes;
  if (cert) ({ key, scopes } = checkCertificate(cert, name, issuer, record));
  if (parsed.authorizedScopes !== undefined) {
    const authorized = parsed.authorizedScopes;
    if (!Array.isArray(authorized) || !authorized.every((s) => typeof s === 'string' && isValidScope(s))) {
      throw new Error('ext.authorizedScopes must be an array of valid scopes');
    }
    // Not an intersection: the caller must hold every authorized scope, and
    // then has exactly those (plus anonymous).
    const held = merge(scopes, anonymousScopes);
    if (!satisfiesExpression(held, { AllOf: authorized as string[] })) {
      throw new Error([
        'Supplied credentials do not satisfy authorizedScopes; credentials have scopes:',
        '', '```', held.join('\n'), '```', '', 'authorizedScopes are:', '', '```', authorized.join('\n'), '```',
      ].join('\n'));
    }
    scopes = authorized as string[];
  }
  return { key, algorithm: 'sha256', clientId: name, scopes: merge(scopes, anonymousScopes) };
}

export async function authenticate(
  req: IncomingMessage,
  clients: ReadonlyMap<string, ClientRecord>,
  anonymousScopes: readonly string[],
): Promise<AuthResult> {
  const header = req.headers.authorization;
  if (!header) return { status: 'no-auth', clientId: null, scopes: [...anonymousScopes] };
  let claimedId: string | null = null;
  try {
    const attrs = hawk.utils.parseAuthorizationHeader(header);
    claimedId = attrs.id ?? null;
    const { credentials } = await hawk.server.authenticate(
      req,
      async (id) => loadCredentials(id, attrs.ext, clients, anonymousScopes),
      { timestampSkewSec: 15 * 60 },
    );
    return { status: 'auth-success', clientId: credentials.clientId, scopes: credentials.scopes };
  } catch (err) {
    const boom = err as Partial<BoomError>;
    let message = boom.message ?? String(err);
    // Same message shaping as the auth service: "Unauthorized: Bad mac".
    if (boom.isBoom && !boom.isServer && boom.output) {
      message = boom.output.payload.error + (boom.output.payload.message ? `: ${boom.output.payload.message}` : '');
    }
    return { status: 'auth-failed', clientId: claimedId, message };
  }
}
