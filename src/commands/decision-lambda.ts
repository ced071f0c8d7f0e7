// The decision's read of Lambda (deploy mode), in the command layer so that
// src/taskcluster stays free of the Lambda API: one ListFunctions pass over
// the account, then src/lambda's classification of every package (a
// GetFunction only for those not in sync, a ListTags only for orphan
// candidates), with the same secret the tasks use, narrowed to read-only.
// The orphans come with the safety valve's verdict on deleting them all,
// which decides whether the decision may give them `remove` tasks.
//
// ListFunctions rather than a GetFunction per package: its pages hold 50
// functions each, and the packages in sync (nearly all of them on a push)
// need nothing more, so 1,000 packages in an account of 1,000 functions cost
// 20 calls instead of 1,000 (bench/decision.ts measures both).
import type { Logger } from '../log.js';
import type { Plan } from '../packages/plan.js';
import type { Checkout } from '../repo/clone.js';
import type { PackageStatus } from '../lambda/index.js';
import type { DeployedState, LambdaView } from '../taskcluster/verdicts.js';
import { historyFor, openAccess, type OpenAccessOptions } from './deploy.js';

export interface ReadLambdaOptions {
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  /** Sees every Lambda call (the benchmark counts them). */
  onCall?: OpenAccessOptions['onCall'];
}

export async function readLambdaView(plan: Plan, checkout: Checkout | undefined, options: ReadLambdaOptions): Promise<LambdaView> {
  const { listAllFunctions, lambdaReads, classify, checkValve, DEFAULT_MAX_DELETES } = await import('../lambda/index.js');
  const access = await openAccess(plan, { logger: options.logger, printCalls: false, ...(options.onCall ? { onCall: options.onCall } : {}), ...(options.env ? { env: options.env } : {}) });
  try {
    const client = access.forListing();
    const functions = await listAllFunctions(client);
    const history = await historyFor(plan, checkout, options.logger);
    const classification = await classify(plan, lambdaReads(client, functions), { history });
    let valve: string | undefined;
    try {
      // The decision never opens the valve: --allow-mass-delete is for a person running sync.
      checkValve(classification, { maxDeletes: plan.rootConfig.pruneMaxDeletes ?? DEFAULT_MAX_DELETES, allowMassDelete: false });
    } catch (error) {
      valve = error instanceof Error ? error.message : String(error);
    }
    return {
      packages: packageStates(classification.packages),
      orphans: classification.orphans.map((o) => ({
        path: o.path,
        ...(o.key === undefined ? {} : { key: o.key }),
        functionName: o.functionName,
        deployedRevision: o.deployedRevision,
        detail: o.detail,
      })),
      ...(valve !== undefined ? { valve } : {}),
    };
  } finally {
    access.close();
  }
}

/** Rank of a function's state for its package's verdict: a package is only as in sync as its least synced function. */
const NEEDS_WORK: Record<DeployedState, number> = {
  'in-sync': 0,
  'newer-deployed': 1,
  foreign: 2,
  behind: 3,
  'config-drift': 3,
  'code-drift': 3,
  'unknown-revision': 3,
  missing: 3,
  failed: 3,
};

/**
 * One state per package from its functions' (a package with `functions`
 * has several, and one task deploys them all): the state of the function
 * that needs the most work, named in the detail when there are several.
 */
export function packageStates(functions: ReadonlyArray<Pick<PackageStatus, 'path' | 'key' | 'state' | 'detail'>>): Map<string, { state: DeployedState; detail: string }> {
  const byPath = new Map<string, Array<Pick<PackageStatus, 'path' | 'key' | 'state' | 'detail'>>>();
  for (const fn of functions) byPath.set(fn.path, [...(byPath.get(fn.path) ?? []), fn]);
  return new Map(
    [...byPath].map(([path, fns]) => {
      const worst = fns.reduce((a, b) => (NEEDS_WORK[b.state] > NEEDS_WORK[a.state] ? b : a));
      if (fns.length === 1 && worst.key === undefined) return [path, { state: worst.state, detail: worst.detail }];
      const same = fns.every((f) => f.state === worst.state);
      const detail = same && worst.state === 'in-sync' && fns.length > 1 ? `all ${fns.length} functions: ${worst.detail}` : `${worst.key ?? path}: ${worst.detail}${fns.length > 1 ? ` (${fns.filter((f) => f.state !== 'in-sync').length} of ${fns.length} functions not in sync)` : ''}`;
      return [path, { state: worst.state, detail }];
    }),
  );
}
