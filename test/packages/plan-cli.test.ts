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
  packages: Array<{ path: string; functionName: string; revision: string | null; description: string | null; handler: string; runtime: string; architecture: string; memory: number; timeout: number; role: string | null; dirty: boolean; functions: Array<{ key: string | null; functionName: string; description: string | null; handler: string; memory: number; configDigest: string }> }>;
}

function repoWithPackages(): TestRepo {
  const repo = new TestRepo();
  repo.addPackage('functions/one', { lambdaYml: 'handler: src/app.main\nmemory: 512\ntimeout: 20\nruntime: nodejs22.x\narchitecture: arm64\n' });
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
    architecture: 'arm64',
    memory: 512,
    timeout: 20,
    role: null,
    dirty: false,
    uncommittedFiles: [],
    unpinned: false,
    functions: undefined,
  });
  assert.deepEqual(one!.functions.map((f) => [f.key, f.functionName, f.description, f.handler, f.memory]), [[null, one!.functionName, one!.description, 'src/app.main', 512]]);
  assert.match(one!.functions[0]!.configDigest, /^[0-9a-f]{64}$/);
  assert.equal(two!.handler, 'main.handler');
  assert.equal(two!.runtime, 'nodejs24.x');
  assert.equal(two!.architecture, 'x86_64', 'the default architecture');
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
  assert.match(lines[0]!, /PATH\s+FUNCTION\s+REVISION\s+RUNTIME\s+ARCH\s+STATE/);
  assert.match(lines[1]!, /^functions\/one\s+one-[0-9a-f]{16}\s+[0-9a-f]{12}\s+nodejs22\.x\s+arm64$/);
  assert.match(lines[2]!, new RegExp(`^functions/two\\s+two-[0-9a-f]{16}\\s+${repo.head().slice(0, 12)}\\s+nodejs24.x\\s+x86_64\\s+dirty$`));
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

test('plan names functions from the config\'s name or a generic folder\'s parent, and warns once per package without a role', async (t) => {
  const repo = new TestRepo();
  t.after(() => repo.cleanup());
  const role = 'arn:aws:iam::123456789012:role/fns';
  repo.addPackage('bedrock/src', { lambda: {} });
  repo.addPackage('notes/lambda', { lambdaYml: `name: notes-api\nrole: ${role}\n` });
  repo.addPackage('plain', { lambda: { name: 'Plain_Name' } });
  repo.commit();
  const result = await runCli(['plan', '--json', '--repo-url', 'https://github.com/o/r'], { cwd: repo.dir });
  assert.equal(result.code, 0, result.stderr);
  const id = 'github.com/o/r' as RepositoryId;
  const byPath = new Map((JSON.parse(result.stdout) as PlanJson).packages.map((p) => [p.path, p]));
  const hash = (path: string): string => functionName(id, path).slice(-16);
  const cases: Array<[path: string, name: string, role: string | null]> = [
    ['bedrock/src', `bedrock-src-${hash('bedrock/src')}`, null],
    ['notes/lambda', `notes-api-${hash('notes/lambda')}`, role],
    ['plain', `Plain_Name-${hash('plain')}`, null],
  ];
  for (const [path, name, expectedRole] of cases) {
    assert.equal(byPath.get(path)?.functionName, name, path);
    assert.equal(byPath.get(path)?.role, expectedRole, path);
  }
  const warnings = result.stderr.split('\n').filter((l) => l.startsWith('warning: '));
  assert.deepEqual(warnings.map((l) => l.split(':')[1]!.trim()), ['bedrock/src', 'plain'], result.stderr);
  for (const line of warnings) {
    assert.match(line, /no execution role; creating its function \S+ will fail .*set defaults.role in lambda-sync.yml \(where most repositories set it/);
  }
  assert.match(warnings[1]!, /role in the package's own config \(plain\/package.json\)/);

  repo.write('lambda-sync.yml', `defaults:\n  role: ${role}\n`).commit('one role for all');
  const withDefault = await runCli(['plan', '--repo-url', 'https://github.com/o/r'], { cwd: repo.dir });
  assert.equal(withDefault.code, 0, withDefault.stderr);
  assert.doesNotMatch(withDefault.stderr, /warning/, 'defaults.role covers every package');
});
