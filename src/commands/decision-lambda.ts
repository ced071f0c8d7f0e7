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
import type { LambdaView } from '../taskcluster/verdicts.js';
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
      packages: new Map(classification.packages.map((p) => [p.path, { state: p.state, detail: p.detail }])),
      orphans: classification.orphans.map((o) => ({
        path: o.path,
        // Orphans of one of several functions of a package carry their key once classify tells it.
        ...('key' in o && typeof o.key === 'string' ? { key: o.key } : {}),
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
