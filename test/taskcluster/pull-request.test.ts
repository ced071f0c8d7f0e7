// A pull request's decision checks only what the pull request changes: the
// files that differ between the merge base of (base, head) and the head,
// as GitHub's "Files changed" shows them. Run as the decision task runs it:
// a fresh clone at the head, the base fetched into it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CreateTaskRequest } from '../../src/taskcluster/schemas.js';
import { validateCreateTaskRequest, validateDockerWorkerPayload, validateTreeherderConfig } from '../../src/taskcluster/schemas.js';
import { runCli, type CliResult } from '../support/cli.js';
import { tempDir, type TestRepo } from '../support/git-repo.js';
import { startQueueServer, type QueueServer } from '../support/queue-server.js';
import { createDecisionTask, examplesLikeRepo, gitRedirectEnv, REPO_URL } from './fixtures.js';

const NO_TASKCLUSTER: NodeJS.ProcessEnv = { TASK_ID: '', TASK_GROUP_ID: '', TASKCLUSTER_PROXY_URL: '', TASKCLUSTER_ROOT_URL: '' };
const ROOT_URL = 'https://tc.example.com';

interface PlanJson {
  packages: Array<{ path: string; label: string; decision: string; why: string; taskId: string | null }>;
}

let server: QueueServer;
let repo: TestRepo;
/** main when the pull request branched off. */
let forkPoint: string;
before(async () => {
  server = await startQueueServer();
  repo = examplesLikeRepo();
  forkPoint = repo.head();
});
after(async () => {
  await server.close();
  repo.cleanup();
});

/** A pull request branch off the fork point with `change` committed, and main moved on with a change of its own to do-things. */
function pullRequest(name: string, change: (r: TestRepo) => void): { head: string; base: string } {
  repo.git('checkout', '--quiet', '-b', name, forkPoint);
  change(repo);
  const head = repo.commit(`${name}: change`);
  repo.git('checkout', '--quiet', 'main');
  repo.write('fns/do-things/main.js', `exports.handler = async () => "main moved on for ${name}";\n`);
  const base = repo.commit(`main moves on after ${name} branched`);
  return { head, base };
}

