// The decision's read of Lambda (deploy mode), in the command layer so that
// src/taskcluster stays free of the Lambda API: one ListFunctions pass over
// the account, then src/lambda's classification of every package (a
// GetFunction only for those not in sync, a ListTags only for orphan
// candidates), with the same secret the tasks use, narrowed to read-only.
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
  const { listAllFunctions, lambdaReads, classify } = await import('../lambda/index.js');
  const access = await openAccess(plan, { logger: options.logger, printCalls: false, ...(options.onCall ? { onCall: options.onCall } : {}), ...(options.env ? { env: options.env } : {}) });
  try {
    const client = access.forListing();
    const functions = await listAllFunctions(client);
    const history = await historyFor(plan, checkout, options.logger);
    const classification = await classify(plan, lambdaReads(client, functions), { history });
    return {
      packages: new Map(classification.packages.map((p) => [p.path, { state: p.state, detail: p.detail }])),
      orphans: classification.orphans.map((o) => ({ path: o.path, functionName: o.functionName, detail: o.detail })),
    };
  } finally {
    access.close();
  }
}
