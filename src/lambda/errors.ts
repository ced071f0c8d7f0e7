import { LambdaSyncError, OperationError, UsageError } from '../errors.js';

/**
 * What the SDK throws carries the wire error name (`err.name`, also for
 * unmodeled errors such as ValidationException), the HTTP status and how many
 * attempts the retry strategy made. These helpers read them without caring
 * which command threw.
 */
export interface AwsErrorFacts {
  name: string;
  message: string;
  status: number | undefined;
  attempts: number | undefined;
}

export function awsErrorFacts(error: unknown): AwsErrorFacts {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), status: undefined, attempts: undefined };
  const meta = (error as { $metadata?: { httpStatusCode?: number; attempts?: number } }).$metadata;
  return { name: error.name, message: error.message, status: meta?.httpStatusCode, attempts: meta?.attempts };
}

export const isNotFound = (error: unknown): boolean => awsErrorFacts(error).name === 'ResourceNotFoundException';

/** CreateFunction lost a race: "Function already exist: <name>". */
export function isAlreadyExists(error: unknown): boolean {
  const { name, message } = awsErrorFacts(error);
  return name === 'ResourceConflictException' && /already exist/i.test(message);
}

/**
 * 409 on an update: "An update is in progress for resource". Any other 409 on
 * an update call means the same thing in practice (the function is busy), so
 * everything but "already exist" counts.
 */
export function isUpdateInProgress(error: unknown): boolean {
  return awsErrorFacts(error).name === 'ResourceConflictException' && !isAlreadyExists(error);
}

/** 413: the request (the base64 zip in JSON) is over Lambda's limit. */
export const isRequestTooLarge = (error: unknown): boolean => {
  const { name, status } = awsErrorFacts(error);
  return name === 'RequestEntityTooLargeException' || name === 'RequestTooLargeException' || status === 413;
};

/** 412: the RevisionId we sent is stale; someone else changed the function since we read it. */
export const isStaleRevision = (error: unknown): boolean => awsErrorFacts(error).name === 'PreconditionFailedException';

/** One line that says which call failed and how: `UpdateFunctionCode: TooManyRequestsException: Rate exceeded (429, 10 attempts)`. */
export function describeAwsError(operation: string, error: unknown): string {
  const { name, message, status, attempts } = awsErrorFacts(error);
  const detail = [status !== undefined ? String(status) : undefined, attempts !== undefined && attempts > 1 ? `${attempts} attempts` : undefined].filter(Boolean).join(', ');
  return `${operation}: ${name}${message && message !== name ? `: ${message}` : ''}${detail ? ` (${detail})` : ''}`;
}

/** A Lambda call failed for good (after the SDK's retries and ours). Exit code 1. */
export class LambdaCallError extends OperationError {
  constructor(
    readonly operation: string,
    readonly functionName: string,
    readonly awsError: unknown,
  ) {
    super(`${functionName}: ${describeAwsError(operation, awsError)}`, hintFor(awsError));
  }
}

/** `error` as it should reach the user: our own errors pass through, the SDK's are wrapped with the call that failed. */
export function failedCall(operation: string, functionName: string, error: unknown): LambdaSyncError {
  return error instanceof LambdaSyncError ? error : new LambdaCallError(operation, functionName, error);
}

/** Lambda finished an update or a creation as Failed; the message is Lambda's own reason. */
export class FunctionFailedError extends OperationError {
  constructor(
    readonly functionName: string,
    readonly phase: 'create' | 'update',
    readonly reason: string,
    readonly reasonCode: string | undefined,
  ) {
    super(
      `${functionName}: the ${phase === 'create' ? 'creation' : 'update'} ended Failed: ${reason}${reasonCode ? ` (${reasonCode})` : ''}`,
      phase === 'create'
        ? 'Lambda keeps a function whose creation failed in state Failed; delete it (aws lambda delete-function) and deploy again'
        : 'Lambda kept the previous code and configuration; fix the cause and deploy again',
    );
  }
}

/**
 * The function under the package's name exists and is not the package's:
 * another repository's or package's (its Description says so), or one
 * lambda-sync did not create (no Description of ours, no tag of ours).
 * Nothing was written. Exit 2, as for a bad configuration: it is a naming
 * conflict the user resolves in the account or the configuration, and
 * running again (or with --force) changes nothing, unlike a failed operation
 * (exit 1).
 */
export class NotOurFunctionError extends UsageError {
  constructor(
    readonly functionName: string,
    /** `<repository id>/<path>[#<key>]`: the function the deploy is for. */
    readonly wanted: string,
    readonly why: string,
    /** The tags that would let lambda-sync take it over, when its Description is not lambda-sync's (a function made by hand). */
    taggable: { repository: string; path: string } | undefined,
  ) {
    super(
      `${functionName} is not the function of ${wanted}: ${why}. lambda-sync updates only the functions it owns, so nothing was changed`,
      `another function holds this package's name: delete it (aws lambda delete-function --function-name ${functionName}) or recreate it under another name if it is still used, or give this repository another namePrefix in lambda-sync.yml${
        taggable ? `; if it is this package's function, made by hand, tag it lambda-sync:repository=${taggable.repository} and lambda-sync:path=${taggable.path} (aws lambda tag-resource) and deploy again to take it over` : ''
      }. --force does not override this`,
    );
  }
}

function hintFor(error: unknown): string | undefined {
  const { name, status } = awsErrorFacts(error);
  if (name === 'TooManyRequestsException' || status === 429) {
    return 'Lambda\'s control-plane quota is 15 requests per second for the whole account; lower --concurrency or the task graph\'s parallelism';
  }
  if (name === 'CredentialsProviderError') {
    return 'no AWS credentials were found: locally set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; in a Taskcluster task, name the secret that holds them in lambda-sync.yml (aws.secret)';
  }
  if (name === 'AccessDeniedException' || name === 'UnrecognizedClientException' || name === 'InvalidSignatureException' || status === 403) {
    return 'check the AWS credentials and that they may act on this function';
  }
  return undefined;
}