async function checkDecision(head: string, extra: string[]): Promise<{ result: CliResult; graph: Record<string, CreateTaskRequest>; artifacts: string }> {
  const outside = tempDir();
  const artifacts = join(outside, 'artifacts');
  const decisionId = await createDecisionTask(server);
  const result = await runCli(['decision', '--dry-run', '--mode', 'check', '--repo-url', REPO_URL, '--revision', head, '--artifacts', artifacts, ...extra], {
    cwd: outside,
    env: { ...NO_TASKCLUSTER, ...gitRedirectEnv(repo), TASK_ID: decisionId, TASKCLUSTER_ROOT_URL: ROOT_URL },
  });
  return { result, graph: result.code === 0 ? (JSON.parse(result.stdout) as Record<string, CreateTaskRequest>) : {}, artifacts };
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

describe('a pull request\'s decision', () => {
  it('creates one check task for the one package it touches, not for what main changed since', async () => {
    const { head, base } = pullRequest('pr-one', (r) => r.write('fns/say-hello/main.js', 'exports.handler = async () => "hello v2";\n'));
    const { result, graph, artifacts } = await checkDecision(head, ['--base', base]);
    assert.equal(result.code, 0, result.stderr);
    const tasks = Object.entries(graph);
    assert.deepEqual(tasks.map(([, t]) => t.metadata.name), ['deploy fns/say-hello']);
    for (const [, task] of tasks) {
      assert.ok(validateCreateTaskRequest(task).ok);
      assert.ok(validateDockerWorkerPayload(task.payload).ok);
      assert.ok(validateTreeherderConfig(task.extra?.treeherder).ok);
      assert.ok((task.payload.command as string[]).includes('--check'));
    }
    const plan = readJson<PlanJson>(join(artifacts, 'plan.json'));
    const byPath = Object.fromEntries(plan.packages.map((p) => [p.path, p]));
    assert.equal(byPath['fns/say-hello']!.decision, 'check');
    assert.match(byPath['fns/say-hello']!.why, new RegExp(`changed since the merge base ${forkPoint.slice(0, 12)}: fns/say-hello/main.js`));
    assert.equal(byPath['fns/say-hello']!.taskId, tasks[0]![0]);
    for (const path of ['fns/do-things', 'fns/resize-images']) {
      assert.equal(byPath[path]!.decision, 'in-sync', `${path}: main's later change to do-things does not count`);
      assert.equal(byPath[path]!.taskId, null);
    }
    assert.match(result.stderr, /fns\/do-things: in-sync: unchanged since the merge base/, 'the log lists every package');

    // Every package stays runnable, in the shape Treeherder's "Add new jobs" reads.
    assert.deepEqual(readJson(join(artifacts, 'runnable-jobs.json')), Object.fromEntries(
      ['fns/do-things', 'fns/resize-images', 'fns/say-hello'].map((path) => {
        const symbol = ({ 'fns/do-things': 'dt', 'fns/resize-images': 'ri', 'fns/say-hello': 'sh' } as Record<string, string>)[path];
        return [`deploy ${path}`, { symbol, groupSymbol: 'LS', groupName: 'lambda-sync check', platform: 'lambda' }];
      }),
    ));

    const text = readFileSync(join(artifacts, 'github', 'customCheckRunText.md'), 'utf8');
    assert.match(text, /1 of 3 packages gets a task \(check mode\)/);
    const rows = text.split('\n').filter((line) => line.startsWith('| `'));
    assert.equal(rows.length, 3);
    assert.match(rows.find((r) => r.includes('fns/say-hello'))!, new RegExp(`\\| check: changed since .* \\| \\[${tasks[0]![0]}\\]\\(${ROOT_URL}/tasks/${tasks[0]![0]}\\) \\|$`));
    // A pull request is compared with its merge base, not with Lambda: "no check", never "in sync".
    assert.match(rows.find((r) => r.includes('fns/do-things'))!, /\| no check: unchanged since the merge base \w+ \| - \|$/);
    assert.doesNotMatch(text, /\n\n\n/, 'no run of blank lines');
  });

  it('counts a change to a dependsOn path as the package\'s', async () => {
    const { head, base } = pullRequest('pr-shared', (r) => r.write('fns/shared/greeting/index.js', 'export const greet = () => "hello";\n'));
    const { result, graph } = await checkDecision(head, ['--base', base]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(Object.values(graph).map((t) => t.metadata.name), ['deploy fns/resize-images']);
  });

  it('touching no package creates no task and says so in the summary and the check run', async () => {
    const { head, base } = pullRequest('pr-docs', (r) => r.write('README.md', '# functions\n'));
    const { result, graph, artifacts } = await checkDecision(head, ['--base', base]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(graph, {});
    assert.match(readFileSync(join(artifacts, 'summary.txt'), 'utf8'), /task group \S+: 0 tasks, 3 package\(s\) with nothing to do\nno package needs a task/);
    assert.match(readFileSync(join(artifacts, 'github', 'customCheckRunText.md'), 'utf8'), /No package needs a task/);
  });

  // Configuration is compared by what reaches Lambda, read at both commits, not by files.
  const configCases: Array<[string, (r: TestRepo) => void, Record<string, RegExp | 'in-sync'>]> = [
    [
      'defaults.memory in lambda-sync.yml checks the packages it reaches, naming the field',
      (r) => r.write('lambda-sync.yml', `${readFileSync(join(r.dir, 'lambda-sync.yml'), 'utf8')}defaults:\n  memory: 1024\n`),
      // do-things and resize-images set their own memory: only say-hello takes the default.
      { 'fns/say-hello': /configuration changed \(memory\) since the merge base/, 'fns/do-things': 'in-sync', 'fns/resize-images': 'in-sync' },
    ],
    [
      'taskcluster settings and comments reach no function: no task',
      (r) => r.write('lambda-sync.yml', `# deploys from main\n${readFileSync(join(r.dir, 'lambda-sync.yml'), 'utf8')}`.replace('aws:\n', '  maxRunTime: 900\ntreeherder:\n  project: functions\naws:\n')),
      { 'fns/say-hello': 'in-sync', 'fns/do-things': 'in-sync', 'fns/resize-images': 'in-sync' },
    ],
    [
      'timeout in one package\'s lambda.yml checks that package only',
      (r) => r.write('fns/do-things/lambda.yml', 'memory: 256\ntimeout: 60\n'),
      { 'fns/do-things': /configuration changed \(timeout\)/, 'fns/say-hello': 'in-sync', 'fns/resize-images': 'in-sync' },
    ],
    [
      'a comment in a lambda.yml changes nothing',
      (r) => r.write('fns/do-things/lambda.yml', '# tuned for the nightly batch\nmemory: 256\ntimeout: 30\n'),
      { 'fns/do-things': 'in-sync', 'fns/say-hello': 'in-sync', 'fns/resize-images': 'in-sync' },
    ],
    [
      'include in a lambda.yml changes what ships: a bundle setting',
      (r) => r.write('fns/resize-images/lambda.yml', 'memory: 512\ndependsOn:\n  - fns/shared/greeting\ninclude:\n  - main.js\n'),
      { 'fns/resize-images': /bundle settings .* changed/, 'fns/say-hello': 'in-sync', 'fns/do-things': 'in-sync' },
    ],
  ];
  for (const [name, change, expected] of configCases) {
    it(name, async () => {
      const { head, base } = pullRequest(`pr-config-${configCases.findIndex((c) => c[0] === name)}`, change);
      const { result, graph, artifacts } = await checkDecision(head, ['--base', base]);
      assert.equal(result.code, 0, result.stderr);
      const plan = readJson<PlanJson>(join(artifacts, 'plan.json'));
      for (const [path, want] of Object.entries(expected)) {
        const p = plan.packages.find((x) => x.path === path)!;
        if (want === 'in-sync') assert.equal(p.decision, 'in-sync', `${path}: ${p.why}`);
        else {
          assert.equal(p.decision, 'check', path);
          assert.match(p.why, want);
        }
      }
      const checked = Object.entries(expected).filter(([, want]) => want !== 'in-sync').map(([path]) => `deploy ${path}`);
      assert.deepEqual(Object.values(graph).map((t) => t.metadata.name).sort(), checked.sort());
    });
  }

  it('with --all, checks every package anyway', async () => {
    const { head, base } = pullRequest('pr-all', (r) => r.write('README.md', '# all\n'));
    const { result, graph, artifacts } = await checkDecision(head, ['--base', base, '--all']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(Object.keys(graph).length, 3);
    assert.ok(readJson<PlanJson>(join(artifacts, 'plan.json')).packages.every((p) => p.decision === 'check' && p.why === 'every task requested (--all)'));
  });

  it('a base it cannot find checks every package, with a warning, instead of failing', async () => {
    const { result, graph } = await checkDecision(forkPoint, ['--base', 'f'.repeat(40)]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(Object.keys(graph).length, 3);
    assert.match(result.stderr, /warn.*every package gets a check task/i);
  });

  it('--base in deploy mode is a usage error', async () => {
    const result = await runCli(['decision', '--dry-run', '--base', forkPoint], { cwd: repo.dir, env: NO_TASKCLUSTER });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--base is for --mode check/);
  });
});
