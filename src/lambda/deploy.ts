import {
  CreateFunctionCommand,
  TagResourceCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type FunctionConfiguration,
  type LambdaClient,
  type Runtime,
} from '@aws-sdk/client-lambda';
import { OperationError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import { functionLabel } from '../packages/description.js';
import { quietly } from './call-log.js';
import { decide, readDeployed, type Deployed } from './check.js';
import { codeSource, type BundleFile, type CodeSource, type CodeSourceOptions } from './code-source.js';
import { LambdaCallError, NotOurFunctionError, failedCall, isAlreadyExists, isRequestTooLarge, isStaleRevision } from './errors.js';
import { configurationRequest, createRequest, descriptionFor, functionTags, tagValue } from './function-config.js';
import type { RevisionHistory } from './history.js';
import { publishAndPoint } from './publish.js';
import type { DeployTarget } from './target.js';
import { DEFAULT_WAIT, retryWhileUpdating, waitUntilActive, waitUntilSettled, waitUntilUpdated, type WaitOptions } from './wait.js';

/** `configured`: only the configuration was updated (the code was already ours), nothing bundled. */
export type DeployAction = 'created' | 'updated' | 'configured' | 'skipped' | 'skipped-newer';

export interface DeployResult {
  action: DeployAction;
  functionName: string;
  /** Our revision. */
  revision: string;
  /** What is deployed now: our bundle's, or for a skip the function's. */
  codeSha256: string | null;
  /** The version published for the package's alias, when it has one and this run deployed. */
  version: string | null;
  /** Why, for people: "the deployed revision is 1a2b3c...", "forced"... */
  detail: string;
}

export interface DeployDeps {
  client: LambdaClient;
  /** Builds the bundle. Called at most once, and only when something must be uploaded. */
  bundle: () => Promise<BundleFile>;
  history: RevisionHistory;
  logger?: Logger;
  force?: boolean;
  wait?: WaitOptions;
  /** S3 bucket and uploader for bundles over the direct-upload limit. */
  code?: Omit<CodeSourceOptions, 'functionName'>;
}

/**
 * How many times the whole check is made again when another writer changed
 * the function between our read and our write (a 412, a lost create race,
 * code that is no longer ours). Each round re-reads and re-decides, so two
 * deploys of one function converge on the newer revision.
 */
export const MAX_ROUNDS = 6;

/** Check-and-deploy for one package (DESIGN.md, LAMBDA.md §5). */
export async function checkAndDeploy(target: DeployTarget, deps: DeployDeps): Promise<DeployResult> {
  const run = new DeployRun(target, deps);
  return run.go();
}

/** Why a round ended without a result: someone else wrote; read and decide again. */
class ChangedUnderUs {
  constructor(readonly why: string) {}
}

class DeployRun {
  private readonly logger: Logger;
  private readonly wait: WaitOptions;
  private bundled: Promise<BundleFile> | undefined;
  /** Our CreateFunction was answered "already exists". */
  private createConflicted = false;

  constructor(
    private readonly target: DeployTarget,
    private readonly deps: DeployDeps,
  ) {
    this.logger = deps.logger ?? silentLogger;
    this.wait = deps.wait ?? DEFAULT_WAIT;
  }

  private get client(): LambdaClient {
    return this.deps.client;
  }

  private get name(): string {
    return this.target.functionName;
  }

  async go(): Promise<DeployResult> {
    let lastWhy = '';
    for (let round = 1; round <= MAX_ROUNDS; round++) {
      const outcome = await this.round();
      if (!(outcome instanceof ChangedUnderUs)) return outcome;
      lastWhy = outcome.why;
      this.logger.info(`${this.name} changed under this deploy (${outcome.why}); checking again`);
    }
    throw new OperationError(`${this.name}: gave up after ${MAX_ROUNDS} checks, the function kept changing under this deploy (last: ${lastWhy})`, 'another deploy of the same function is running; run this one again once it is done');
  }

  private async round(): Promise<DeployResult | ChangedUnderUs> {
    const deployed = await readDeployed(this.client, this.name);
    const ours = { ...this.target, architecture: this.target.settings.architecture };
    const decision = await decide(deployed, ours, this.deps.history, this.deps.force ?? false);
    switch (decision.kind) {
      case 'skip':
        return this.skipWhenSettled(deployed as Extract<Deployed, { kind: 'present' }>);
      case 'skip-newer':
        if (decision.of === 'code') {
          this.logger.info(`${this.name} runs ${decision.deployedRevision}, which is newer than ${this.target.revision}: leaving it`);
          return this.result('skipped-newer', deployedSha(deployed), null, `the deployed revision ${decision.deployedRevision} is newer`);
        }
        this.logger.info(`${this.name}'s configuration comes from ${decision.deployedRevision}, which is newer than ${this.target.configRevision}: leaving it`);
        return this.result('skipped-newer', deployedSha(deployed), null, `the deployed configuration, from ${decision.deployedRevision}, is newer`);
      case 'create':
        return this.create();
      case 'configure':
        return this.configure(deployed as Extract<Deployed, { kind: 'present' }>, decision.why);
      case 'update':
        return this.update(deployed as Extract<Deployed, { kind: 'present' }>, decision.why);
      case 'not-ours': {
        const { repository, path, key } = this.target;
        const retag = decision.retaggable ? { repository: tagValue(repository), path: tagValue(path) } : undefined;
        throw new NotOurFunctionError(this.name, `${repository}/${functionLabel(path, key)}`, decision.why, retag);
      }
    }
  }

  /**
   * The Description holds our revision, but that is "done" only when Lambda
   * is: a creation still Pending or an update InProgress (another deploy's
   * of this revision, or our own create whose answer was lost) is waited
   * for, and one that ends Failed fails this deploy with Lambda's reason
   * (the waiters throw FunctionFailedError). When our own create was
   * answered "already exists" and the function holds our bundle's bytes,
   * it is our create, finished like one (alias included).
   */
  private async skipWhenSettled(deployed: Extract<Deployed, { kind: 'present' }>): Promise<DeployResult> {
    let configuration = deployed.configuration;
    let waited = false;
    if (configuration.State === 'Pending') {
      const active = await this.logger.step(`wait until ${this.name} is Active (it is being created with this revision)`, () => quietly(() => waitUntilActive(this.client, this.name, this.wait)));
      configuration = active.Configuration ?? {};
      waited = true;
    }
    if (configuration.LastUpdateStatus === 'InProgress') {
      const updated = await this.logger.step(`wait until ${this.name}'s update to this revision is done`, () => quietly(() => waitUntilUpdated(this.client, this.name, this.wait)));
      configuration = updated.Configuration ?? {};
      waited = true;
    }
    if (this.createConflicted && this.bundled) {
      const bundle = await this.bundled;
      if (configuration.CodeSha256 === bundle.codeSha256) {
        const version = await this.publish(bundle.codeSha256, configuration.RevisionId);
        return this.result('created', bundle.codeSha256, version, 'created with this revision (CreateFunction\'s answer was lost, or another deploy of this revision created it at the same moment)');
      }
    }
    return this.result('skipped', configuration.CodeSha256 ?? null, null, waited ? 'its Description holds this revision and its configuration digest is this one, and the change that wrote them is now done' : 'its Description holds this revision and its configuration digest is this one');
  }

  private bundle(): Promise<BundleFile> {
    this.bundled ??= this.deps.bundle();
    return this.bundled;
  }

  private code(bundle: BundleFile, viaS3 = false) {
    return codeSource(bundle, { functionName: this.name, s3Bucket: undefined, uploadToS3: undefined, ...this.deps.code, viaS3 });
  }

  /**
   * Sends the code directly, or through S3 when it is over the limit. A 413
   * for a zip just under 50 MB (its base64 JSON is what Lambda measures)
   * sends it again through S3 when a bucket is configured.
   */
  private async withCode<T>(bundle: BundleFile, send: (code: CodeSource) => Promise<T>): Promise<T> {
    try {
      return await send(await this.code(bundle));
    } catch (error) {
      if (!isRequestTooLarge(error) || !this.deps.code?.s3Bucket) throw error;
      this.logger.info(`${this.name}: Lambda refused the direct upload as too large; sending it through S3`);
      return send(await this.code(bundle, true));
    }
  }

  private async create(): Promise<DeployResult | ChangedUnderUs> {
    const bundle = await this.bundle();
    try {
      await this.withCode(bundle, (code) => this.client.send(new CreateFunctionCommand(createRequest(this.target, code, bundle.codeSha256))));
    } catch (error) {
      // Another task created it between our check and our create, or our
      // own create took effect and its answer was lost (the SDK's retry got
      // the 409): read and decide again.
      if (isAlreadyExists(error)) {
        this.createConflicted = true;
        return new ChangedUnderUs('CreateFunction answered that it already exists');
      }
      throw failedCall('CreateFunction', this.name, error);
    }
    const active = await this.logger.step(`wait until ${this.name} is Active`, () => quietly(() => waitUntilActive(this.client, this.name, this.wait)));
    this.checkSha(active.Configuration, bundle);
    const version = await this.publish(bundle.codeSha256, active.Configuration?.RevisionId);
    return this.result('created', bundle.codeSha256, version, 'it did not exist');
  }

  /** A Failed function cannot be updated; one with an update in progress is waited for, then checked again. */
  private async settled(current: FunctionConfiguration): Promise<ChangedUnderUs | undefined> {
    if (current.State === 'Failed') {
      throw new OperationError(
        `${this.name} is in state Failed (${current.StateReason ?? 'no reason given'}${current.StateReasonCode ? `, ${current.StateReasonCode}` : ''}) and cannot be updated`,
        'its creation failed; delete the function (aws lambda delete-function) and deploy again',
      );
    }
    if (current.State === 'Pending' || current.LastUpdateStatus === 'InProgress') {
      await this.logger.step(`wait until ${this.name} has settled`, () => quietly(() => waitUntilSettled(this.client, this.name, this.wait)));
      return new ChangedUnderUs('an update was in progress');
    }
    return undefined;
  }

  /** The code is ours: one configuration update (with the Description and the tags), no bundle. */
  private async configure(deployed: Extract<Deployed, { kind: 'present' }>, why: string): Promise<DeployResult | ChangedUnderUs> {
    const current = deployed.configuration;
    const unsettled = await this.settled(current);
    if (unsettled) return unsettled;
    this.logger.info(`configuring ${this.name}: ${why}`);
    const updated = await this.writeConfiguration(current.RevisionId);
    if (updated instanceof ChangedUnderUs) return updated;
    if (updated.CodeSha256 !== current.CodeSha256) return new ChangedUnderUs('its code changed under our configuration update');
    await this.tag(updated.FunctionArn);
    const codeSha256 = current.CodeSha256 ?? null;
    const version = codeSha256 ? await this.publish(codeSha256, updated.RevisionId) : null;
    return this.result('configured', codeSha256, version, why);
  }

  /** UpdateFunctionConfiguration over `revisionId`, and the wait until it is done: the function's configuration after it. */
  private async writeConfiguration(revisionId: string | undefined): Promise<FunctionConfiguration | ChangedUnderUs> {
    try {
      await retryWhileUpdating(this.client, this.name, this.wait, () =>
        this.client.send(new UpdateFunctionConfigurationCommand(configurationRequest(this.target, revisionId))));
    } catch (error) {
      if (isStaleRevision(error)) return new ChangedUnderUs('its RevisionId moved before our configuration update');
      throw failedCall('UpdateFunctionConfiguration', this.name, error);
    }
    const updated = await this.logger.step(`wait until ${this.name}'s configuration update is done`, () => quietly(() => waitUntilUpdated(this.client, this.name, this.wait)));
    return updated.Configuration ?? {};
  }

  private async update(deployed: Extract<Deployed, { kind: 'present' }>, why: string): Promise<DeployResult | ChangedUnderUs> {
    let current = deployed.configuration;
    const unsettled = await this.settled(current);
    if (unsettled) return unsettled;
    this.logger.info(`updating ${this.name}: ${why}`);
    const bundle = await this.bundle();
    const architecture = this.target.settings.architecture;
    const codeIsOurs = current.CodeSha256 === bundle.codeSha256 && (current.Architectures?.[0] ?? 'x86_64') === architecture;
    if (!codeIsOurs && current.Runtime !== undefined && current.Runtime !== this.target.settings.runtime) {
      // Lambda refuses code updates on a runtime it has blocked (a deprecated
      // one), but accepts a move to another runtime: the runtime goes first.
      // Only the runtime: the Description stays the old one until the code is ours.
      try {
        await retryWhileUpdating(this.client, this.name, this.wait, () =>
          this.client.send(new UpdateFunctionConfigurationCommand({ FunctionName: this.name, Runtime: this.target.settings.runtime as Runtime, RevisionId: current.RevisionId })));
      } catch (error) {
        if (isStaleRevision(error)) return new ChangedUnderUs('its RevisionId moved before our runtime update');
        throw failedCall('UpdateFunctionConfiguration', this.name, error);
      }
      current = (await this.logger.step(`wait until ${this.name}'s runtime update is done`, () => quietly(() => waitUntilUpdated(this.client, this.name, this.wait))))
        .Configuration ?? {};
    }
    if (!codeIsOurs) {
      const revisionId = current.RevisionId;
      try {
        await this.withCode(bundle, (code) =>
          retryWhileUpdating(this.client, this.name, this.wait, () =>
            this.client.send(new UpdateFunctionCodeCommand({ FunctionName: this.name, ...code, Architectures: [architecture], RevisionId: revisionId }))));
      } catch (error) {
        if (isStaleRevision(error)) return new ChangedUnderUs('its RevisionId moved before our code update');
        throw failedCall('UpdateFunctionCode', this.name, error);
      }
      // The waiter's last read is fresh: it gives the RevisionId for the next write.
      current = (await this.logger.step(`wait until ${this.name}'s code update is done`, () => quietly(() => waitUntilUpdated(this.client, this.name, this.wait))))
        .Configuration ?? {};
      if (current.CodeSha256 !== bundle.codeSha256) return new ChangedUnderUs('its code is no longer ours');
    }
    // The Description is written last, in the same call as the rest of the
    // configuration, and only over the code we just checked is ours.
    const updated = await this.writeConfiguration(current.RevisionId);
    if (updated instanceof ChangedUnderUs) return updated;
    await this.tag(updated.FunctionArn, bundle.codeSha256);
    const version = await this.publish(bundle.codeSha256, updated.RevisionId);
    return this.result('updated', bundle.codeSha256, version, why);
  }

  /**
   * Keeps the tags current. The digests in them are what the next check
   * compares, but a failure here only costs that check one more
   * configuration update, so it is a warning.
   */
  private async tag(functionArn: string | undefined, codeSha256?: string): Promise<void> {
    if (!functionArn) return;
    try {
      await retryWhileUpdating(this.client, this.name, this.wait, () => this.client.send(new TagResourceCommand({ Resource: functionArn, Tags: functionTags(this.target, codeSha256) })));
    } catch (error) {
      this.logger.warn(new LambdaCallError('TagResource', this.name, error).message);
    }
  }

  private async publish(codeSha256: string, revisionId: string | undefined): Promise<string | null> {
    const alias = this.target.settings.alias;
    if (!alias) return null;
    const version = await publishAndPoint(
      this.client,
      { functionName: this.name, alias, codeSha256, revisionId, description: descriptionFor(this.target) },
      this.wait,
      this.logger,
    );
    return version ?? null;
  }

  /** Lambda computes CodeSha256 from the bytes it received; a mismatch means the upload is not what we built. */
  private checkSha(configuration: FunctionConfiguration | undefined, bundle: BundleFile): void {
    if (configuration?.CodeSha256 && configuration.CodeSha256 !== bundle.codeSha256) {
      this.logger.warn(`${this.name}: Lambda reports CodeSha256 ${configuration.CodeSha256}, the bundle's is ${bundle.codeSha256}`);
    }
  }

  private result(action: DeployAction, codeSha256: string | null, version: string | null, detail: string): DeployResult {
    return { action, functionName: this.name, revision: this.target.revision, codeSha256, version, detail };
  }
}

function deployedSha(deployed: Deployed): string | null {
  return deployed.kind === 'present' ? (deployed.configuration.CodeSha256 ?? null) : null;
}
