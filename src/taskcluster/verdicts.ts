// What the decision decided for each package, and why: plan.json's
// `decision` and `why`, the summary's and the GitHub check run's table. Only
// `deploy`, `check` and `remove` get a task; the others are left out of the
// graph (taskgraph's "optimized away"), and `add-new-jobs` brings any of
// them back.
import type { Mode } from './settings.js';

export type Verdict = 'in-sync' | 'newer-deployed' | 'deploy' | 'remove' | 'check';

export interface PackageVerdict {
  verdict: Verdict;
  /** One line a person reads: what the decision saw. */
  why: string;
  /**
   * The task must clone and check in full, without the no-clone answer: a
   * configuration field changed in Lambda itself keeps the digest tag the
   * answer compares, so only the package's settings show it.
   */
  fullCheck?: true;
}

export function needsTask(verdict: Verdict): boolean {
  return verdict === 'deploy' || verdict === 'check' || verdict === 'remove';
}

/** The verdict of a package the decision knows nothing against: a task, as before the decision could tell. */
export function taskFor(mode: Mode, why: string): PackageVerdict {
  return { verdict: mode === 'deploy' ? 'deploy' : 'check', why };
}

/** How a package stands in Lambda, as src/lambda's classification spells it. */
export type DeployedState = 'in-sync' | 'behind' | 'newer-deployed' | 'missing' | 'config-drift' | 'code-drift' | 'failed' | 'unknown-revision' | 'foreign';

/**
 * A function the repository owns whose package HEAD no longer has (the
 * classification's orphan, as the decision needs it). `key` names one of
 * several functions of a package, where the classification tells it.
 */
export interface OrphanView {
  path: string;
  key?: string;
  functionName: string;
  /** The revision its Description names: where its code was last. */
  deployedRevision: string;
  /** Why it is an orphan (`HEAD has no <path>`). */
  detail: string;
}

/**
 * What Lambda runs, read by the command layer (src/taskcluster never calls
 * the Lambda API): each package's state, and the functions the repository
 * owns that HEAD no longer has.
 */
export interface LambdaView {
  packages: ReadonlyMap<string, { state: DeployedState; detail: string }>;
  orphans: ReadonlyArray<OrphanView>;
  /**
   * Why deleting all the orphans is refused by the safety valve
   * (pruneMaxDeletes, or every function the repository owns under the root);
   * undefined when it lets them through.
   */
  valve?: string;
}

/**
 * Deploy mode: no task for what Lambda already runs (in sync) or runs newer;
 * a task for everything else (missing, behind, drifted, failed, unknown), as
 * the task itself would decide.
 */
export function deployVerdicts(view: LambdaView, paths: readonly string[]): Map<string, PackageVerdict> {
  return new Map(
    paths.map((path): [string, PackageVerdict] => {
      const seen = view.packages.get(path);
      if (!seen) return [path, { verdict: 'deploy', why: 'not in what Lambda was read for' }];
      if (seen.state === 'in-sync' || seen.state === 'newer-deployed') return [path, { verdict: seen.state, why: seen.detail }];
      return [path, { verdict: 'deploy', why: `${seen.state}: ${seen.detail}`, ...(seen.state === 'config-drift' ? { fullCheck: true as const } : {}) }];
    }),
  );
}
