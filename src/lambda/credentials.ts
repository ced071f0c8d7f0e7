import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { ConfigError, OperationError } from '../errors.js';
import type { AwsSection } from '../config/types.js';
import { silentLogger, type Logger } from '../log.js';
import { describeAwsError } from './errors.js';
import { redactSecrets, registerSecret } from './redact.js';
import { listingPolicy, parseRoleArn, sessionPolicy, type PolicyScope } from './session-policy.js';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** Set for temporary credentials, so the SDK refreshes them in time. */
  expiration?: Date;
}

/** Returns a secret's value (the `secret` member of what the secrets service answers). */
export type SecretReader = (name: string) => Promise<unknown>;

/** Where the AWS credentials come from, decided from the environment and the root config. */
export type CredentialSource =
  | { kind: 'default-chain' }
  | { kind: 'taskcluster-secret'; secretName: string; deployRoleArn: string | undefined };

/**
 * In a Taskcluster task (TASKCLUSTER_PROXY_URL set) with `aws.secret`
 * configured, the keys come from that secret; everywhere else the SDK's
 * default chain decides (environment, profile, instance role), as a developer
 * expects locally.
 */
export function credentialSource(env: NodeJS.ProcessEnv, aws: AwsSection | undefined): CredentialSource {
  if (env.TASKCLUSTER_PROXY_URL && aws?.secret) {
    return { kind: 'taskcluster-secret', secretName: aws.secret, deployRoleArn: aws.deployRoleArn };
  }
  return { kind: 'default-chain' };
}

/** What the session policy is scoped to, less what the role ARN and the client already say. */
export type FunctionScope = Pick<PolicyScope, 'functionName' | 'executionRoleArn' | 's3' | 'purpose'>;

/** A session for the account-wide reads (ListFunctions, and the functions named with the prefix). */
export interface ListingScope {
  listing: true;
  namePrefix: string;
}

export type CredentialsProvider = () => Promise<AwsCredentials>;

/** Memoizes a provider's answer until six minutes before it expires (the SDK refreshes at five); a failure is not kept. */
function memoized(load: () => Promise<AwsCredentials>): CredentialsProvider {
  let current: Promise<AwsCredentials> | undefined;
  return async () => {
    const held = current && (await current);
    if (!held || expiresSoon(held)) {
      current = load().catch((error: unknown) => {
        current = undefined; // a later call may try again
        throw error;
      });
    }
    return current!;
  };
}

const REFRESH_AHEAD_MS = 6 * 60_000;
const expiresSoon = (c: AwsCredentials): boolean => c.expiration !== undefined && c.expiration.getTime() - Date.now() < REFRESH_AHEAD_MS;

/** The keys in a Taskcluster secret, read once through the task's proxy. */
export function secretCredentials(readSecret: SecretReader, secretName: string, logger: Logger = silentLogger): CredentialsProvider {
  return memoized(() => logger.step(`read AWS credentials from secret ${secretName}`, () => readSecretCredentials(readSecret, secretName)));
}

export interface ScopedRoleOptions {
  roleArn: string;
  region: string;
  /** The one function the session may act on, or the listing. */
  scope: FunctionScope | ListingScope;
  /** Explicit STS endpoint (tests); otherwise AWS_ENDPOINT_URL_STS is honoured by the SDK. */
  stsEndpoint?: string;
  logger?: Logger;
}

/**
 * Credentials of the deploy role, assumed with `keys` and a session policy
 * for one function: whatever the role may do, the session can touch only that
 * function, its versions and aliases, and pass only its execution role.
 */
export function scopedRoleCredentials(keys: CredentialsProvider, options: ScopedRoleOptions): CredentialsProvider {
  const logger = options.logger ?? silentLogger;
  return memoized(async () => {
    const base = await keys();
    const what = 'listing' in options.scope ? 'the listing' : `${options.scope.purpose === 'remove' ? 'removing ' : ''}${options.scope.functionName}`;
    return logger.step(`assume ${options.roleArn} for ${what}`, () =>
      assumeScopedRole(base, options.roleArn, options.region, options.scope, options.stsEndpoint));
  });
}

async function readSecretCredentials(readSecret: SecretReader, name: string): Promise<AwsCredentials> {
  let value: unknown;
  try {
    value = await readSecret(name);
  } catch (error) {
    const status = (error as { statusCode?: unknown } | null)?.statusCode;
    const notFound = status === 404 || status === 410; // ResourceNotFound, ResourceExpired
    throw new OperationError(
      `cannot read the Taskcluster secret ${name} through the proxy: ${redactSecrets(describeSecretError(error))}`,
      notFound
        ? `the secrets service has no secret named ${name} (or it expired): create it with {"accessKeyId": ..., "secretAccessKey": ...}, or fix aws.secret in lambda-sync.yml`
        : `the task needs the scope secrets:get:${name} and payload.features.taskclusterProxy: true`,
    );
  }
  return credentialsFromSecret(value, name);
}

function describeSecretError(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  // Only the code and status: a body could echo what was sent.
  return [typeof code === 'string' ? code : error.name, typeof statusCode === 'number' ? String(statusCode) : undefined].filter(Boolean).join(' ');
}

/** Checks the secret's shape without ever putting its values into a message. */
export function credentialsFromSecret(value: unknown, name: string): AwsCredentials {
  const where = `Taskcluster secret ${name}`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(where, '', 'is not an object', 'store {"accessKeyId": ..., "secretAccessKey": ..., "sessionToken"?: ...}');
  }
  const record = value as Record<string, unknown>;
  const field = (key: string, required: boolean): string | undefined => {
    const v = record[key];
    if (v === undefined && !required) return undefined;
    if (typeof v !== 'string' || v === '') throw new ConfigError(where, key, required ? 'is missing or not a non-empty string' : 'is not a non-empty string');
    return v;
  };
  const accessKeyId = field('accessKeyId', true)!;
  const secretAccessKey = field('secretAccessKey', true)!;
  const sessionToken = field('sessionToken', false);
  [accessKeyId, secretAccessKey, sessionToken].forEach(registerSecret);
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

async function assumeScopedRole(keys: AwsCredentials, roleArn: string, region: string, scope: FunctionScope | ListingScope, endpoint: string | undefined): Promise<AwsCredentials> {
  const { partition, accountId } = parseRoleArn(roleArn);
  const sts = new STSClient({ region, credentials: keys, maxAttempts: 5, ...(endpoint ? { endpoint } : {}) });
  try {
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: `lambda-sync-${'listing' in scope ? 'listing' : scope.functionName}`.slice(0, 64),
        Policy: 'listing' in scope ? listingPolicy({ partition, region, accountId, namePrefix: scope.namePrefix }) : sessionPolicy({ partition, region, accountId, ...scope }),
        DurationSeconds: 3600,
      }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new OperationError(`AssumeRole ${roleArn} returned no credentials`);
    [c.AccessKeyId, c.SecretAccessKey, c.SessionToken].forEach(registerSecret);
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
      ...(c.Expiration ? { expiration: c.Expiration } : {}),
    };
  } catch (error) {
    if (error instanceof OperationError) throw error;
    throw new OperationError(
      redactSecrets(`cannot assume ${roleArn}: ${describeAwsError('AssumeRole', error)}`),
      'the secret\'s keys need sts:AssumeRole on aws.deployRoleArn, and the role must trust them',
    );
  } finally {
    sts.destroy();
  }
}
