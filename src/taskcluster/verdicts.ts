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
