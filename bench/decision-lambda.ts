/**
 * The decision that reads Lambda (issue 12): 1,000 packages, 3 changed
 * since their deploy, against the Lambda double answering each call after
 * 20 ms with its account-wide quotas (15/s for everything but GetFunction,
 * 100/s GetFunction), and the queue double answering after 50 ms.
 *   - today: every package gets a task (no Lambda read): 1,000 createTask;
 *   - ours: one ListFunctions pass + the classification, then the tasks of
 *     the packages with work;
 *   - GetFunction per package instead of ListFunctions (the other way to
 *     read the state), for the choice between them;
 *   - a no-op package task (the function already at its revision): its
 *     Lambda calls and whether it cloned.
 * Wall time is from the decision's start (repository already cloned and
 * planned) to the last task submitted.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import taskcluster from 'taskcluster-client';
import { readLambdaView } from '../src/commands/decision-lambda.js';
import { mapWithConcurrency } from '../src/concurrency.js';
import { createLambdaClient } from '../src/lambda/client.js';
import { readDeployed } from '../src/lambda/check.js';
import { silentLogger } from '../src/log.js';
import { functionDescription } from '../src/packages/description.js';
import { planPackages, type Plan } from '../src/packages/plan.js';
import { runDecision } from '../src/taskcluster/decision.js';
import { runCli } from '../test/support/cli.js';
import { gitRedirectEnv, TestRepo } from '../test/support/git-repo.js';
import { startLambdaServer, type LambdaServer } from '../test/support/lambda-server.js';
import { startQueueServer } from '../test/support/queue-server.js';
import { makeZip } from '../test/support/zip.js';
import { createDecisionTask } from '../test/taskcluster/fixtures.js';

const PACKAGES = Number(process.env.BENCH_DECISION_PACKAGES ?? 1000);
const CHANGED = 3;
const LAMBDA_MS = 20;
const QUEUE_MS = 50;
const ROLE = 'arn:aws:iam::123456789012:role/lambda-exec';
const URL_ = 'https://github.com/owner/fns';

function buildRepo(): { repo: TestRepo; changed: string[]; first: string } {
  const repo = new TestRepo();
  repo.write('lambda-sync.yml', `packages:\n  - fns/*\ntaskcluster:\n  taskQueueId: proj-lambda/deploy\ntreeherder:\n  project: fns\naws:\n  secret: repo:github.com/owner/fns:aws-deploy\nregion: us-east-1\ndefaults:\n  role: ${ROLE}\n`);
  const paths = Array.from({ length: PACKAGES }, (_, i) => `fns/fn-${String(i).padStart(4, '0')}`);
  for (const path of paths) repo.addPackage(path, { lambda: {} });
  repo.git('remote', 'add', 'origin', `${URL_}.git`);
  const first = repo.commit('all packages');
  const changed = paths.filter((_, i) => i % Math.floor(PACKAGES / CHANGED) === 1).slice(0, CHANGED);
  for (const path of changed) repo.write(`${path}/main.js`, `exports.handler = async () => ${JSON.stringify(`${path} v2`)};\n`);
  repo.commit(`change ${CHANGED} packages`);
  return { repo, changed, first };
}

/** Lambda as the previous push left it: every function at its revision, the changed ones one commit behind. */
function seed(server: LambdaServer, plan: Plan, changed: string[], first: string): void {
  server.reset();
  const zip = makeZip([{ name: 'main.js', data: 'exports.handler = async () => "deployed";\n' }]);
  for (const pkg of plan.packages) {
    server.seedFunction({
      FunctionName: pkg.functionName, Role: ROLE, Runtime: pkg.config.runtime, Handler: pkg.config.handler,
      MemorySize: pkg.config.memory, Timeout: pkg.config.timeout,
      Code: { ZipFile: zip }, Description: functionDescription(plan.repository, pkg.path, changed.includes(pkg.path) ? first : pkg.revision!),
    });
  }
  server.calls.length = 0;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export async function run(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { repo, changed, first } = buildRepo();
  const lambda = await startLambdaServer({ latencyMs: LAMBDA_MS, transitionMs: 20 });
  const queue = await startQueueServer();
  const saved = { ...process.env };
  try {
    Object.assign(process.env, lambda.env(), { AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_EC2_METADATA_DISABLED: 'true' });
    const plan = await planPackages({ root: repo.dir, logger: silentLogger });
    seed(lambda, plan, changed, first);
    queue.addClient('admin', 'admin-token', ['*']);
    const decide = async (read: boolean) => {
      const decisionId = await createDecisionTask(queue, ['*']);
      const started = performance.now();
      const { graph, report } = await runDecision({
        root: repo.dir,
        owner: 'bench@example.com',
        env: { TASK_ID: decisionId },
        queue: new taskcluster.Queue({ rootUrl: queue.proxyUrlFor(['*']) }),
        ...(read ? { readLambda: (p, checkout) => readLambdaView(p, checkout, { logger: silentLogger }) } : {}),
      });
      return { ms: performance.now() - started, tasks: report!.created, graph };
    };
    queue.inject.latency(QUEUE_MS);

    console.log(`decision for ${PACKAGES} packages, ${CHANGED} changed; Lambda double ${LAMBDA_MS} ms a call with its quotas, queue double ${QUEUE_MS} ms a call:`);
    const today = await decide(false);
    console.log(`  today (a task per package):   ${today.tasks} tasks created, 0 Lambda calls, ${seconds(today.ms)}`);
    lambda.calls.length = 0;
    const ours = await decide(true);
    const calls = lambda.calls.map((c) => c.operation);
    const count = (op: string) => calls.filter((c) => c === op).length;
    if (ours.tasks !== CHANGED) throw new Error(`expected ${CHANGED} tasks, got ${ours.tasks}: ${ours.graph.packages.filter((p) => p.taskId).map((p) => `${p.packagePath} ${p.why}`).join('; ')}`);
    console.log(`  ours (reads Lambda first):    ${ours.tasks} tasks created, ${calls.length} Lambda calls (${count('ListFunctions')} ListFunctions, ${count('GetFunction')} GetFunction), ${seconds(ours.ms)}`);
    console.log(`  today / ours: ${(today.ms / ours.ms).toFixed(1)}x wall time, ${Math.round(today.tasks / ours.tasks)}x fewer tasks`);

    // The other way to read the state: one GetFunction per package (8 at once, as classify reads).
    const client = createLambdaClient(lambda.clientConfig());
    lambda.calls.length = 0;
    const started = performance.now();
    await mapWithConcurrency(plan.packages, 8, (pkg) => readDeployed(client, pkg.functionName));
    const perPackage = performance.now() - started;
    client.destroy();
    console.log(`  GetFunction per package instead: ${lambda.calls.length} calls, ${seconds(perPackage)} for the read alone (ListFunctions pass: ${count('ListFunctions')} + ${count('GetFunction')} calls)`);

    // A no-op package task: the function already runs its revision.
    const pkg = plan.packages.find((p) => !changed.includes(p.path))!;
    const artifacts = mkdtempSync(join(tmpdir(), 'lambda-sync-bench-'));
    lambda.calls.length = 0;
    const task = await runCli(
      ['deploy', pkg.path, '--repo-url', URL_, '--revision', plan.head, '--package-revision', pkg.revision!, '--function-name', pkg.functionName, '--root-config', '{"region":"us-east-1"}', '--artifacts', artifacts],
      { cwd: tmpdir(), env: { ...lambda.env(), ...gitRedirectEnv(repo.dir, URL_), GIT_TRACE: '' } },
    );
    if (task.code !== 0) throw new Error(task.stderr);
    const result = JSON.parse(readFileSync(join(artifacts, 'result.json'), 'utf8')) as { action: string; cloned: boolean; apiCalls: unknown[] };
    console.log(`  a no-op package task: ${result.action}, ${result.apiCalls.length} Lambda call(s), ${result.cloned ? 'cloned' : 'no clone, 0 git fetches'}`);
  } finally {
    process.env = saved;
    await Promise.all([lambda.close(), queue.close()]);
    repo.cleanup();
  }
}
