// Stored functions and their lifecycle. Transitions are settled lazily, on
// the next read after their deadline, so no timers outlive the server and a
// test's clock is simply Date.now().
import { randomUUID } from 'node:crypto';
import type { Code } from './code.js';
import { conflict, notFound, preconditionFailed } from './errors.js';
import { functionArn } from './validate.js';

export interface StoredConfig {
  Runtime: string;
  Role: string;
  Handler: string;
  Description: string;
  Timeout: number;
  MemorySize: number;
  Environment: Record<string, string>;
  Architectures: string[];
  EphemeralStorageSize: number;
  TracingMode: string;
}

export interface Failure { reason: string; reasonCode: string }

interface Pending {
  until: number;
  kind: 'create' | 'update';
  /** What remains if the update fails: Lambda keeps the previous code and configuration. */
  previous?: { config: StoredConfig; code: Code };
  fail?: Failure;
  /** Version number reserved by Publish: true, created when the change completes. */
  publishAs?: string;
}

export interface VersionRecord {
  version: string;
  config: StoredConfig;
  code: Code;
  revisionId: string;
  lastModified: string;
}

export interface AliasRecord {
  name: string;
  functionVersion: string;
  description: string;
  revisionId: string;
  routing?: Record<string, number>;
}

export interface FunctionRecord {
  name: string;
  config: StoredConfig;
  code: Code;
  state: 'Pending' | 'Active' | 'Failed';
  stateReason?: string;
  stateReasonCode?: string;
  lastUpdateStatus?: 'InProgress' | 'Successful' | 'Failed';
  lastUpdateStatusReason?: string;
  lastUpdateStatusReasonCode?: string;
  revisionId: string;
  lastModified: string;
  pending?: Pending;
  tags: Record<string, string>;
  versions: Map<string, VersionRecord>;
  nextVersion: number;
  aliases: Map<string, AliasRecord>;
  /** Code and configuration as of the last published version. */
  publishedFingerprint?: string;
}

/** `2020-04-10T19:06:32.563+0000`, Lambda's LastModified format. */
export const lambdaTimestamp = (d = new Date()) => d.toISOString().replace('Z', '+0000');

const fingerprint = (config: StoredConfig, code: Code) => JSON.stringify([config, code.sha256]);

export class Store {
  readonly functions = new Map<string, FunctionRecord>();
  transitionMs: number;
  private failures: Array<Failure & { functionName?: string; on: 'create' | 'update' }> = [];

  constructor(readonly ctx: { region: string; accountId: string }, transitionMs: number) {
    this.transitionMs = transitionMs;
  }

  arn(name: string, qualifier?: string): string {
    return functionArn(this.ctx, name, qualifier);
  }

  injectFailure(on: 'create' | 'update', f: Failure, functionName?: string): void {
    this.failures.push({ ...f, on, ...(functionName ? { functionName } : {}) });
  }

  clearFailures(): void {
    this.failures = [];
  }

  private takeFailure(on: 'create' | 'update', name: string): Failure | undefined {
    const i = this.failures.findIndex((f) => f.on === on && (!f.functionName || f.functionName === name));
    return i < 0 ? undefined : this.failures.splice(i, 1)[0];
  }

  settle(fn: FunctionRecord, now = Date.now()): void {
    const p = fn.pending;
    if (!p || now < p.until) return;
    fn.pending = undefined;
    fn.revisionId = randomUUID();
    if (p.fail) {
      if (p.previous) Object.assign(fn, p.previous);
      if (p.kind === 'create') {
        fn.state = 'Failed';
        fn.stateReason = p.fail.reason;
        fn.stateReasonCode = p.fail.reasonCode;
      }
      fn.lastUpdateStatus = 'Failed';
      fn.lastUpdateStatusReason = p.fail.reason;
      fn.lastUpdateStatusReasonCode = p.fail.reasonCode;
      return;
    }
    fn.state = 'Active';
    fn.stateReason = fn.stateReasonCode = undefined;
    fn.lastUpdateStatus = 'Successful';
    fn.lastUpdateStatusReason = fn.lastUpdateStatusReasonCode = undefined;
    if (p.publishAs) this.snapshotVersion(fn, p.publishAs);
  }

  /** The function, settled; 404 like Lambda when it does not exist. */
  get(name: string, qualifier?: string): FunctionRecord {
    const fn = this.functions.get(name);
    if (!fn) throw notFound(`Function not found: ${this.arn(name, qualifier)}`);
    this.settle(fn);
    return fn;
  }

  all(): FunctionRecord[] {
    const list = [...this.functions.values()];
    for (const fn of list) this.settle(fn);
    return list;
  }

  create(name: string, config: StoredConfig, code: Code, tags: Record<string, string>, publish: boolean): FunctionRecord {
    if (this.functions.has(name)) throw conflict(`Function already exist: ${name}`);
    const fn: FunctionRecord = {
      name, config, code, tags,
      state: 'Pending',
      stateReason: 'The function is being created.',
      stateReasonCode: 'Creating',
      revisionId: randomUUID(),
      lastModified: lambdaTimestamp(),
      versions: new Map(),
      nextVersion: 1,
      aliases: new Map(),
    };
    const fail = this.takeFailure('create', name);
    fn.pending = { until: Date.now() + this.transitionMs, kind: 'create', ...(fail ? { fail } : {}) };
    if (publish) fn.pending.publishAs = String(fn.nextVersion++);
    this.functions.set(name, fn);
    return fn;
  }

