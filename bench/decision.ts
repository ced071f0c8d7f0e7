/**
 * Decision benchmark: a graph of 1,000 packages, built from synthetic Package
 * values (discovery and the revision pass are measured by bench/revisions.ts
 * on a 1,000-package repository), then submitted to the local queue double
 * (test/support/queue-server.ts: real taskcluster-client, Hawk, scopes, schema
 * validation) answering each request after 50 ms:
 *   - graph: build + validate against the vendored schemas, no submission,
 *   - ours: submitTasks with the default bounded concurrency (50),
 *   - serial: one createTask at a time, as taskcluster-github submits.
 * The client and the double share this one process (and its CPU), so ours
 * stays above the 1 s that 1,000 x 50 ms / 50 would take.
 */
import taskcluster from 'taskcluster-client';
import { functionName } from '../src/packages/function-name.js';
import type { RepositoryId } from '../src/repo/repository-id.js';
import { scopesToCreateAll } from '../src/taskcluster/create-scopes.js';
import { buildTaskGraph, type GraphPlan } from '../src/taskcluster/graph.js';
import { resolveDecisionSettings } from '../src/taskcluster/settings.js';
import { DEFAULT_CONCURRENCY, submitTasks } from '../src/taskcluster/submit.js';
import { validateTaskGraph } from '../src/taskcluster/validate-graph.js';
import { startQueueServer, type QueueServer } from '../test/support/queue-server.js';
import { createDecisionTask } from '../test/taskcluster/fixtures.js';

const PACKAGES = Number(process.env.BENCH_DECISION_PACKAGES ?? 1000);
const LATENCY_MS = 50;
const GRAPH_RUNS = 5;
const REPOSITORY = 'github.com/owner/functions' as RepositoryId;
const HEAD = 'a'.repeat(40);

function syntheticPlan(): GraphPlan {
  const packages = Array.from({ length: PACKAGES }, (_, i) => {
    // Repeated folder names, so that the symbol collisions are exercised too.
    const path = `functions/group-${i % 40}/${['resize-images', 'do-things', 'api', 'worker'][i % 4]}-${Math.floor(i / 40)}`;
    return { path, functions: [{ key: undefined, functionName: functionName(REPOSITORY, path), configDigest: 'c'.repeat(64) }], revision: HEAD, bundleDigest: 'b'.repeat(64) };
  });
  return { repository: REPOSITORY, head: HEAD, packages };
}

const settings = resolveDecisionSettings(
  { taskcluster: { taskQueueId: 'proj-lambda/deploy' }, aws: { secret: 'repo:github.com/owner/functions:aws' } },
  'deploy',
  REPOSITORY,
);

function buildGraph(decisionId: string) {
  return buildTaskGraph(syntheticPlan(), settings, {
    creatorTaskId: decisionId,
    taskGroupId: decisionId,
    owner: 'bench@example.com',
    repoUrl: `https://${REPOSITORY}`,
    now: new Date(),
    decisionArgs: ['decision', '--repo-url', `https://${REPOSITORY}`, '--revision', HEAD],
  });
}

async function submitOnce(server: QueueServer, concurrency: number): Promise<number> {
  const decisionId = await createDecisionTask(server);
  const graph = buildGraph(decisionId);
  const queue = new taskcluster.Queue({ rootUrl: server.proxyUrlFor(scopesToCreateAll(graph.tasks.map((t) => t.definition))) });
  const started = performance.now();
  const report = await submitTasks(queue, graph.tasks, { concurrency });
  const ms = performance.now() - started;
  if (report.created !== graph.tasks.length) throw new Error(`only ${report.created} of ${graph.tasks.length} created: ${report.failed[0]?.reason}`);
  return ms;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export async function run(): Promise<void> {
  const graphMs: number[] = [];
  for (let i = 0; i < GRAPH_RUNS; i++) {
    const started = performance.now();
    const graph = buildGraph(taskcluster.slugid());
    const problems = validateTaskGraph(graph);
    graphMs.push(performance.now() - started);
    if (problems.length > 0) throw new Error(problems.slice(0, 5).join('\n'));
  }
  graphMs.sort((a, b) => a - b);
  console.log(`graph of ${PACKAGES} tasks, built and schema-validated, no submission: ${Math.round(graphMs[Math.floor(GRAPH_RUNS / 2)]!)} ms (median of ${GRAPH_RUNS}; first run ${Math.round(Math.max(...graphMs))} ms includes compiling the schemas)`);

  const server = await startQueueServer();
  try {
    server.addClient('admin', 'admin-token', ['*']);
    await submitOnce(server, DEFAULT_CONCURRENCY); // warm-up: JIT, schema compilation
    server.inject.latency(LATENCY_MS);
    const ours = await submitOnce(server, DEFAULT_CONCURRENCY);
    const serial = await submitOnce(server, 1);
    console.log(`submission of ${PACKAGES} tasks, queue answering after ${LATENCY_MS} ms:`);
    console.log(`  ours (at most ${DEFAULT_CONCURRENCY} at once): ${seconds(ours)}  (floor ${seconds((PACKAGES / DEFAULT_CONCURRENCY) * LATENCY_MS)})`);
    console.log(`  serial (one at a time):     ${seconds(serial)}  (floor ${seconds(PACKAGES * LATENCY_MS)})`);
    console.log(`  serial / ours: ${(serial / ours).toFixed(1)}x`);
  } finally {
    await server.close();
  }
}
