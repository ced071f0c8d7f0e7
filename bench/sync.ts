/**
 * Sync benchmark (issue 4): 200 packages, 150 already deployed at their
 * revision and 50 changed since, against the Lambda double answering every
 * call after 20 ms, with Lambda's account-wide rate limits (15 writes and 100
 * GetFunction per second). The same sync runs at concurrency 1 and at the
 * default, from the same starting state each time (functions seeded without
 * calls), and the times are printed as a ratio.
 *
 * Lambda's state transitions are scaled down (200 ms instead of seconds) and
 * the waiters poll from 250 ms, so that one run takes seconds, not minutes;
 * the ratio is what to compare.
 */
import { DEFAULT_CONCURRENCY, syncPackages, type SyncRow } from '../src/commands/sync.js';
import type { LambdaAccess } from '../src/lambda/access.js';
import { createLambdaClient } from '../src/lambda/client.js';
import { gitHistory } from '../src/lambda/history.js';
import type { WaitOptions } from '../src/lambda/wait.js';
import { silentLogger } from '../src/log.js';
import { targetsOf } from '../src/commands/deploy.js';
import { descriptionFor, functionTags } from '../src/lambda/function-config.js';
import { planPackages, type Plan } from '../src/packages/plan.js';
import { TestRepo } from '../test/support/git-repo.js';
import { startLambdaServer, type LambdaServer } from '../test/support/lambda-server.js';
import { makeZip } from '../test/support/zip.js';

const PACKAGES = 200;
const CHANGED = 50;
const LATENCY_MS = 20;
const RUNS = 3;
const WAIT: WaitOptions = { minDelay: 0.25, maxDelay: 2, maxWaitTime: 120 };
const ROLE = 'arn:aws:iam::123456789012:role/lambda-exec';

function buildRepo(): { repo: TestRepo; previous: Map<string, string> } {
  const repo = new TestRepo();
  repo.write('lambda-sync.yml', `defaults:\n  role: ${ROLE}\n`);
  const paths = Array.from({ length: PACKAGES }, (_, i) => `functions/fn-${String(i).padStart(3, '0')}`);
  for (const path of paths) repo.addPackage(path, { lambda: {} });
  repo.git('remote', 'add', 'origin', 'https://github.com/example/functions.git');
  const first = repo.commit('all packages');
  // Every fourth package changes: those 50 are behind what is deployed.
  const changed = paths.filter((_, i) => i % (PACKAGES / CHANGED) === 0);
  for (const path of changed) repo.write(`${path}/main.js`, `exports.handler = async () => ${JSON.stringify(`${path} v2`)};\n`);
  repo.commit('change 50 packages');
  return { repo, previous: new Map(changed.map((p) => [p, first])) };
}

/** Every function as a deploy of this version left it before the change (tags and digests included): 150 at their revision, 50 at the previous one. */
function seed(server: LambdaServer, plan: Plan, previous: Map<string, string>): void {
  server.reset();
  const zip = makeZip([{ name: 'main.js', data: 'exports.handler = async () => "deployed";\n' }]);
  for (const pkg of plan.packages) {
    const target = { ...targetsOf(plan, pkg)[0]!, revision: previous.get(pkg.path) ?? pkg.revision! };
    server.seedFunction({
      FunctionName: pkg.functionName, Role: ROLE, Runtime: pkg.config.runtime, Handler: pkg.config.handler,
      Code: { ZipFile: zip }, Description: descriptionFor(target), Tags: functionTags(target),
    });
  }
}

async function timedSync(server: LambdaServer, plan: Plan, concurrency: number): Promise<{ ms: number; calls: number; rows: SyncRow[] }> {
  const client = createLambdaClient(server.clientConfig());
  const access: LambdaAccess = {
    region: server.region,
    source: { kind: 'default-chain' },
    forListing: () => client,
    forFunction: () => ({ client, uploadToS3: undefined, s3Bucket: undefined }),
    close: () => client.destroy(),
  };
  const started = performance.now();
  try {
    const rows = await syncPackages(plan, access, { concurrency, force: false, allowDirty: false, history: gitHistory(plan.gitRoot), logger: silentLogger, wait: WAIT });
    return { ms: performance.now() - started, calls: server.calls.length, rows };
  } finally {
    access.close();
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function run(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { repo, previous } = buildRepo();
  const server = await startLambdaServer({ latencyMs: LATENCY_MS, transitionMs: 200 });
  try {
    const plan = await planPackages({ root: repo.dir, logger: silentLogger });
    console.log(`sync of ${PACKAGES} packages (${PACKAGES - CHANGED} unchanged, ${CHANGED} changed), ${LATENCY_MS} ms per call, 15 writes/s and 100 GetFunction/s account-wide; median of ${RUNS}`);
    const times: Record<number, number[]> = { 1: [], [DEFAULT_CONCURRENCY]: [] };
    for (let i = 0; i < RUNS; i++) {
      for (const concurrency of [1, DEFAULT_CONCURRENCY]) {
        seed(server, plan, previous);
        const { ms, calls, rows } = await timedSync(server, plan, concurrency);
        const updated = rows.filter((r) => r.action === 'updated').length;
        const skipped = rows.filter((r) => r.action === 'skipped').length;
        if (updated !== CHANGED || skipped !== PACKAGES - CHANGED) {
          throw new Error(`unexpected outcome: ${updated} updated, ${skipped} skipped; ${rows.find((r) => r.action === 'failed')?.detail ?? ''}`);
        }
        times[concurrency]!.push(ms);
        console.log(`  run ${i + 1}, concurrency ${concurrency}: ${(ms / 1000).toFixed(2)} s, ${calls} calls`);
      }
    }
    const serial = median(times[1]!);
    const parallel = median(times[DEFAULT_CONCURRENCY]!);
    console.log(`concurrency 1: ${(serial / 1000).toFixed(2)} s; concurrency ${DEFAULT_CONCURRENCY} (default): ${(parallel / 1000).toFixed(2)} s`);
    console.log(`ratio: concurrency ${DEFAULT_CONCURRENCY} is ${(serial / parallel).toFixed(2)}x faster than concurrency 1`);
  } finally {
    await server.close();
    repo.cleanup();
  }
}

