import type { LambdaClient } from '@aws-sdk/client-lambda';
import { UsageError } from '../errors.js';
import type { RootConfig } from '../config/types.js';
import { silentLogger, type Logger } from '../log.js';
import type { CallObserver } from './call-log.js';
import { createLambdaClient, resolveRegion } from './client.js';
import { s3KeyPrefix, type S3Uploader } from './code-source.js';
import {
  credentialSource,
  scopedRoleCredentials,
  secretCredentials,
  type CredentialSource,
  type CredentialsProvider,
  type FunctionScope,
  type SecretReader,
} from './credentials.js';
import { s3Uploader } from './s3-upload.js';

export interface AccessOptions {
  rootConfig: RootConfig;
  /** Decides where credentials come from (TASKCLUSTER_PROXY_URL). The SDK itself reads process.env. */
  env: NodeJS.ProcessEnv;
  /** Reads a Taskcluster secret; needed only in a task with `aws.secret` configured. */
  readSecret?: SecretReader;
  logger?: Logger;
  onCall?: CallObserver;
  /** Explicit endpoints (tests); otherwise the SDK honours AWS_ENDPOINT_URL_LAMBDA, _STS, _S3. */
  endpoints?: { lambda?: string; sts?: string; s3?: string };
  maxAttempts?: number;
}

/** What a package's deploy needs to talk to AWS. */
export interface FunctionAccess {
  client: LambdaClient;
  uploadToS3: S3Uploader | undefined;
  s3Bucket: string | undefined;
}

export interface LambdaAccess {
  region: string;
  source: CredentialSource;
  /**
   * One shared client (its adaptive rate limiter then paces every package of
   * a sync together), unless credentials are scoped to each function: then
   * one client per function.
   */
  forFunction(scope: Omit<FunctionScope, 's3'>): FunctionAccess;
  /** A client for the account-wide reads (status, the listing before a prune): with a deploy role, a read-only session. */
  forListing(): LambdaClient;
  close(): void;
}

export async function openLambdaAccess(options: AccessOptions): Promise<LambdaAccess> {
  const logger = options.logger ?? silentLogger;
  const { rootConfig } = options;
  const region = await resolveRegion(rootConfig.region);
  const source = credentialSource(options.env, rootConfig.aws);
  const s3Bucket = rootConfig.aws?.s3Bucket;
  const clients: LambdaClient[] = [];
  const newClient = (credentials: CredentialsProvider | undefined): LambdaClient => {
    const client = createLambdaClient({
      region,
      ...(credentials ? { credentials } : {}),
      ...(options.endpoints?.lambda ? { endpoint: options.endpoints.lambda } : {}),
      ...(options.onCall ? { onCall: options.onCall } : {}),
      ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
    });
    clients.push(client);
    return client;
  };
  const uploader = (credentials: CredentialsProvider | undefined): S3Uploader | undefined =>
    s3Bucket ? s3Uploader({ region, ...(credentials ? { credentials } : {}), ...(options.endpoints?.s3 ? { endpoint: options.endpoints.s3 } : {}) }) : undefined;

  let forFunction: LambdaAccess['forFunction'];
  let forListing: LambdaAccess['forListing'];
  if (source.kind === 'default-chain') {
    const shared: FunctionAccess = { client: newClient(undefined), uploadToS3: uploader(undefined), s3Bucket };
    forFunction = () => shared;
    forListing = () => shared.client;
  } else {
    if (!options.readSecret) throw new UsageError(`the AWS credentials are in the Taskcluster secret ${source.secretName}, but nothing can read it here`);
    const keys = secretCredentials(options.readSecret, source.secretName, logger);
    const roleArn = source.deployRoleArn;
    if (!roleArn) {
      const shared: FunctionAccess = { client: newClient(keys), uploadToS3: uploader(keys), s3Bucket };
      forFunction = () => shared;
      forListing = () => shared.client;
    } else {
      let listing: LambdaClient | undefined;
      forListing = () => {
        listing ??= newClient(scopedRoleCredentials(keys, {
          roleArn, region, scope: { listing: true, namePrefix: rootConfig.namePrefix ?? '' },
          ...(options.endpoints?.sts ? { stsEndpoint: options.endpoints.sts } : {}),
          logger,
        }));
        return listing;
      };
      const perFunction = new Map<string, FunctionAccess>();
      forFunction = (scope) => {
        const key = `${scope.purpose ?? 'deploy'} ${scope.functionName}`;
        let access = perFunction.get(key);
        if (!access) {
          const credentials = scopedRoleCredentials(keys, {
            roleArn,
            region,
            scope: { ...scope, ...(s3Bucket ? { s3: { bucket: s3Bucket, keyPrefix: s3KeyPrefix(scope.functionName) } } : {}) },
            ...(options.endpoints?.sts ? { stsEndpoint: options.endpoints.sts } : {}),
            logger,
          });
          access = { client: newClient(credentials), uploadToS3: uploader(credentials), s3Bucket };
          perFunction.set(key, access);
        }
        return access;
      };
    }
  }
  return {
    region,
    source,
    forFunction,
    forListing,
    close: () => clients.forEach((c) => c.destroy()),
  };
}
