import { ConfigError } from '../errors.js';

/** Every Lambda action check-and-deploy calls (the V2 waiters poll GetFunction). */
export const DEPLOY_ACTIONS = [
  'lambda:GetFunction',
  'lambda:CreateFunction',
  'lambda:UpdateFunctionCode',
  'lambda:UpdateFunctionConfiguration',
  'lambda:TagResource',
  'lambda:PublishVersion',
  'lambda:GetAlias',
  'lambda:CreateAlias',
  'lambda:UpdateAlias',
] as const;

/**
 * What a removal may do (sync --prune, a decision's remove task): delete its
 * one function (versions and aliases go with it) and read it first. The read
 * includes its tags, and Lambda returns a function's Tags in GetFunction only
 * to a caller allowed lambda:ListTags (AWS's GetFunction reference): without
 * it the ownership check could never pass.
 */
export const REMOVE_ACTIONS = ['lambda:GetFunction', 'lambda:ListTags', 'lambda:ListVersionsByFunction', 'lambda:ListAliases', 'lambda:DeleteFunction'] as const;

/** What status and pruning read of the whole account: the listing, and tags and state of the functions it names. */
export const LIST_ACTIONS = ['lambda:ListFunctions', 'lambda:ListTags', 'lambda:GetFunction'] as const;

/** Why a session is opened: each purpose gets only its own actions. */
export type SessionPurpose = 'deploy' | 'remove';

export interface PolicyScope {
  /** Default deploy. */
  purpose?: SessionPurpose;
  partition: string;
  region: string;
  accountId: string;
  functionName: string;
  /** The function's execution role, the only role it may pass. */
  executionRoleArn: string | undefined;
  /** Bucket and key prefix for code uploaded through S3. */
  s3?: { bucket: string; keyPrefix: string };
}

export interface RoleArnParts {
  partition: string;
  accountId: string;
}

/**
 * The account comes from the deploy role's ARN: credentials from assuming a
 * role act in that role's account, and the ARN is in the config already, so
 * no GetCallerIdentity call (and no sts:GetCallerIdentity permission) is needed.
 */
export function parseRoleArn(arn: string, file = 'lambda-sync.yml', field = 'aws.deployRoleArn'): RoleArnParts {
  const match = /^arn:(aws[a-zA-Z-]*):iam::(\d{12}):role\/?[a-zA-Z_0-9+=,.@\-/]+$/.exec(arn);
  if (!match) throw new ConfigError(file, field, `${JSON.stringify(arn)} is not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)`);
  return { partition: match[1]!, accountId: match[2]! };
}

export function functionArn(scope: Pick<PolicyScope, 'partition' | 'region' | 'accountId' | 'functionName'>): string {
  return `arn:${scope.partition}:lambda:${scope.region}:${scope.accountId}:function:${scope.functionName}`;
}

/**
 * The session policy passed to AssumeRole. The session's permissions are the
 * intersection of the role's and this policy's, so a task holding them can
 * touch its own function (and that function's versions and aliases, the `:*`
 * ARN), pass its own execution role, and nothing else.
 */
export function sessionPolicy(scope: PolicyScope): string {
  const fn = functionArn(scope);
  if (scope.purpose === 'remove') {
    // No PassRole, no S3, no write but the delete: a removal can do nothing else to anything.
    return JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'RemoveOneFunction', Effect: 'Allow', Action: [...REMOVE_ACTIONS], Resource: [fn, `${fn}:*`] }] });
  }
  const statements: object[] = [
    { Sid: 'DeployOneFunction', Effect: 'Allow', Action: [...DEPLOY_ACTIONS], Resource: [fn, `${fn}:*`] },
  ];
  if (scope.executionRoleArn) {
    statements.push({ Sid: 'PassItsExecutionRole', Effect: 'Allow', Action: 'iam:PassRole', Resource: scope.executionRoleArn });
  }
  if (scope.s3) {
    // Lambda reads the object with the caller's permissions during the create or update.
    statements.push({
      Sid: 'UploadItsCode',
      Effect: 'Allow',
      Action: ['s3:PutObject', 's3:GetObject', 's3:GetObjectVersion'],
      Resource: `arn:${scope.partition}:s3:::${scope.s3.bucket}/${scope.s3.keyPrefix}*`,
    });
  }
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/**
 * The session policy of the account-wide reads (status, and the listing
 * before a prune): ListFunctions has no resource but `*`; the reads of one
 * function are limited to the functions named with the config's prefix.
 */
export function listingPolicy(scope: Pick<PolicyScope, 'partition' | 'region' | 'accountId'> & { namePrefix: string }): string {
  const functions = `arn:${scope.partition}:lambda:${scope.region}:${scope.accountId}:function:${scope.namePrefix}*`;
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'ListTheAccount', Effect: 'Allow', Action: 'lambda:ListFunctions', Resource: '*' },
      { Sid: 'ReadItsFunctions', Effect: 'Allow', Action: LIST_ACTIONS.filter((a) => a !== 'lambda:ListFunctions'), Resource: [functions, `${functions}:*`] },
    ],
  });
}
