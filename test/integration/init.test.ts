import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { TestRepo } from '../support/git-repo.js';
import { runCli } from '../support/cli.js';
import { validateTaskclusterYml } from '../../src/taskcluster/schemas.js';

test('init writes a valid .taskcluster.yml and a starter lambda-sync.yml; a rerun changes nothing, a different .taskcluster.yml needs --force', async (t) => {
  const repo = new TestRepo();
  t.after(() => repo.cleanup());
  repo.addPackage('fn', { lambda: {} }).commit();
  repo.git('remote', 'add', 'origin', 'git@github.com:Owner/Functions.git');

  const first = await runCli(['init', '--task-queue-id', 'proj-fns/deploy', '--branch', 'production'], { cwd: repo.dir });
  assert.equal(first.code, 0, first.stderr);
  const yml = readFileSync(join(repo.dir, '.taskcluster.yml'), 'utf8');
  const valid = validateTaskclusterYml(load(yml));
  assert.ok(valid.ok, valid.ok ? '' : valid.errors.join('; '));
  assert.match(yml, /deployBranch: "production"/);
  assert.match(yml, /taskQueueId: "proj-fns\/deploy"/);

  const config = readFileSync(join(repo.dir, 'lambda-sync.yml'), 'utf8');
  assert.match(config, /secret: repo:github.com\/owner\/functions:aws-deploy/);
  assert.match(config, /project: functions/);
  repo.commit('add lambda-sync files');
  const plan = await runCli(['plan', '--json'], { cwd: repo.dir });
  assert.equal(plan.code, 0, `the starter config loads: ${plan.stderr}`);

  const again = await runCli(['init', '--task-queue-id', 'proj-fns/deploy', '--branch', 'production'], { cwd: repo.dir });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /\.taskcluster\.yml is already what init writes/);
  assert.match(again.stderr, /left unchanged .*lambda-sync\.yml: kept taskcluster\.taskQueueId \(proj-fns\/deploy\)/);
  assert.equal(readFileSync(join(repo.dir, 'lambda-sync.yml'), 'utf8'), config, 'a second run changes nothing');

  const other = await runCli(['init', '--task-queue-id', 'proj-fns/other'], { cwd: repo.dir });
  assert.equal(other.code, 2, 'a .taskcluster.yml that would change is not replaced without --force');
  assert.match(other.stderr, /\.taskcluster\.yml already exists and differs.*\n.*--force/);
  assert.equal(readFileSync(join(repo.dir, '.taskcluster.yml'), 'utf8'), yml, 'nothing was overwritten');
  assert.equal(readFileSync(join(repo.dir, 'lambda-sync.yml'), 'utf8'), config, 'nothing was half-written');

  const forced = await runCli(['init', '--task-queue-id', 'proj-fns/other', '--force'], { cwd: repo.dir });
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(readFileSync(join(repo.dir, '.taskcluster.yml'), 'utf8'), /deployBranch: "\$\{event.repository.default_branch\}"/);
  assert.match(readFileSync(join(repo.dir, 'lambda-sync.yml'), 'utf8'), /taskQueueId: proj-fns\/other/);
});

const COMMENTED_CONFIG = `# Our functions: one role for all of them.
packages:
  - functions/*   # every folder under functions/

# Shared by every package.
defaults:
  role: arn:aws:iam::123456789012:role/fns # the execution role
  memory: 256

treeherder:
  # our own Treeherder project
  project: our-project
`;

