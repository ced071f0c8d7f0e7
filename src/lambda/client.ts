import { LambdaClient, type LambdaClientConfig } from '@aws-sdk/client-lambda';
import { UsageError } from '../errors.js';
import { callLogMiddleware, callLogOptions, type CallObserver } from './call-log.js';

/**
 * The control-plane quota is 15 requests per second for the whole account and
 * every task of a push shares it, so the SDK's default of 3 attempts runs out
 * in a mass deploy (LAMBDA.md §1.5, §1.10). Adaptive mode adds a client-side
 * rate limiter that slows down after a throttle.
 */
export const MAX_ATTEMPTS = 10;

export interface LambdaClientOptions {
  /** Config `region`; when absent the SDK's chain (AWS_REGION, the profile) decides. */
  region?: string;
  /** Absent: the SDK's default provider chain. */
  credentials?: LambdaClientConfig['credentials'];
  /**
   * An explicit endpoint (tests). Without it the SDK honours
   * AWS_ENDPOINT_URL_LAMBDA and AWS_ENDPOINT_URL natively.
   */
  endpoint?: string;
  maxAttempts?: number;
  /** Sees every call once, after its retries. */
  onCall?: CallObserver;
}

export function createLambdaClient(options: LambdaClientOptions = {}): LambdaClient {
  const client = new LambdaClient({
    retryMode: 'adaptive',
    maxAttempts: options.maxAttempts ?? MAX_ATTEMPTS,
    ...(options.region ? { region: options.region } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  });
  if (options.onCall) client.middlewareStack.add(callLogMiddleware(options.onCall), callLogOptions);
  return client;
}

/**
 * The config's `region`, else whatever the SDK's chain finds (AWS_REGION,
 * AWS_DEFAULT_REGION... the profile), or a usage error that says how to set
 * one. Known before any call, because a session policy names it.
 */
export async function resolveRegion(configured: string | undefined): Promise<string> {
  if (configured) return configured;
  const probe = new LambdaClient({});
  let region: string | undefined;
  try {
    region = await probe.config.region();
  } catch {
    region = undefined;
  } finally {
    probe.destroy();
  }
  if (!region) {
    throw new UsageError('no AWS region is set', 'set `region` in lambda-sync.yml, or AWS_REGION in the environment');
  }
  return region;
}
