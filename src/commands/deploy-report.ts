// What a package task publishes about itself (payload `artifacts`, shown
// by the Taskcluster UI without reading the log): `result.json` with what it
// did, to which function, at which revisions, with which API calls and how
// long each part took, and, when it bundled, `bundle-files.txt` listing each
// file of the zip with its size and mode. Written whatever the outcome: a
// docker-worker task whose declared artifact folder is missing fails for it.
// TaskReport holds what a removal task's result.json (remove-report.ts)
// shares with it.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Bundle } from '../bundle/index.js';
import type { CallRecord } from '../lambda/index.js';
import { redactSecrets } from '../lambda/redact.js';
import type { DeployJson, FunctionJson } from './deploy.js';

export const REPORT_FILES = { result: 'result.json', bundleFiles: 'bundle-files.txt' } as const;

/** One Lambda API call, as result.json lists it. */
export interface ApiCallJson {
  operation: string;
  ms: number;
  attempts: number;
  status: number | null;
  error: string | null;
}

/**
 * What every task's report keeps, whatever the task does (a deploy, a
 * removal): its API calls, the time of its parts, whether it cloned, and
 * why it failed.
 */
export abstract class TaskReport<Outcome> {
  protected readonly started = performance.now();
  protected readonly calls: ApiCallJson[] = [];
  protected cloneMs: number | null = null;
  protected bundleMs: number | null = null;
  protected failure: string | undefined;
  cloned = false;

  readonly call = (call: CallRecord): void => {
    this.calls.push({ operation: call.operation, ms: Math.round(call.ms), attempts: call.attempts, status: call.status ?? null, error: call.error ?? null });
  };

  /** Times `work` as the clone (or the bundle). */
  async timed<T>(part: 'clone' | 'bundle', work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      const ms = Math.round(performance.now() - started);
      if (part === 'clone') this.cloneMs = ms;
      else this.bundleMs = (this.bundleMs ?? 0) + ms;
    }
  }

  failed(error: unknown): void {
    this.failure = redactSecrets(error instanceof Error ? error.message : String(error));
  }

  abstract succeeded(outcome: Outcome): void;

  abstract write(dir: string): Promise<void>;

  /**
   * Runs the task's work and records how it ended; with `artifacts`,
   * result.json is written there whatever happens. `onFailure` sees the
   * error before it propagates.
   */
  async record(artifacts: string | undefined, work: () => Promise<Outcome>, onFailure?: (error: unknown) => void): Promise<Outcome> {
    try {
      const out = await work();
      this.succeeded(out);
      return out;
    } catch (error) {
      this.failed(error);
      onFailure?.(error);
      throw error;
    } finally {
      if (artifacts) await this.write(artifacts);
    }
  }

  protected totalMs(): number {
    return Math.round(performance.now() - this.started);
  }

  /** Writes `json` as result.json into `dir`, which a docker-worker task must have even when it failed. */
  protected async writeResult(dir: string, json: unknown): Promise<void> {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, REPORT_FILES.result), `${JSON.stringify(json, null, 2)}\n`);
  }
}

/** result.json. */
export interface DeployResultJson {
  /** created, updated, skipped, skipped-newer, checked; `failed` when the task failed. */
  action: FunctionJson['action'] | 'failed';
  path: string;
  /** The function; for a package with `functions`, their names space-separated (each one's outcome under `functions`). */
  function: string | null;
  /** Only for a package with `functions`: each function's outcome. */
  functions?: Array<FunctionJson & { key: string }>;
  revisions: {
    /** The push's head the task was given. */
    head: string | null;
    /** The package's own revision. */
    package: string | null;
  };
  codeSha256: string | null;
  version: string | null;
  /** True when the task cloned the repository (false: answered from Lambda alone). */
  cloned: boolean;
  /** Every Lambda API call the task made, in order, waiters' polls included. */
  apiCalls: ApiCallJson[];
  durationsMs: { total: number; clone: number | null; bundle: number | null };
  /** Why the task failed, without credentials. */
  error?: string;
}

export class DeployReport extends TaskReport<DeployJson> {
  private bundle: Pick<Bundle, 'files'> | undefined;
  private outcome: DeployJson | undefined;

  constructor(
    private readonly path: string,
    private readonly head: string | undefined,
  ) {
    super();
  }

  bundled(bundle: Pick<Bundle, 'files'>): void {
    this.bundle = bundle;
  }

  succeeded(outcome: DeployJson): void {
    this.outcome = outcome;
  }

  /** What each of a package's functions did when some of them failed: the task fails, and result.json still says which deployed. */
  partial(outcome: DeployJson): void {
    this.outcome = outcome;
  }

  /** The outcome recorded so far (a failed task's partial one), if any. */
  outcomeSoFar(): DeployJson | undefined {
    return this.outcome;
  }

  json(): DeployResultJson {
    const out = this.outcome;
    const several = out && 'functions' in out ? out.functions : undefined;
    const one = out && !('functions' in out) ? out : undefined;
    return {
      action: this.failure !== undefined ? 'failed' : several ? packageAction(several) : (one?.action ?? 'failed'),
      path: this.path,
      function: several ? several.map((f) => f.functionName).join(' ') : (one?.functionName ?? null),
      ...(several ? { functions: several } : {}),
      revisions: { head: this.head ?? null, package: (one ?? several?.[0])?.revision ?? null },
      codeSha256: one?.codeSha256 ?? null,
      version: one?.version ?? null,
      cloned: this.cloned,
      apiCalls: this.calls,
      durationsMs: { total: this.totalMs(), clone: this.cloneMs, bundle: this.bundleMs },
      ...(this.failure !== undefined ? { error: this.failure } : {}),
    };
  }

  async write(dir: string): Promise<void> {
    await this.writeResult(dir, this.json());
    if (this.bundle) await writeFile(join(dir, REPORT_FILES.bundleFiles), bundleFilesText(this.bundle));
  }
}

/** A package's action from its functions': the one that changed most (created before updated before configured before skipped). */
function packageAction(functions: readonly FunctionJson[]): FunctionJson['action'] {
  const order: Array<FunctionJson['action']> = ['created', 'updated', 'configured', 'checked', 'skipped-newer', 'skipped'];
  return order.find((action) => functions.some((f) => f.action === action)) ?? functions[0]!.action;
}

/** bundle-files.txt: `<mode> <size> <path>` per file, in the zip's order. */
export function bundleFilesText(bundle: Pick<Bundle, 'files'>): string {
  return bundle.files.map((f) => `${f.mode.toString(8).padStart(4, '0')} ${String(f.size).padStart(10)} ${f.name}\n`).join('');
}