test('init on a repository with a commented lambda-sync.yml adds the missing Taskcluster settings and keeps the rest', async (t) => {
  const cases: Array<{ name: string; before: string; args: string[]; added: string[]; kept: RegExp[]; values: Record<string, string> }> = [
    {
      name: 'packages, defaults and treeherder kept with their comments',
      before: COMMENTED_CONFIG,
      args: [],
      added: ['taskcluster.taskQueueId', 'taskcluster.image', 'aws.secret'],
      kept: [/^# Our functions: one role for all of them\.$/m, /^ {2}- functions\/\* +# every folder under functions\/$/m, /^# Shared by every package\.$/m,
        /^ {2}role: arn:aws:iam::123456789012:role\/fns # the execution role$/m, /^ {2}# our own Treeherder project$/m],
      values: { 'treeherder.project': 'our-project', 'taskcluster.taskQueueId': 'proj-fns/deploy', 'aws.secret': 'repo:github.com/owner/functions:aws-deploy' },
    },
    {
      name: 'a section with nothing under it, and one set already',
      before: '# deploys go to the fns pool\ntaskcluster:\n  taskQueueId: proj-fns/deploy-tasks # deploy tasks\naws: # keys come later\n',
      args: ['--treeherder-project', 'fns'],
      added: ['taskcluster.image', 'treeherder.project', 'aws.secret'],
      kept: [/^# deploys go to the fns pool$/m, /taskQueueId: proj-fns\/deploy-tasks # deploy tasks$/m, /^aws: # keys come later$/m],
      values: { 'taskcluster.taskQueueId': 'proj-fns/deploy-tasks', 'treeherder.project': 'fns' },
    },
    {
      name: 'an empty file',
      before: '',
      args: [],
      added: ['taskcluster.taskQueueId', 'taskcluster.image', 'treeherder.project', 'aws.secret'],
      kept: [],
      values: { 'treeherder.project': 'functions' },
    },
  ];
  for (const c of cases) {
    await t.test(c.name, async () => {
      const repo = new TestRepo();
      try {
        repo.addPackage('functions/fn', { lambda: {} }).write('lambda-sync.yml', c.before).commit();
        repo.git('remote', 'add', 'origin', 'git@github.com:Owner/Functions.git');
        const result = await runCli(['init', '--task-queue-id', 'proj-fns/deploy', ...c.args], { cwd: repo.dir });
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stderr, new RegExp(`updated .*lambda-sync\\.yml: added ${c.added.join(', ').replace(/\./g, '\\.')}`));
        const after = readFileSync(join(repo.dir, 'lambda-sync.yml'), 'utf8');
        for (const line of c.kept) assert.match(after, line);
        const value = load(after) as Record<string, Record<string, unknown>>;
        const before = (c.before ? load(c.before) : {}) as Record<string, Record<string, unknown> | null>;
        for (const [key, section] of Object.entries(before)) {
          if (section && typeof section === 'object') for (const [k, v] of Object.entries(section)) assert.deepEqual(value[key]![k], v, `${key}.${k} kept`);
        }
        for (const [path, expected] of Object.entries(c.values)) {
          const [section, key] = path.split('.');
          assert.equal(value[section!]![key!], expected, path);
        }
        assert.ok(existsSync(join(repo.dir, '.taskcluster.yml')), '.taskcluster.yml is written too');
        const yml = readFileSync(join(repo.dir, '.taskcluster.yml'), 'utf8');
        assert.match(yml, new RegExp(`tc-treeherder\\.v2\\.${value.treeherder!.project}\\.`), 'the decision routes to the project the config keeps');
        repo.commit('init');
        const plan = await runCli(['plan', '--json'], { cwd: repo.dir });
        assert.equal(plan.code, 0, `what init wrote loads: ${plan.stderr}`);
      } finally {
        repo.cleanup();
      }
    });
  }
});

test('init refuses a lambda-sync.yml it cannot keep whole, and writes nothing', async (t) => {
  const cases: Array<[before: string, message: RegExp]> = [
    ['packages: [\n', /lambda-sync\.yml: is not valid YAML/],
    ['- functions/*\n', /lambda-sync\.yml: must hold a mapping of settings/],
    ['taskcluster: pool-a\n', /lambda-sync\.yml: taskcluster: must be a mapping of settings, got "pool-a"/],
    ['defaults:\n  memorySize: 256\n', /lambda-sync\.yml: defaults\.memorySize: unknown key; did you mean memory\?/],
  ];
  for (const [before, message] of cases) {
    const repo = new TestRepo();
    t.after(() => repo.cleanup());
    repo.addPackage('fn', { lambda: {} }).write('lambda-sync.yml', before).commit();
    const result = await runCli(['init', '--task-queue-id', 'proj-fns/deploy', '--repo-url', 'https://github.com/o/r'], { cwd: repo.dir });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, message);
    assert.equal(readFileSync(join(repo.dir, 'lambda-sync.yml'), 'utf8'), before);
    assert.ok(!existsSync(join(repo.dir, '.taskcluster.yml')), 'no .taskcluster.yml either');
  }
});

test('init writes a Treeherder project the route can carry, for a repository name with dots', async (t) => {
  const repo = new TestRepo();
  t.after(() => repo.cleanup());
  repo.addPackage('fn', { lambda: {} }).commit();
  const result = await runCli(['init', '--task-queue-id', 'proj-fns/deploy', '--repo-url', 'https://github.com/o/my.functions'], { cwd: repo.dir });
  assert.equal(result.code, 0, result.stderr);
  assert.match(readFileSync(join(repo.dir, 'lambda-sync.yml'), 'utf8'), /project: my-functions\n/);
  assert.match(readFileSync(join(repo.dir, '.taskcluster.yml'), 'utf8'), /tc-treeherder\.v2\.my-functions\./);
});

test('init refuses a malformed task queue id and a missing one', async (t) => {
  const repo = new TestRepo();
  t.after(() => repo.cleanup());
  repo.addPackage('fn', { lambda: {} }).commit();
  for (const id of ['no-slash', 'proj/UpperCase']) {
    const bad = await runCli(['init', '--task-queue-id', id, '--repo-url', 'https://github.com/o/r'], { cwd: repo.dir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, new RegExp(`--task-queue-id "${id}" is not <provisionerId>/<workerType>`));
  }
  const missing = await runCli(['init', '--repo-url', 'https://github.com/o/r'], { cwd: repo.dir });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /required option '--task-queue-id <id>' not specified/);
});
