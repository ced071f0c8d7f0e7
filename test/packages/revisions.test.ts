import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { TestRepo, GIT_ENV, tempDir } from '../support/git-repo.js';
import { planPackages } from '../../src/packages/plan.js';
import { findRevisions } from '../../src/repo/revisions.js';

const URL = 'https://github.com/owner/functions';

/** What git itself says: the newest first-parent commit touching any of the paths. */
function gitSays(repo: TestRepo, paths: string[]): string {
  return repo.git('log', '-1', '--first-parent', '--format=%H', 'HEAD', '--', ...paths);
}

function threePackages(): TestRepo {
  const repo = new TestRepo();
  repo.addPackage('alpha', { lambda: {} });
  repo.addPackage('beta', { lambdaYml: 'memory: 256\n' });
  repo.addPackage('group/gamma', { lambda: { dependsOn: ['shared'] } });
  repo.write('shared/util.js', 'exports.x = 1;\n');
  repo.write('README.md', 'hello\n');
  repo.commit('initial');
  return repo;
}

test('revisions follow commits to each package\'s code and its dependsOn, as git log says, and never configuration alone', async (t) => {
  const repo = threePackages();
  t.after(() => repo.cleanup());
  const initial = repo.head();

  repo.write('alpha/main.js', 'exports.handler = async () => 2;\n');
  const alphaChange = repo.commit('change alpha');
  repo.write('README.md', 'elsewhere\n');
  repo.commit('change elsewhere');
  repo.write('shared/util.js', 'exports.x = 2;\n');
  const sharedChange = repo.commit('change shared');

  let plan = await planPackages({ root: repo.dir, repoUrl: URL });
  const rev = (path: string): string | undefined => plan.packages.find((p) => p.path === path)?.revision;
  assert.deepEqual(plan.packages.map((p) => p.path), ['alpha', 'beta', 'group/gamma']);
  assert.equal(rev('alpha'), alphaChange);
  assert.equal(rev('beta'), initial);
  assert.equal(rev('group/gamma'), sharedChange);
  for (const pkg of plan.packages) assert.equal(pkg.revision, gitSays(repo, [...pkg.watchedPaths]), pkg.path);

  // Configuration is compared apart (its digest): the root config and a package's lambda.yml are not code.
  const before = plan.packages.map((p) => p.revision);
  repo.write('lambda-sync.yml', 'namePrefix: x-\ntaskcluster:\n  taskQueueId: a/b\n');
  repo.commit('root config');
  repo.write('beta/lambda.yml', 'memory: 512\n');
  const configChange = repo.commit('beta config');
  plan = await planPackages({ root: repo.dir, repoUrl: URL });
  assert.deepEqual(plan.packages.map((p) => p.revision), before);
  assert.equal(plan.head, configChange);
  assert.equal(plan.packages.find((p) => p.path === 'beta')!.config.memory, 512);
  assert.deepEqual(plan.packages.find((p) => p.path === 'beta')!.ignoredPaths, ['beta/lambda.yml']);

  // package.json ships (its dependencies are code), so a change to its "lambda" object moves the revision.
  repo.writeJson('alpha/package.json', { name: 'alpha', version: '1.0.0', private: true, lambda: { memory: 256 } });
  const manifestChange = repo.commit('alpha manifest');
  plan = await planPackages({ root: repo.dir, repoUrl: URL });
  assert.equal(plan.packages.find((p) => p.path === 'alpha')!.revision, manifestChange);
});

test('a package folder whose name is a prefix of another is not confused with it', async (t) => {
  const repo = new TestRepo();
  t.after(() => repo.cleanup());
  repo.addPackage('fn', { lambda: {} });
  repo.addPackage('fn-2', { lambda: {} });
  const first = repo.commit();
  repo.write('fn-2/main.js', '// changed\n');
  const second = repo.commit();
  const plan = await planPackages({ root: repo.dir, repoUrl: URL });
  assert.deepEqual(plan.packages.map((p) => [p.path, p.revision]), [['fn', first], ['fn-2', second]]);
});

test('a rename out of a package counts as a change of the package', async (t) => {
  const repo = new TestRepo();
  t.after(() => repo.cleanup());
  repo.addPackage('a', { lambda: {} });
  repo.addPackage('b', { lambda: {} });
  repo.write('a/lib.js', 'module.exports = "a long enough file so rename detection would pair it";\n');
  repo.commit();
  repo.git('mv', 'a/lib.js', 'b/lib.js');
  const moved = repo.commit('move lib from a to b');
  const plan = await planPackages({ root: repo.dir, repoUrl: URL });
  assert.deepEqual(plan.packages.map((p) => p.revision), [moved, moved]);
});

