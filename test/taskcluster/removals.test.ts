// The decision's removal tasks, through the readLambda seam: one `remove
// <path>` task per orphan with pruning on and within the safety valve, none
// otherwise (with a note), every definition against the vendored schemas,
// plan.json / summary / check run, and a retrigger of a removal label.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import taskcluster from 'taskcluster-client';
import { checkRunText, planJson, summaryText } from '../../src/taskcluster/artifacts.js';
import { runDecision, type DecisionOptions } from '../../src/taskcluster/decision.js';
import type { GraphTask, TaskGraph } from '../../src/taskcluster/graph.js';
import { validateCreateTaskRequest, validateDockerWorkerPayload, validateTreeherderConfig, type DockerWorkerPayload } from '../../src/taskcluster/schemas.js';
import { deriveTaskId } from '../../src/taskcluster/task-ids.js';
import { validateTaskGraph } from '../../src/taskcluster/validate-graph.js';
import type { LambdaView, OrphanView } from '../../src/taskcluster/verdicts.js';
import type { TestRepo } from '../support/git-repo.js';
import { examplesLikeRepo, OWNER, REPO_URL, ROOT_CONFIG, SECRET } from './fixtures.js';

const DECISION_ID = taskcluster.slugid();
const NOW = new Date('2030-01-02T03:04:05.678Z');
const OLD = 'a'.repeat(40);
const ORPHAN: OrphanView = { path: 'fns/old-thing', functionName: 'old-thing-0123456789abcdef', deployedRevision: OLD, detail: 'HEAD has no fns/old-thing' };
const PRUNE_CONFIG = `${ROOT_CONFIG}prune: true\n`;

/** What Lambda runs: every package in sync (no deploy task), plus `orphans`. */
function view(orphans: OrphanView[], valve?: string): LambdaView {
  return {
    packages: new Map(['fns/do-things', 'fns/resize-images', 'fns/say-hello'].map((p) => [p, { state: 'in-sync' as const, detail: 'Lambda runs this revision' }])),
    orphans,
    ...(valve ? { valve } : {}),
  };
}

const submitNothing = { env: { TASK_ID: DECISION_ID }, now: NOW, owner: OWNER, queue: { createTask: async () => ({}) } as never };

async function decide(repo: TestRepo, lambda: LambdaView | Error, extra: Partial<DecisionOptions> = {}): Promise<TaskGraph> {
  const readLambda = async () => {
    if (lambda instanceof Error) throw lambda;
    return lambda;
  };
  return (await runDecision({ root: repo.dir, ...submitNothing, readLambda, ...extra })).graph;
}

function assertValid(tasks: readonly GraphTask[]): void {
  for (const { label, definition } of tasks) {
    for (const check of [validateCreateTaskRequest(definition), validateDockerWorkerPayload(definition.payload), validateTreeherderConfig(definition.extra?.treeherder)]) {
      assert.ok(check.ok, `${label}: ${JSON.stringify(check)}`);
    }
  }
}

