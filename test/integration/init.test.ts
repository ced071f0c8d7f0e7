import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { TestRepo } from '../support/git-repo.js';
import { runCli } from '../support/cli.js';
import { validateTaskclusterYml } from '../../src/taskcluster/schemas.js';

test('init writes a valid .taskcluster.yml and a starter lambda-sync.yml, and does not overwrite them', async (t) => {
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

  const again = await runCli(['init', '--task-queue-id', 'proj-fns/deploy'], { cwd: repo.dir });
  assert.equal(again.code, 2);
  assert.match(again.stderr, /\.taskcluster\.yml and lambda-sync\.yml already exist.*\n.*--force/);
  assert.equal(readFileSync(join(repo.dir, '.taskcluster.yml'), 'utf8'), yml, 'nothing was overwritten');

  const forced = await runCli(['init', '--task-queue-id', 'proj-fns/other', '--force'], { cwd: repo.dir });
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(readFileSync(join(repo.dir, '.taskcluster.yml'), 'utf8'), /deployBranch: "\$\{event.repository.default_branch\}"/);
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
