// The graph `decision` builds for a repository like examples/functions:
// its shape, every task against the vendored schemas, deploy vs check mode.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import taskcluster from 'taskcluster-client';
import { functionName } from '../../src/packages/function-name.js';
import type { RepositoryId } from '../../src/repo/repository-id.js';
import { runDecision } from '../../src/taskcluster/decision.js';
import type { TaskGraph } from '../../src/taskcluster/graph.js';
import {
  validateActions,
  validateCreateTaskRequest,
  validateDockerWorkerPayload,
  validateTreeherderConfig,
  type DockerWorkerPayload,
} from '../../src/taskcluster/schemas.js';
import { defaultImage } from '../../src/taskcluster/settings.js';
import { deriveTaskId, SLUGID_PATTERN } from '../../src/taskcluster/task-ids.js';
import { validateTaskGraph } from '../../src/taskcluster/validate-graph.js';
import type { TestRepo } from '../support/git-repo.js';
import { examplesLikeRepo, OWNER, REPO_URL, ROOT_CONFIG, SECRET, TASK_QUEUE } from './fixtures.js';

const DECISION_ID = taskcluster.slugid();
const NOW = new Date('2030-01-02T03:04:05.678Z');
const REPOSITORY = 'github.com/owner/fns' as RepositoryId;
const PATHS = ['fns/do-things', 'fns/resize-images', 'fns/say-hello'];

async function graphFor(repo: TestRepo, mode: 'deploy' | 'check' = 'deploy'): Promise<TaskGraph> {
  const { graph, report } = await runDecision({ root: repo.dir, mode, dryRun: true, owner: OWNER, env: { TASK_ID: DECISION_ID }, now: NOW });
  assert.equal(report, undefined, 'a dry run submits nothing');
  return graph;
}

function assertSchemaValid(graph: TaskGraph): void {
  assert.ok(graph.tasks.length > 0);
  for (const { label, definition } of graph.tasks) {
    const request = validateCreateTaskRequest(definition);
    assert.ok(request.ok, `${label}: ${JSON.stringify(request)}`);
    const payload = validateDockerWorkerPayload(definition.payload);
    assert.ok(payload.ok, `${label}: ${JSON.stringify(payload)}`);
    const th = validateTreeherderConfig(definition.extra?.treeherder);
    assert.ok(th.ok, `${label}: ${JSON.stringify(th)}`);
  }
  const actions = validateActions(graph.actions);
  assert.ok(actions.ok, JSON.stringify(actions));
  assert.deepEqual(validateTaskGraph(graph), []);
}

