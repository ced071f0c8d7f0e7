import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { TestRepo } from '../support/git-repo.js';
import { runCli } from '../support/cli.js';
import { functionName } from '../../src/packages/function-name.js';
import type { RepositoryId } from '../../src/repo/repository-id.js';

interface PlanJson {
  repository: string;
  head: string;
  packages: Array<{ path: string; functionName: string; revision: string | null; description: string | null; handler: string; runtime: string; memory: number; timeout: number; dirty: boolean; functions: Array<{ key: string | null; functionName: string; description: string | null; handler: string; memory: number; configDigest: string }> }>;
}

function repoWithPackages(): TestRepo {
  const repo = new TestRepo();
  repo.addPackage('functions/one', { lambdaYml: 'handler: src/app.main\nmemory: 512\ntimeout: 20\nruntime: nodejs22.x\n' });
  repo.addPackage('functions/two', { lambda: { environment: { STAGE: 'prod' } } });
  repo.addPackage('tools/three', { lambda: {} });
  repo.addPackage('not-a-lambda'); // package.json without "lambda": not a package by default
  repo.addPackage('functions/one/node_modules/dep', { lambda: {} });
  repo.addPackage('.hidden/four', { lambda: {} });
  repo.write('lambda-sync.yml', 'defaults:\n  memory: 256\n  timeout: 9\n');
  repo.commit();
  return repo;
}

test('plan --json lists packages with names, full revisions, descriptions and config', async (t) => {
  const repo = repoWithPackages();
  t.after(() => repo.cleanup());
  repo.git('remote', 'add', 'origin', 'git@github.com:Owner/Functions.git');
  const result = await runCli(['plan', '--json'], { cwd: repo.dir });
  assert.equal(result.code, 0, result.stderr);
  const plan = JSON.parse(result.stdout) as PlanJson;
  const head = repo.head();
  assert.equal(plan.repository, 'github.com/owner/functions');
  assert.equal(plan.head, head);
  assert.deepEqual(plan.packages.map((p) => p.path), ['functions/one', 'functions/two', 'tools/three']);
  const [one, two] = plan.packages;
  assert.deepEqual({ ...one, functions: undefined }, {
    path: 'functions/one',
    functionName: functionName('github.com/owner/functions' as RepositoryId, 'functions/one'),
    revision: head,
    description: `github.com/owner/functions/functions/one@${head}`,
    handler: 'src/app.main',
    runtime: 'nodejs22.x',
    memory: 512,
    timeout: 20,
    dirty: false,
    uncommittedFiles: [],
    functions: undefined,
  });
  assert.deepEqual(one!.functions.map((f) => [f.key, f.functionName, f.description, f.handler, f.memory]), [[null, one!.functionName, one!.description, 'src/app.main', 512]]);
  assert.match(one!.functions[0]!.configDigest, /^[0-9a-f]{64}$/);
  assert.equal(two!.handler, 'main.handler');
  assert.equal(two!.runtime, 'nodejs24.x');
  assert.equal(two!.memory, 256, 'root defaults apply');
  assert.equal(two!.timeout, 9);
});

test('--repo-url wins over origin, and credentials in it are never printed', async (t) => {
  const repo = repoWithPackages();
  t.after(() => repo.cleanup());
  repo.git('remote', 'add', 'origin', 'https://github.com/someone/else.git');
  const result = await runCli(['plan', '--json', '--repo-url', 'https://bot:SECRET-TOKEN@github.com/Owner/Functions.git'], { cwd: repo.dir });
  assert.equal(result.code, 0, result.stderr);
  assert.equal((JSON.parse(result.stdout) as PlanJson).repository, 'github.com/owner/functions');
  assert.doesNotMatch(result.stdout + result.stderr, /SECRET-TOKEN/);

  const bad = await runCli(['plan', '--repo-url', 'https://bot:SECRET-TOKEN@github.com/nope'], { cwd: repo.dir });
  assert.equal(bad.code, 2);
  assert.doesNotMatch(bad.stdout + bad.stderr, /SECRET-TOKEN/);
});

test('--root narrows discovery to a folder and keeps paths relative to the git root', async (t) => {
  const repo = repoWithPackages();
  t.after(() => repo.cleanup());
  const result = await runCli(['plan', '--json', '--root', 'functions', '--repo-url', 'https://github.com/o/r'], { cwd: repo.dir });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual((JSON.parse(result.stdout) as PlanJson).packages.map((p) => p.path), ['functions/one', 'functions/two']);

  const fromInside = await runCli(['plan', '--json', '--repo-url', 'https://github.com/o/r'], { cwd: join(repo.dir, 'tools') });
  assert.deepEqual((JSON.parse(fromInside.stdout) as PlanJson).packages.map((p) => p.path), ['tools/three']);
});

test('plan prints one row per package with a short revision and the dirty flag', async (t) => {
  const repo = repoWithPackages();
  t.after(() => repo.cleanup());
  repo.write('functions/two/main.js', '// dirty\n');
  const result = await runCli(['plan', '--repo-url', 'https://github.com/o/r'], { cwd: repo.dir });
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.trim().split('\n');
  assert.equal(lines.length, 4);
  assert.match(lines[0]!, /PATH\s+FUNCTION\s+REVISION\s+RUNTIME/);
  assert.match(lines[2]!, new RegExp(`^functions/two\\s+two-[0-9a-f]{16}\\s+${repo.head().slice(0, 12)}\\s+nodejs24.x\\s+dirty$`));
  assert.match(result.stderr, /discover packages .*3 found \(\d+ ms\)/);
});

test('packages globs in lambda-sync.yml select package folders', async (t) => {
  const repo = repoWithPackages();
  t.after(() => repo.cleanup());
  repo.write('lambda-sync.yml', 'packages:\n  - "functions/*"\n  - not-a-lambda\n').commit();
  const result = await runCli(['plan', '--json', '--repo-url', 'https://github.com/o/r'], { cwd: repo.dir });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual((JSON.parse(result.stdout) as PlanJson).packages.map((p) => p.path), ['functions/one', 'functions/two', 'not-a-lambda']);
});

test('environment errors exit 2 with a message that says what to do', async (t) => {
  const repo = repoWithPackages();
  t.after(() => repo.cleanup());
  const noOrigin = await runCli(['plan'], { cwd: repo.dir });
  assert.equal(noOrigin.code, 2);
  assert.match(noOrigin.stderr, /no "origin" remote.*\n.*--repo-url/);

  repo.git('remote', 'add', 'origin', '/srv/git/functions.git');
  const localOrigin = await runCli(['plan'], { cwd: repo.dir });
  assert.equal(localOrigin.code, 2);
  assert.match(localOrigin.stderr, /local path.*\n.*--repo-url/);

  const notGit = await runCli(['plan', '--root', '/'], { cwd: repo.dir });
  assert.equal(notGit.code, 2);
  assert.match(notGit.stderr, /not inside a git repository/);

  const empty = new TestRepo();
  t.after(() => empty.cleanup());
  const noCommits = await runCli(['plan', '--repo-url', 'https://github.com/o/r'], { cwd: empty.dir });
  assert.equal(noCommits.code, 2);
  assert.match(noCommits.stderr, /no commits yet/);
});
