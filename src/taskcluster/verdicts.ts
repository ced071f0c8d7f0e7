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
 * What Lambda runs, read by the command layer (src/taskcluster never calls
 * the Lambda API): each package's state, and the functions the repository
 * owns that HEAD no longer has.
 */
export interface LambdaView {
  packages: ReadonlyMap<string, { state: DeployedState; detail: string }>;
  orphans: ReadonlyArray<{ path: string; key?: string; functionName: string; detail: string }>;
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
      return [path, { verdict: 'deploy', why: `${seen.state}: ${seen.detail}` }];
    }),
  );
}