describe('decision graph for an examples-like repository', () => {
  let repo: TestRepo;
  let head: string;
  let graph: TaskGraph;
  before(async () => {
    repo = examplesLikeRepo();
    head = repo.head();
    graph = await graphFor(repo);
  });
  after(() => repo.cleanup());

  it('has one task per package, labelled deploy <path>, with derived taskIds', () => {
    assert.deepEqual(graph.tasks.map((t) => t.label), PATHS.map((p) => `deploy ${p}`));
    assert.equal(graph.taskGroupId, DECISION_ID);
    for (const task of graph.tasks) {
      assert.match(task.taskId, SLUGID_PATTERN);
      assert.equal(task.taskId, deriveTaskId(DECISION_ID, task.label));
    }
    assert.deepEqual(graph.skipped, []);
  });

  it('gives each task the full definition: group, dependency, queue, times, payload, scopes, routes, metadata, tags', () => {
    const created = NOW.toJSON();
    const oneDay = new Date(NOW.getTime() + 24 * 3600_000).toJSON();
    const oneYear = new Date('2031-01-02T03:04:05.678Z').toJSON();
    for (const task of graph.tasks) {
      assert.equal(task.kind, 'package');
      if (task.kind !== 'package') continue;
      const { definition, packagePath, functions, bundleDigest } = task;
      const fn = functionName(REPOSITORY, packagePath);
      assert.deepEqual(functions.map((f) => f.functionName), [fn]);
      assert.deepEqual(
        { ...definition, payload: undefined, metadata: undefined, extra: undefined },
        {
          taskQueueId: TASK_QUEUE,
          schedulerId: 'taskcluster-github',
          projectId: 'none',
          taskGroupId: DECISION_ID,
          dependencies: [DECISION_ID],
          requires: 'all-completed',
          routes: [`tc-treeherder.v2.fns.${head}`],
          priority: 'lowest',
          retries: 5,
          created,
          deadline: oneDay,
          expires: oneYear,
          scopes: [`secrets:get:${SECRET}`],
          payload: undefined,
          metadata: undefined,
          tags: { kind: 'lambda-sync-deploy', mode: 'deploy', package: packagePath, function: fn },
          extra: undefined,
        },
      );
      assert.deepEqual(definition.payload, {
        image: defaultImage(),
        command: [
          'deploy', packagePath, '--repo-url', `${REPO_URL}.git`, '--revision', head,
          // What lets the task answer from one GetFunction, without cloning, when Lambda runs it already.
          '--package-revision', head, '--function-name', fn,
          '--config-digest', functions[0]!.configDigest, '--bundle-digest', bundleDigest,
          '--root-config', JSON.stringify({ aws: { secret: SECRET } }),
          '--artifacts', '/home/node/lambda-sync',
        ],
        env: { LAMBDA_SYNC_FORCE: '0' },
        maxRunTime: 1800,
        features: { taskclusterProxy: true },
        artifacts: { 'public/lambda-sync': { type: 'directory', path: '/home/node/lambda-sync' } },
      });
      assert.equal(definition.metadata.name, `deploy ${packagePath}`);
      assert.equal(definition.metadata.owner, OWNER);
      assert.equal(definition.metadata.source, `${REPO_URL}/tree/${head}/${packagePath}`);
      assert.ok(definition.metadata.description.includes(fn), 'the description names the function');
      assert.ok(definition.metadata.description.includes(`${REPOSITORY}/${packagePath}@${head}`), 'and the Description a deploy sets');
    }
  });

  it('shows every task in Treeherder: one route, short unique symbols in group LS', () => {
    const configs = graph.tasks.map((t) => t.definition.extra!.treeherder as Record<string, unknown>);
    assert.deepEqual(configs.map((c) => c.symbol), ['dt', 'ri', 'sh']);
    for (const c of configs) {
      assert.equal(c.groupSymbol, 'LS');
      assert.deepEqual(c.machine, { platform: 'lambda' });
      assert.equal(c.tier, 1);
      assert.equal(c.jobKind, 'other');
    }
  });

  it('passes the queue, docker-worker, Treeherder and action schemas', () => {
    assertSchemaValid(graph);
  });

  it('lists the scopes the decision needs to create it', () => {
    assert.deepEqual(graph.scopes, [
      `queue:create-task:lowest:${TASK_QUEUE}`,
      'queue:create-task:project:none',
      `queue:route:tc-treeherder.v2.fns.${head}`,
      'queue:scheduler-id:taskcluster-github',
      `secrets:get:${SECRET}`,
    ]);
  });

  it('the same decision task builds byte-identical definitions at the same instant (idempotent createTask)', async () => {
    const again = await graphFor(repo);
    assert.deepEqual(again.tasks, graph.tasks);
  });

  it('validation catches a broken definition (the check can fail)', () => {
    const broken = structuredClone(graph);
    broken.tasks[0]!.definition.priority = 'normal' as never;
    (broken.tasks[1]!.definition.payload as DockerWorkerPayload).maxRunTime = 0;
    broken.tasks[2]!.definition.routes!.push('tc-treeherder.v2.other.abc');
    broken.tasks[2]!.symbol = broken.tasks[0]!.symbol;
    const problems = validateTaskGraph(broken);
    assert.ok(problems.some((p) => p.startsWith('deploy fns/do-things') && p.includes('/priority')), problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith('deploy fns/resize-images') && p.includes('payload /maxRunTime')), problems.join('\n'));
    assert.ok(problems.some((p) => p.includes('2 tc-treeherder routes')), problems.join('\n'));
    assert.ok(problems.some((p) => p.includes('symbol dt is also deploy fns/do-things')), problems.join('\n'));
  });
});

