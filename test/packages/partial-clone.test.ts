// A package task's clone: commits and trees of the history, but blobs only
// of its own package and lambda-sync.yml (and its dependsOn once widened):
// never the whole tree of a large monorepo.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cloneAtRevision } from '../../src/repo/clone.js';
import { TestRepo } from '../support/git-repo.js';

/** Blobs of `commit` the clone does not have (`git rev-list --missing=print` marks them `?`), by path. */
function missingPaths(dir: string, commit: string): string[] {
  const tree = execFileSync('git', ['ls-tree', '-r', commit], { cwd: dir, encoding: 'utf8' });
  const pathOf = new Map(tree.split('\n').filter(Boolean).map((line) => [line.split(/\s+/)[2]!, line.slice(line.indexOf('\t') + 1)]));
  const listed = execFileSync('git', ['rev-list', '--objects', '--missing=print', commit], { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_NO_LAZY_FETCH: '1' } });
  return listed.split('\n').filter((l) => l.startsWith('?')).map((l) => pathOf.get(l.slice(1))!).filter(Boolean).sort();
}

test('a sparse clone fetches only its paths\' blobs, widens on demand, and fetches none of the other packages\'', async (t) => {
  const repo = new TestRepo();
  t.after(() => repo.cleanup());
  repo.addPackage('fns/a', { lambdaYml: 'dependsOn:\n  - shared/lib\n' });
  repo.addPackage('fns/b', { lambda: {} });
  repo.write('shared/lib/index.js', 'exports.x = 1;\n');
  repo.write('lambda-sync.yml', 'packages:\n  - fns/*\n');
  const head = repo.commit('packages');
  // What GitHub allows; a local repository must be told.
  repo.git('config', 'uploadpack.allowFilter', 'true');

  const checkout = await cloneAtRevision(repo.dir, head, { sparse: ['lambda-sync.yml', 'fns/a'] });
  t.after(() => rmSync(checkout.dir, { recursive: true, force: true }));
  assert.ok(existsSync(join(checkout.dir, 'fns/a/main.js')) && existsSync(join(checkout.dir, 'lambda-sync.yml')));
  assert.ok(!existsSync(join(checkout.dir, 'fns/b')), 'another package is not checked out');
  assert.deepEqual(missingPaths(checkout.dir, head), ['fns/b/main.js', 'fns/b/package.json', 'shared/lib/index.js'], 'nor are its blobs fetched');

  await checkout.widen(['shared/lib']);
  assert.ok(existsSync(join(checkout.dir, 'shared/lib/index.js')));
  assert.deepEqual(missingPaths(checkout.dir, head), ['fns/b/main.js', 'fns/b/package.json']);
});

test('without sparse, the clone has every file', async (t) => {
  const repo = new TestRepo();
  t.after(() => repo.cleanup());
  repo.addPackage('fns/a').addPackage('fns/b');
  const head = repo.commit('packages');
  repo.git('config', 'uploadpack.allowFilter', 'true');
  const checkout = await cloneAtRevision(repo.dir, head);
  t.after(() => rmSync(checkout.dir, { recursive: true, force: true }));
  assert.deepEqual(missingPaths(checkout.dir, head), []);
  assert.ok(existsSync(join(checkout.dir, 'fns/b/main.js')));
});
