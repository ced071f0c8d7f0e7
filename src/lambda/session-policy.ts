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

export interface PolicyScope {
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

/** What the decision reads of Lambda: the listing, one function's state, an orphan candidate's tags. */
export const READ_ACTIONS = ['lambda:GetFunction', 'lambda:ListTags'] as const;

/**
 * The decision's session policy: read-only. ListFunctions takes no resource
 * (IAM allows it only on `*`); GetFunction and ListTags only on functions
 * whose name starts with the repository's `namePrefix` (every function with
 * no prefix, since names carry no common part then). Nothing can be written.
 */
export function readOnlyPolicy(scope: Pick<PolicyScope, 'partition' | 'region' | 'accountId'> & { namePrefix: string }): string {
  const functions = functionArn({ ...scope, functionName: `${scope.namePrefix}*` });
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'ListFunctions', Effect: 'Allow', Action: 'lambda:ListFunctions', Resource: '*' },
      { Sid: 'ReadTheRepositorysFunctions', Effect: 'Allow', Action: [...READ_ACTIONS], Resource: [functions] },
    ],
  });
}