describe('check mode (pull requests)', () => {
  let repo: TestRepo;
  let graph: TaskGraph;
  before(async () => {
    // aws.secret is not needed in check mode; AWS_* env from the config is not passed on.
    repo = examplesLikeRepo(`packages:\n  - fns/*\ntaskcluster:\n  taskQueueId: ${TASK_QUEUE}\n  env:\n    AWS_REGION: us-east-1\n    STAGE: pr\n`);
    graph = await graphFor(repo, 'check');
  });
  after(() => repo.cleanup());

  it('builds the same tasks, which only check', () => {
    assert.deepEqual(graph.tasks.map((t) => t.label), PATHS.map((p) => `deploy ${p}`));
    for (const { definition, packagePath } of graph.tasks) {
      const payload = definition.payload as DockerWorkerPayload;
      assert.deepEqual(payload.command, ['deploy', packagePath, '--repo-url', `${REPO_URL}.git`, '--revision', repo.head(), '--check', '--artifacts', '/home/node/lambda-sync']);
      assert.equal(definition.tags?.mode, 'check');
    }
    assertSchemaValid(graph);
  });

  it('has no secret scope and nothing of AWS: no scopes, no proxy, no AWS_ variable', () => {
    for (const { definition } of graph.tasks) {
      const payload = definition.payload as DockerWorkerPayload;
      assert.deepEqual(definition.scopes, []);
      assert.equal(payload.features, undefined, 'no taskcluster proxy: the task holds no credentials');
      assert.deepEqual(payload.env, { STAGE: 'pr', LAMBDA_SYNC_FORCE: '0' });
      assert.ok(!JSON.stringify(definition).includes('secrets:'), 'no secret anywhere');
      assert.ok(!/AWS_|aws-deploy/.test(JSON.stringify(definition)), 'nothing of AWS anywhere');
    }
    assert.ok(!graph.scopes.some((s) => s.startsWith('secrets:')), 'the PR decision needs no secret scope');
    assert.ok(!JSON.stringify(graph.actions).includes('secrets:'), 'nor do its actions');
  });
});

describe('packages that a task could not see', () => {
  it('reads the head commit, which the tasks clone: a package that is not committed does not exist for it', async (t) => {
    const repo = examplesLikeRepo(ROOT_CONFIG);
    t.after(() => repo.cleanup());
    repo.addPackage('fns/brand-new', { lambda: {} });
    const graph = await graphFor(repo);
    assert.deepEqual(graph.tasks.map((task) => task.packagePath), PATHS);
    assert.deepEqual(graph.skipped, []);
  });
});

describe('opt-in npm cache volume and checks route', () => {
  const config = ROOT_CONFIG.replace(`taskQueueId: ${TASK_QUEUE}\n`, `taskQueueId: ${TASK_QUEUE}\n  npmCache: lambda-sync-npm\n  checks: true\n`);
  let repo: TestRepo;
  before(() => {
    repo = examplesLikeRepo(config);
  });
  after(() => repo.cleanup());

  it('deploy tasks mount the cache at npm\'s cache folder, hold its scope, and carry the checks route', async () => {
    const graph = await graphFor(repo);
    for (const { definition } of graph.tasks) {
      const payload = definition.payload as DockerWorkerPayload;
      assert.deepEqual(payload.cache, { 'lambda-sync-npm': '/home/node/.npm' });
      assert.equal(payload.env!.npm_config_cache, '/home/node/.npm');
      assert.deepEqual(definition.scopes, [`secrets:get:${SECRET}`, 'docker-worker:cache:lambda-sync-npm']);
      assert.deepEqual(definition.routes, [`tc-treeherder.v2.fns.${repo.head()}`, 'checks']);
    }
    assert.ok(graph.scopes.includes('docker-worker:cache:lambda-sync-npm') && graph.scopes.includes('queue:route:checks'), 'the decision must hold them to create the tasks');
    assertSchemaValid(graph);
  });

  it('pull-request tasks get a cache of their own, so they cannot fill the one deploys read', async () => {
    const graph = await graphFor(repo, 'check');
    for (const { definition } of graph.tasks) {
      assert.deepEqual((definition.payload as DockerWorkerPayload).cache, { 'lambda-sync-npm-pr': '/home/node/.npm' });
      assert.deepEqual(definition.scopes, ['docker-worker:cache:lambda-sync-npm-pr']);
    }
    assertSchemaValid(graph);
  });
});

