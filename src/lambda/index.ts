// The public face of src/lambda: check-and-deploy against the Lambda API, and
// AWS credentials. Commands load it lazily (it pulls in the AWS SDK), so that
// commands without AWS access start fast.
export { openLambdaAccess, type AccessOptions, type FunctionAccess, type LambdaAccess } from './access.js';
export { formatCall, isQuiet, quietly, type CallObserver, type CallRecord } from './call-log.js';
export { createLambdaClient, resolveRegion, MAX_ATTEMPTS, type LambdaClientOptions } from './client.js';
export {
  classify,
  type Classification, type ClassifyOptions, type KeptFunction, type LambdaReads, type Orphan, type PackageState, type PackageStatus, type RepositoryAtHead,
} from './classify.js';
export { codeSource, s3KeyPrefix, type BundleFile, type CodeSource, type S3Uploader } from './code-source.js';
export { credentialSource, credentialsFromSecret, type CredentialSource, type SecretReader } from './credentials.js';
export { readDeployed, runsRevision, whyNotRunning, type Deployed } from './check.js';
export { checkAndDeploy, MAX_ROUNDS, type DeployAction, type DeployDeps, type DeployResult } from './deploy.js';
export { FunctionFailedError, LambdaCallError } from './errors.js';
export { TAG_CODE_SHA256, TAG_PATH, TAG_REPOSITORY, TAG_REVISION, configDrift, descriptionFor, type FieldDrift } from './function-config.js';
export { gitHistory, type RevisionHistory, type RevisionOrder } from './history.js';
export { lambdaReads, listAllFunctions, readTags, LIST_PAGE_SIZE } from './list.js';
export { ALREADY_GONE, checkValve, notOwnedAs, removeOrphan, DEFAULT_MAX_DELETES, type Removal, type ValveOptions } from './prune.js';
export { deployedRevision, rollbackAlias, type AliasRollback, type PublishedVersion } from './rollback.js';
export { redactSecrets, redactingLogger, registerSecret } from './redact.js';
export { sessionPolicy, listingPolicy, parseRoleArn, DEPLOY_ACTIONS, LIST_ACTIONS, REMOVE_ACTIONS } from './session-policy.js';
export type { DeployTarget } from './target.js';
export { DEFAULT_WAIT, type WaitOptions } from './wait.js';