describe('decision with pruning on: one remove task per orphan', () => {
  let repo: TestRepo;
  let graph: TaskGraph;
  before(async () => {
    repo = examplesLikeRepo(PRUNE_CONFIG);
    // One package with work, so that the removal waits for its deploy.
    const lambda = view([ORPHAN]);
    (lambda.packages as Map<string, { state: 'behind'; detail: string }>).set('fns/say-hello', { state: 'behind', detail: 'Lambda runs abc, 1 commit behind' });
    graph = await decide(repo, lambda);
  });
  after(() => repo.cleanup());

  it('creates exactly one remove task, besides the deploy, with its own payload, scopes, tags and Treeherder group', () => {
    assert.deepEqual(graph.tasks.map((t) => t.label), ['deploy fns/say-hello', 'remove fns/old-thing']);
    const deploy = graph.tasks[0]!;
    const remove = graph.tasks[1]!;
    assert.equal(remove.taskId, deriveTaskId(DECISION_ID, 'remove fns/old-thing'));
    const { definition } = remove;
    assert.deepEqual(definition.dependencies, [DECISION_ID, deploy.taskId], 'it removes only after the push\'s deploys');
    assert.equal(definition.requires, 'all-completed');
    assert.deepEqual(definition.scopes, [`secrets:get:${SECRET}`], 'the deploy tasks\' secret, nothing else');
    assert.deepEqual(definition.payload as DockerWorkerPayload, {
      image: (deploy.definition.payload as DockerWorkerPayload).image,
      command: [
        'remove', 'fns/old-thing', '--function-name', ORPHAN.functionName,
        '--repo-url', `${REPO_URL}.git`, '--revision', repo.head(),
        '--root-config', JSON.stringify({ aws: { secret: SECRET } }),
        '--artifacts', '/home/node/lambda-sync',
      ],
      env: {},
      maxRunTime: 1800,
      artifacts: { 'public/lambda-sync': { type: 'directory', path: '/home/node/lambda-sync' } },
      features: { taskclusterProxy: true },
    });
    assert.deepEqual(definition.tags, { kind: 'lambda-sync-remove', mode: 'deploy', package: 'fns/old-thing', function: ORPHAN.functionName });
    assert.equal(definition.metadata.name, 'remove fns/old-thing');
    assert.equal(definition.metadata.source, `${REPO_URL}/tree/${OLD}/fns/old-thing`, 'where its code was last');
    assert.match(definition.metadata.description, /only if it still exists, its Description and lambda-sync:repository tag still name `github\.com\/owner\/fns\/fns\/old-thing`/);
    assert.deepEqual(definition.routes, deploy.definition.routes);
    const th = definition.extra!.treeherder as Record<string, unknown>;
    assert.deepEqual([th.groupSymbol, th.groupName, th.symbol], ['rm', 'lambda-sync remove', 'ot']);
  });

  it('passes the queue, docker-worker and Treeherder schemas, and the graph\'s own rules', () => {
    assertValid(graph.tasks);
    assert.deepEqual(validateTaskGraph(graph), []);
  });

  it('shows the removal in plan.json, the summary, the check run and runnable-jobs.json, with verdict remove and why', () => {
    const removal = (planJson(graph).packages as Array<Record<string, unknown>>).find((p) => p.decision === 'remove');
    assert.deepEqual(removal, {
      path: 'fns/old-thing',
      functionName: ORPHAN.functionName,
      revision: null,
      deployedRevision: OLD,
      description: null,
      functions: [{ key: null, functionName: ORPHAN.functionName, description: null, configDigest: null }],
      label: 'remove fns/old-thing',
      symbol: 'ot',
      decision: 'remove',
      why: 'orphan: HEAD has no fns/old-thing; deployed from aaaaaaaaaaaa',
      taskId: graph.tasks[1]!.taskId,
    });
    assert.match(summaryText(graph), /^task group \S+: 2 tasks \(1 removal\)/m);
    assert.match(summaryText(graph), new RegExp(`^remove fns/old-thing\\s+ot\\s+remove\\s+${graph.tasks[1]!.taskId}\\s+orphan: HEAD has no fns/old-thing`, 'm'));
    const md = checkRunText(graph);
    assert.match(md, /^### lambda-sync: 1 of 3 packages gets a task, 1 orphan to remove \(deploy mode\)$/m);
    assert.match(md, new RegExp(`^\\| \`fns/old-thing\` \\| \`${ORPHAN.functionName}\` \\| remove: orphan: HEAD has no fns/old-thing; deployed from aaaaaaaaaaaa \\| \`${graph.tasks[1]!.taskId}\` \\|$`, 'm'));
    assert.deepEqual(graph.runnableJobs['remove fns/old-thing'], { symbol: 'ot', groupSymbol: 'rm', groupName: 'lambda-sync remove', platform: 'lambda' });
    assert.deepEqual(graph.notes, []);
  });

  it('the retrigger action applies to removal tasks too', () => {
    const retrigger = graph.actions.actions.find((a) => a.name === 'retrigger')!;
    const tags = graph.tasks[1]!.definition.tags!;
    assert.ok((retrigger.context as Array<Record<string, string>>).some((set) => Object.entries(set).every(([k, v]) => tags[k] === v)));
  });
});

describe('no remove task', () => {
  let repo: TestRepo;
  before(() => {
    repo = examplesLikeRepo(PRUNE_CONFIG);
  });
  after(() => repo.cleanup());

  it('with pruning off: the orphan is only a note', async () => {
    const off = examplesLikeRepo();
    try {
      const graph = await decide(off, view([ORPHAN]));
      assert.deepEqual(graph.tasks, []);
      assert.deepEqual(graph.removals, []);
      assert.deepEqual(graph.notes, [`1 function of this repository has no package at this revision (orphans, left in Lambda: pruning is off; \`prune: true\` in lambda-sync.yml gives each a remove task): ${ORPHAN.functionName} (fns/old-thing)`]);
      assert.match(summaryText(graph), /^warning: 1 function of this repository has no package/m);
      assert.deepEqual(Object.keys(graph.runnableJobs).filter((l) => l.startsWith('remove')), []);
    } finally {
      off.cleanup();
    }
  });

  it('over the safety valve: none, and the note says why and names the setting; the decision does not fail', async () => {
    const orphans = Array.from({ length: 6 }, (_, i) => ({ ...ORPHAN, path: `fns/gone-${i}`, functionName: `gone-${i}` }));
    const valve = 'refusing to delete 6 functions: that is more than 5 (pruneMaxDeletes); nothing was deleted (fns/gone-0, fns/gone-1, fns/gone-2, fns/gone-3, fns/gone-4, ...)';
    const graph = await decide(repo, view(orphans, valve));
    assert.deepEqual(graph.tasks, []);
    assert.equal(graph.notes.length, 1);
    assert.ok(graph.notes[0]!.startsWith(`pruning: no remove task: ${valve}.`), graph.notes[0]);
    assert.match(graph.notes[0]!, /raise pruneMaxDeletes in lambda-sync\.yml/);
    assert.match(checkRunText(graph), /> \*\*Warning:\*\* pruning: no remove task: refusing to delete 6 functions/);
  });

  it('when Lambda could not be read', async () => {
    const graph = await decide(repo, new Error('could not list the account\'s functions (page 1): AccessDeniedException 403'));
    assert.deepEqual(graph.removals, []);
    assert.ok(graph.tasks.every((t) => t.label.startsWith('deploy ')));
    assert.match(graph.notes[0]!, /Lambda could not be read .*, so every package gets a task and no orphan is removed$/);
  });

  it('in a dry run, which does not read Lambda', async () => {
    const graph = await decide(repo, view([ORPHAN]), { dryRun: true, queue: undefined });
    assert.deepEqual(graph.removals, []);
    assert.deepEqual(graph.notes, ['a dry run does not read Lambda, so it shows no orphan and no remove task']);
  });
});

describe('removal tasks in other shapes', () => {
  let repo: TestRepo;
  before(() => {
    repo = examplesLikeRepo(PRUNE_CONFIG);
  });
  after(() => repo.cleanup());

  it('--all still reads Lambda for the orphans when pruning is on; one of several functions of a package is `remove <path>#<key>`', async () => {
    const keyed = { ...ORPHAN, path: 'fns/notes', key: 'api', functionName: 'notes-api-0123' };
    // A package's folder name shared by an orphan: their symbols may be equal, in different groups.
    const samePlace = { ...ORPHAN, path: 'old/say-hello', functionName: 'say-hello-old' };
    const graph = await decide(repo, view([keyed, samePlace]), { all: true });
    assert.deepEqual(graph.tasks.map((t) => t.label), ['deploy fns/do-things', 'deploy fns/resize-images', 'deploy fns/say-hello', 'remove fns/notes#api', 'remove old/say-hello']);
    const [, , hello, notes, old] = graph.tasks;
    assert.deepEqual((notes!.definition.payload as DockerWorkerPayload).command!.slice(0, 6), ['remove', 'fns/notes', '--function-name', 'notes-api-0123', '--function-key', 'api']);
    assert.equal(notes!.symbol, 'api');
    assert.equal(old!.symbol, hello!.symbol);
    assertValid(graph.tasks);
    assert.deepEqual(validateTaskGraph(graph), []);
  });

  it('a retrigger of `remove <path>` regenerates it from a fresh read while it is still an orphan, and skips it, without failing, once it is gone', async () => {
    const { graph: decision } = await runDecision({ root: repo.dir, ...submitNothing, readLambda: async () => view([ORPHAN]) });
    const original = decision.tasks.find((t) => t.label === 'remove fns/old-thing')!;
    const actionId = taskcluster.slugid();
    const retrigger = { requests: [{ tasks: ['remove fns/old-thing'], times: 1 }], force: false };
    let reads = 0;
    const again = await runDecision({
      root: repo.dir, ...submitNothing, env: { TASK_ID: actionId }, taskGroupId: DECISION_ID, retrigger,
      readLambda: async () => (reads++, view([ORPHAN])),
    });
    assert.equal(reads, 1);
    assert.deepEqual(again.graph.tasks.map((t) => [t.label, t.taskId]), [['remove fns/old-thing', deriveTaskId(actionId, 'remove fns/old-thing')]]);
    const copy = again.graph.tasks[0]!.definition;
    assert.deepEqual(copy.payload, original.definition.payload, 'the same removal');
    assert.deepEqual(copy.dependencies, [actionId], 'waiting only for the action');
    assert.deepEqual(copy.extra, original.definition.extra, 'the same symbol');

    const gone = await runDecision({ root: repo.dir, ...submitNothing, env: { TASK_ID: taskcluster.slugid() }, taskGroupId: DECISION_ID, retrigger, readLambda: async () => view([]) });
    assert.deepEqual(gone.graph.tasks, []);
    assert.deepEqual(gone.graph.skipped.map((s) => s.path), ['fns/old-thing']);
    assert.match(gone.graph.skipped[0]!.reason, /already removed, its package is back/);

    // Lambda unreadable: the retrigger creates no removal, and says that, not "every package gets a task".
    const unread = await runDecision({ root: repo.dir, ...submitNothing, env: { TASK_ID: taskcluster.slugid() }, taskGroupId: DECISION_ID, retrigger, readLambda: async () => { throw new Error('AccessDeniedException 403'); } });
    assert.deepEqual([unread.graph.tasks, unread.graph.notes], [[], ['Lambda could not be read (AccessDeniedException 403), so no remove task is created']]);

    // A deploy label this graph does not have is still an error, and a deploy retrigger does not read Lambda.
    reads = 0;
    const deployOnly = { requests: [{ tasks: ['deploy fns/say-hello'], times: 1 }], force: false };
    const deploy = await runDecision({ root: repo.dir, ...submitNothing, env: { TASK_ID: taskcluster.slugid() }, retrigger: deployOnly, readLambda: async () => (reads++, view([ORPHAN])) });
    assert.deepEqual(deploy.graph.tasks.map((t) => t.label), ['deploy fns/say-hello']);
    assert.equal(reads, 0);
    await assert.rejects(
      runDecision({ root: repo.dir, ...submitNothing, retrigger: { requests: [{ tasks: ['deploy fns/nope'], times: 1 }], force: false } }),
      /--retrigger names a task this graph does not have: "deploy fns\/nope"/,
    );
  });
});