describe('deploy mode with what Lambda runs (the readLambda seam)', () => {
  let repo: TestRepo;
  before(() => {
    repo = examplesLikeRepo();
  });
  after(() => repo.cleanup());
  const submitNothing = { env: { TASK_ID: DECISION_ID }, now: NOW, owner: OWNER, queue: { createTask: async () => ({}) } as never };

  it('gives a task only to packages Lambda does not run at their revision, and lists every package with why', async () => {
    const view = {
      packages: new Map([
        ['fns/do-things', { state: 'in-sync' as const, detail: 'Lambda runs this revision' }],
        ['fns/resize-images', { state: 'failed' as const, detail: 'State Failed: bad zip' }],
        ['fns/say-hello', { state: 'newer-deployed' as const, detail: 'Lambda runs abc, which is newer than HEAD\'s' }],
      ]),
      orphans: [],
    };
    const { graph } = await runDecision({ root: repo.dir, ...submitNothing, readLambda: async () => view });
    assert.deepEqual(graph.tasks.map((t) => t.label), ['deploy fns/resize-images']);
    assert.deepEqual(graph.packages.map((p) => [p.packagePath, p.verdict, p.why, p.taskId === undefined]), [
      ['fns/do-things', 'in-sync', 'Lambda runs this revision', true],
      ['fns/resize-images', 'deploy', 'failed: State Failed: bad zip', false],
      ['fns/say-hello', 'newer-deployed', 'Lambda runs abc, which is newer than HEAD\'s', true],
    ]);
    assert.deepEqual(graph.notes, []);
  });

  it('a configuration changed in Lambda (config-drift): its task checks in full, since the no-clone answer compares only the digest tag', async () => {
    const view = {
      packages: new Map([
        ['fns/do-things', { state: 'config-drift' as const, detail: 'differs in memory' }],
        ['fns/resize-images', { state: 'behind' as const, detail: 'Lambda runs abc, 1 commit behind' }],
        ['fns/say-hello', { state: 'in-sync' as const, detail: 'Lambda runs this revision' }],
      ]),
      orphans: [],
    };
    const { graph } = await runDecision({ root: repo.dir, ...submitNothing, readLambda: async () => view });
    const command = (label: string) => (graph.tasks.find((t) => t.label === label)!.definition.payload as DockerWorkerPayload).command!;
    assert.deepEqual(command('deploy fns/do-things'), ['deploy', 'fns/do-things', '--repo-url', `${REPO_URL}.git`, '--revision', repo.head(), '--artifacts', '/home/node/lambda-sync']);
    assert.ok(command('deploy fns/resize-images').includes('--package-revision'), 'the others keep the no-clone answer');
    for (const { definition } of graph.tasks) assert.ok(validateDockerWorkerPayload(definition.payload).ok);
  });

  it('Lambda unreadable: every package gets a task, with a warning, and the decision does not fail', async () => {
    const { graph } = await runDecision({ root: repo.dir, ...submitNothing, readLambda: async () => { throw new Error('could not list the account\'s functions (page 1): AccessDeniedException 403'); } });
    assert.equal(graph.tasks.length, 3);
    assert.deepEqual(graph.notes, ['Lambda could not be read (could not list the account\'s functions (page 1): AccessDeniedException 403), so every package gets a task']);
  });

  it('--all and a dry run do not read Lambda at all', async () => {
    let reads = 0;
    const readLambda = async () => { reads++; throw new Error('not to be called'); };
    assert.equal((await runDecision({ root: repo.dir, ...submitNothing, all: true, readLambda })).graph.tasks.length, 3);
    const dry = (await runDecision({ root: repo.dir, dryRun: true, env: { TASK_ID: DECISION_ID }, owner: OWNER, readLambda })).graph;
    assert.equal(dry.tasks.length, 3);
    assert.equal(reads, 0);
    // Not "every package gets a task": a push does not, only a dry run that did not look.
    assert.deepEqual([...new Set(dry.packages.map((p) => `${p.verdict}: ${p.why}`))], ['deploy: a dry run does not read Lambda']);
  });
});