test('a merged branch gives the merge commit on the first-parent line', async (t) => {
  const repo = threePackages();
  t.after(() => repo.cleanup());
  repo.git('checkout', '--quiet', '-b', 'feature');
  repo.write('beta/main.js', '// feature\n');
  const featureCommit = repo.commit('feature work on beta');
  repo.git('checkout', '--quiet', 'main');
  repo.write('alpha/main.js', '// main\n');
  repo.commit('main work on alpha');
  repo.git('merge', '--quiet', '--no-ff', '-m', 'merge feature', 'feature');
  const merge = repo.head();
  const plan = await planPackages({ root: repo.dir, repoUrl: URL });
  const beta = plan.packages.find((p) => p.path === 'beta')!;
  assert.equal(beta.revision, merge);
  assert.notEqual(beta.revision, featureCommit);
  assert.equal(beta.revision, gitSays(repo, [...beta.watchedPaths]));
});

test('uncommitted changes mark only the affected packages dirty', async (t) => {
  const repo = threePackages();
  t.after(() => repo.cleanup());
  repo.write('alpha/main.js', '// edited, not committed\n');
  repo.write('shared/new-untracked.js', '// new\n');
  repo.write('README.md', 'edit outside packages\n');
  const plan = await planPackages({ root: repo.dir, repoUrl: URL });
  assert.deepEqual(plan.packages.map((p) => [p.path, p.uncommittedFiles.length > 0]), [['alpha', true], ['beta', false], ['group/gamma', true]]);
});

test('ignored files do not make a package dirty; a new uncommitted package has no revision', async (t) => {
  const repo = threePackages();
  t.after(() => repo.cleanup());
  repo.write('.gitignore', 'node_modules/\n').commit('ignore');
  repo.write('alpha/node_modules/x/index.js', '// installed\n');
  repo.addPackage('delta', { lambda: {} });
  const plan = await planPackages({ root: repo.dir, repoUrl: URL, from: 'working-tree' });
  const byPath = new Map(plan.packages.map((p) => [p.path, p]));
  assert.equal(byPath.get('alpha')!.uncommittedFiles.length > 0, false);
  assert.equal(byPath.get('delta')!.uncommittedFiles.length > 0, true);
  assert.equal(byPath.get('delta')!.revision, undefined);
});

test('a shallow clone that does not reach a package\'s last change is reported, never answered wrongly', async (t) => {
  const origin = threePackages();
  t.after(() => origin.cleanup());
  for (let i = 0; i < 3; i++) origin.write(`alpha/f${i}.js`, `${i}\n`).commit(`alpha ${i}`);
  const cloneDir = tempDir();
  t.after(() => execFileSync('rm', ['-rf', cloneDir]));
  execFileSync('git', ['clone', '--quiet', '--depth=2', `file://${origin.dir}`, cloneDir], { env: GIT_ENV });

  await assert.rejects(planPackages({ root: cloneDir, repoUrl: URL }), (error: Error) => {
    assert.match(error.message, /shallow clone/);
    assert.match(error.message, /beta/);
    assert.match(error.message, /group\/gamma/);
    return true;
  });

  // With a deepen step (what deploy does in its own clone) the answer matches the full history.
  let deepened = 0;
  const plan = await planPackages({
    root: cloneDir,
    repoUrl: URL,
    deepen: async () => {
      deepened++;
      execFileSync('git', ['fetch', '--quiet', '--unshallow'], { cwd: cloneDir, env: GIT_ENV });
      return true;
    },
  });
  assert.equal(deepened, 1);
  for (const pkg of plan.packages) assert.equal(pkg.revision, gitSays(origin, [...pkg.watchedPaths]), pkg.path);
});

test('the revision pass is one git log and stops early', async (t) => {
  const repo = new TestRepo();
  t.after(() => repo.cleanup());
  repo.addPackage('old', { lambda: {} });
  const oldRev = repo.commit();
  for (let i = 0; i < 30; i++) repo.write(`new/f${i}`, `${i}`).commit();
  const results = await findRevisions(repo.dir, [{ key: 'old', paths: ['old'] }, { key: 'none', paths: ['missing'] }]);
  assert.deepEqual(results.get('old'), { kind: 'found', revision: oldRev });
  assert.deepEqual(results.get('none'), { kind: 'uncommitted' });
});