  /** Lambda refuses to change a function that is still settling. */
  assertChangeable(fn: FunctionRecord): void {
    if (fn.state === 'Pending' || fn.state === 'Failed') {
      throw conflict(`The operation cannot be performed at this time. The function is currently in the following state: ${fn.state}`);
    }
    if (fn.lastUpdateStatus === 'InProgress') {
      throw conflict(`The operation cannot be performed at this time. An update is in progress for resource: ${this.arn(fn.name)}`);
    }
  }

  assertRevision(fn: FunctionRecord, revisionId: string | undefined): void {
    if (revisionId !== undefined && revisionId !== fn.revisionId) throw preconditionFailed();
  }

  update(fn: FunctionRecord, change: { config?: StoredConfig; code?: Code }, publish = false): void {
    const fail = this.takeFailure('update', fn.name);
    fn.pending = {
      until: Date.now() + this.transitionMs,
      kind: 'update',
      previous: { config: fn.config, code: fn.code },
      ...(fail ? { fail } : {}),
      ...(publish ? { publishAs: String(fn.nextVersion++) } : {}),
    };
    if (change.config) fn.config = change.config;
    if (change.code) fn.code = change.code;
    fn.revisionId = randomUUID();
    fn.lastModified = lambdaTimestamp();
    fn.lastUpdateStatus = 'InProgress';
    // Real responses to an update carry the creation wording too.
    fn.lastUpdateStatusReason = 'The function is being created.';
    fn.lastUpdateStatusReasonCode = 'Creating';
  }

  /**
   * "Lambda doesn't publish a version if the function's configuration and
   * code haven't changed since the last version": the last one is returned.
   */
  publish(fn: FunctionRecord, description?: string): VersionRecord {
    const fp = fingerprint({ ...fn.config, ...(description !== undefined ? { Description: description } : {}) }, fn.code);
    if (fp === fn.publishedFingerprint && fn.versions.size > 0) return [...fn.versions.values()].at(-1)!;
    return this.snapshotVersion(fn, String(fn.nextVersion++), description);
  }

  private snapshotVersion(fn: FunctionRecord, version: string, description?: string): VersionRecord {
    const config = { ...fn.config, ...(description !== undefined ? { Description: description } : {}) };
    const v: VersionRecord = { version, config, code: fn.code, revisionId: randomUUID(), lastModified: lambdaTimestamp() };
    fn.versions.set(version, v);
    fn.publishedFingerprint = fingerprint(config, fn.code);
    return v;
  }

  /** FunctionConfiguration as Lambda returns it, for $LATEST or a version. */
  configuration(fn: FunctionRecord, version?: VersionRecord, opts: { forList?: boolean; arnQualifier?: string } = {}): Record<string, unknown> {
    const c = version?.config ?? fn.config;
    const code = version?.code ?? fn.code;
    const out: Record<string, unknown> = {
      FunctionName: fn.name,
      FunctionArn: this.arn(fn.name, opts.arnQualifier ?? version?.version),
      Runtime: c.Runtime,
      Role: c.Role,
      Handler: c.Handler,
      CodeSize: code.size,
      Description: c.Description,
      Timeout: c.Timeout,
      MemorySize: c.MemorySize,
      LastModified: version?.lastModified ?? fn.lastModified,
      CodeSha256: code.sha256,
      Version: version?.version ?? '$LATEST',
      ...(Object.keys(c.Environment).length ? { Environment: { Variables: { ...c.Environment } } } : {}),
      TracingConfig: { Mode: c.TracingMode },
      RevisionId: version?.revisionId ?? fn.revisionId,
      PackageType: 'Zip',
      Architectures: [...c.Architectures],
      EphemeralStorage: { Size: c.EphemeralStorageSize },
      SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
      LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${fn.name}` },
    };
    // "The ListFunctions operation returns a subset of the
    // FunctionConfiguration fields": no state, so callers must GetFunction.
    if (opts.forList) return out;
    if (version) return { ...out, State: 'Active', LastUpdateStatus: 'Successful' };
    const state: Record<string, unknown> = {
      State: fn.state,
      StateReason: fn.stateReason,
      StateReasonCode: fn.stateReasonCode,
      LastUpdateStatus: fn.lastUpdateStatus,
      LastUpdateStatusReason: fn.lastUpdateStatusReason,
      LastUpdateStatusReasonCode: fn.lastUpdateStatusReasonCode,
    };
    for (const k of Object.keys(state)) if (state[k] === undefined) delete state[k];
    return { ...out, ...state };
  }

  aliasOut(fn: FunctionRecord, a: AliasRecord): Record<string, unknown> {
    return {
      AliasArn: this.arn(fn.name, a.name),
      Name: a.name,
      FunctionVersion: a.functionVersion,
      Description: a.description,
      RevisionId: a.revisionId,
      ...(a.routing ? { RoutingConfig: { AdditionalVersionWeights: { ...a.routing } } } : {}),
    };
  }
}
