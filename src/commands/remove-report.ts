// What a removal task publishes about itself (public/lambda-sync/result.json,
// like a deploy task's): what it did to which function and why, the
// revisions, the versions and aliases that went with it, every Lambda API
// call and how long the parts took. Written whatever the outcome.
import { TaskReport, type ApiCallJson } from './deploy-report.js';

/** What a removal did: deleted the function, left it (it is not an orphan any more: why in `detail`), or found it gone already. */
export type RemoveAction = 'deleted' | 'left' | 'already-gone';

export interface RemoveOutcome {
  action: RemoveAction;
  /** Why, for people: what was deleted with it, or why it stays. */
  detail: string;
  /** The revision its Description named (null: gone, or not one of ours). */
  deployedRevision: string | null;
  versions: string[];
  aliases: string[];
}

/** result.json of a removal task. */
export interface RemoveResultJson {
  /** `failed` when the task failed. */
  action: RemoveAction | 'failed';
  path: string;
  /** The `functions` key, for one of several functions of a package; else null. */
  key: string | null;
  function: string;
  revisions: {
    /** The push's head the task was given: the revision without the package. */
    head: string | null;
    /** The revision the function was deployed from. */
    deployed: string | null;
  };
  detail: string | null;
  /** What DeleteFunction took with it. */
  versions: string[];
  aliases: string[];
  /** True when the task cloned the repository (false: the function was gone, or not ours, before any clone). */
  cloned: boolean;
  apiCalls: ApiCallJson[];
  durationsMs: { total: number; clone: number | null };
  /** Why the task failed, without credentials. */
  error?: string;
}

export class RemoveReport extends TaskReport<RemoveOutcome> {
  private outcome: RemoveOutcome | undefined;

  constructor(
    private readonly target: { path: string; key: string | undefined; functionName: string },
    private readonly head: string | undefined,
  ) {
    super();
  }

  succeeded(outcome: RemoveOutcome): void {
    this.outcome = outcome;
  }

  json(): RemoveResultJson {
    const out = this.outcome;
    return {
      action: out?.action ?? 'failed',
      path: this.target.path,
      key: this.target.key ?? null,
      function: this.target.functionName,
      revisions: { head: this.head ?? null, deployed: out?.deployedRevision ?? null },
      detail: out?.detail ?? null,
      versions: out?.versions ?? [],
      aliases: out?.aliases ?? [],
      cloned: this.cloned,
      apiCalls: this.calls,
      durationsMs: { total: this.totalMs(), clone: this.cloneMs },
      ...(this.failure !== undefined ? { error: this.failure } : {}),
    };
  }

  async write(dir: string): Promise<void> {
    await this.writeResult(dir, this.json());
  }
}
