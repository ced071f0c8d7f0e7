/**
 * Status benchmark (issue 11): a repository of 1,000 packages, all deployed
 * at their revision, in an account of 3,000 functions (2,000 of other
 * repositories), against the Lambda double answering every call after 20 ms
 * with Lambda's account-wide rate limits. Counts the calls (target: the
 * ListFunctions pages and nothing else) and compares the wall time of a
 * whole status (listing + classification) with its floor: the pages are read
 * one after the other (each needs the previous page's NextMarker), 60 x 20 ms,
 * and ListFunctions counts against the 15 requests/second control-plane
 * quota, so past the first second's 15 the 45 others take 3 s at best.
 * Then the same with 50 packages behind, which each cost one GetFunction.
 */
import { createHash } from 'node:crypto';
import { classify } from '../src/lambda/classify.js';
import { createLambdaClient } from '../src/lambda/client.js';
import { gitHistory } from '../src/lambda/history.js';
import { LIST_PAGE_SIZE, lambdaReads, listAllFunctions } from '../src/lambda/list.js';
import { silentLogger } from '../src/log.js';
import { functionDescription } from '../src/packages/description.js';
import { planPackages, type Plan } from '../src/packages/plan.js';
import { TestRepo } from '../test/support/git-repo.js';
import { startLambdaServer, type LambdaServer } from '../test/support/lambda-server.js';
import { makeZip } from '../test/support/zip.js';

const PACKAGES = 1000;
const ACCOUNT = 3000;
const BEHIND = 50;
const LATENCY_MS = 20;
const RUNS = 3;
const ROLE = 'arn:aws:iam::123456789012:role/lambda-exec';

function buildRepo(): TestRepo {
  const repo = new TestRepo();
  repo.write('lambda-sync.yml', `defaults:\n  role: ${ROLE}\n`);
  for (let i = 0; i < PACKAGES; i++) repo.addPackage(`functions/fn-${String(i).padStart(4, '0')}`, { lambda: {} });
  repo.git('remote', 'add', 'origin', 'https://github.com/example/functions.git');
  repo.commit('all packages');
  return repo;
}

function seed(server: LambdaServer, plan: Plan, behind: Set<string>, previous: string): void {
  server.reset();
  const zip = makeZip([{ name: 'main.js', data: 'exports.handler = async () => "deployed";\n' }]);
  const sha = createHash('sha256').update(zip).digest('base64');
  const fn = (name: string, repository: string, path: string, revision: string) => server.seedFunction({
    FunctionName: name, Role: ROLE, Runtime: 'nodejs24.x', Handler: 'main.handler', Code: { ZipFile: zip },
    Description: functionDescription(repository as Plan['repository'], path, revision),
    Tags: { 'lambda-sync:repository': repository, 'lambda-sync:path': path, 'lambda-sync:revision': revision, 'lambda-sync:code-sha256': sha },
  });
  for (const pkg of plan.packages) fn(pkg.functionName, plan.repository, pkg.path, behind.has(pkg.path) ? previous : pkg.revision!);
  for (let i = 0; i < ACCOUNT - PACKAGES; i++) fn(`other-${String(i).padStart(4, '0')}`, 'github.com/example/others', `fn-${i}`, 'a'.repeat(40));
}

async function timedStatus(server: LambdaServer, plan: Plan): Promise<{ ms: number; calls: Record<string, number>; states: Record<string, number> }> {
  const client = createLambdaClient(server.clientConfig());
  server.calls.length = 0;
  const started = performance.now();
  try {
    const functions = await listAllFunctions(client);
    const result = await classify(plan, lambdaReads(client, functions), { history: gitHistory(plan.gitRoot) });
    const ms = performance.now() - started;
    const calls: Record<string, number> = {};
    for (const c of server.calls) calls[c.operation] = (calls[c.operation] ?? 0) + 1;
    const states: Record<string, number> = {};
    for (const p of result.packages) states[p.state] = (states[p.state] ?? 0) + 1;
    return { ms, calls, states };
  } finally {
    client.destroy();
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function run(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const repo = buildRepo();
  const previous = repo.head();
  const behindPaths = Array.from({ length: BEHIND }, (_, i) => `functions/fn-${String(i * (PACKAGES / BEHIND)).padStart(4, '0')}`);
  for (const path of behindPaths) repo.write(`${path}/main.js`, 'exports.handler = async () => "v2";\n');
  repo.commit('change some packages');
  const server = await startLambdaServer({ latencyMs: LATENCY_MS, transitionMs: 20 });
  try {
    const plan = await planPackages({ root: repo.dir, logger: silentLogger });
    const pages = Math.ceil(ACCOUNT / LIST_PAGE_SIZE);
    const latencyFloor = pages * LATENCY_MS;
    const quotaFloor = (Math.max(0, pages - 15) / 15) * 1000;
    const floor = Math.max(latencyFloor, quotaFloor);
    console.log(`status of ${PACKAGES} packages in an account of ${ACCOUNT} functions, ${LATENCY_MS} ms per call, Lambda's rate limits; floor: max(${pages} pages x ${LATENCY_MS} ms = ${latencyFloor} ms, ${pages - 15} pages past the burst at 15/s = ${quotaFloor} ms); median of ${RUNS}`);
    for (const [label, behind] of [['all in sync', new Set<string>()], [`${BEHIND} behind`, new Set(behindPaths)]] as const) {
      const times: number[] = [];
      let last: Awaited<ReturnType<typeof timedStatus>> | undefined;
      for (let i = 0; i < RUNS; i++) {
        seed(server, plan, behind, previous);
        last = await timedStatus(server, plan);
        times.push(last.ms);
      }
      const expected = behind.size === 0 ? { 'in-sync': PACKAGES } : { 'in-sync': PACKAGES - BEHIND, behind: BEHIND };
      if (JSON.stringify(Object.entries(last!.states).sort()) !== JSON.stringify(Object.entries(expected).sort())) throw new Error(`unexpected states: ${JSON.stringify(last!.states)}`);
      const ms = median(times);
      console.log(`  ${label}: ${(ms / 1000).toFixed(2)} s, calls ${JSON.stringify(last!.calls)}; ${(ms / floor).toFixed(2)}x the floor`);
    }
  } finally {
    await server.close();
    repo.cleanup();
  }
}
