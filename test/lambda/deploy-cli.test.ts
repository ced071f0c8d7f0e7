// `lambda-sync deploy` and `lambda-sync sync` as a user or a task runs them:
// child processes with the environment pointing the real SDK at the Lambda
// double (AWS_ENDPOINT_URL_LAMBDA), real git repositories and real bundles.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { runCli, type CliResult } from '../support/cli.js';
import type { TestRepo } from '../support/git-repo.js';
import { startLambdaServer, type LambdaServer } from '../support/lambda-server.js';
import { REPO_URL, cliEnv, redirectGitEnv, repoWithPackages } from './fixtures.js';

let server: LambdaServer;
let repo: TestRepo;

before(async () => {
  server = await startLambdaServer({ transitionMs: 20 });
});
after(() => server.close());

const deploy = (args: string[], env: NodeJS.ProcessEnv = {}, cwd = repo.dir): Promise<CliResult> =>
  runCli(['deploy', ...args], { cwd, env: cliEnv(server, env) });

function json(result: CliResult): Record<string, unknown> {
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.trim().split('\n');
  assert.equal(lines.length, 1, `exactly one JSON object on stdout, got: ${result.stdout}`);
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}

describe('lambda-sync deploy', () => {
  beforeEach(() => {
    repo = repoWithPackages(['fn-a', 'fn-b']);
  });
  afterEach(() => {
    server.reset();
    repo.cleanup();
  });

  it('creates, then skips with one GetFunction; --json prints exactly the five fields', async () => {
    const first = json(await deploy(['fn-a', '--json']));
    const functionName = server.functions()[0]!.name;
    const revision = repo.head();
    assert.deepEqual(Object.keys(first).sort(), ['action', 'codeSha256', 'functionName', 'revision', 'version']);
    assert.deepEqual(first, { action: 'created', functionName, revision, codeSha256: server.function(functionName)!.configuration.CodeSha256, version: null });
    assert.equal(server.functions().length, 1, 'only the package named was deployed');

    server.calls.length = 0;
    const second = await deploy(['fn-a', '--json']);
    assert.equal(json(second).action, 'skipped');
    assert.deepEqual(server.calls.map((c) => c.operation), ['GetFunction'], 'exactly one Lambda API call');
    assert.doesNotMatch(second.stderr, /zip|stage/, 'nothing was bundled');
  });

  it('prints one line per step with its duration on stderr, and nothing on stdout without --json', async () => {
    const result = await deploy(['fn-a']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^GetFunction \S+: ResourceNotFoundException 404 \(\d+ ms\)$/m);
    assert.match(result.stderr, /^CreateFunction \S+: 201 \(\d+ ms\)$/m);
    assert.match(result.stderr, /^wait until \S+ is Active \([\d.]+ m?s\)$/m);
    assert.match(result.stderr, /^created \S+ \(fn-a@[0-9a-f]{12}\): it did not exist \([\d.]+ m?s\)$/m);
  });

  it('updates after a commit to the package, and --force (or LAMBDA_SYNC_FORCE=1) redeploys the same revision', async () => {
    json(await deploy(['fn-a', '--json']));
    repo.write('fn-a/main.js', 'exports.handler = async () => "v2";\n').commit('v2');
    const updated = json(await deploy(['fn-a', '--json']));
    assert.equal(updated.action, 'updated');
    assert.equal(updated.revision, repo.head());
    assert.equal(json(await deploy(['fn-a', '--json'])).action, 'skipped');
    assert.equal(json(await deploy(['fn-a', '--json', '--force'])).action, 'updated');
    assert.equal(json(await deploy(['fn-a', '--json'], { LAMBDA_SYNC_FORCE: '1' })).action, 'updated');
  });

  it('does not redeploy for commits elsewhere in the repository', async () => {
    json(await deploy(['fn-a', '--json']));
    repo.write('fn-b/main.js', 'exports.handler = async () => "b2";\n').commit('only fn-b');
    assert.equal(json(await deploy(['fn-a', '--json'])).action, 'skipped');
  });

  it('--check bundles and prints the Description and CodeSha256 a deploy would set, with no AWS access at all', async () => {
    // No region, no credentials, no endpoint: any AWS access would fail.
    const env = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_EC2_METADATA_DISABLED: 'true' };
    const checked = await runCli(['deploy', 'fn-a', '--check', '--json'], { cwd: repo.dir, env });
    const out = json(checked);
    assert.equal(out.action, 'checked');
    assert.equal(out.description, `github.com/example/functions/fn-a@${repo.head()}`);
    const text = await runCli(['deploy', 'fn-a', '--check'], { cwd: repo.dir, env });
    assert.equal(text.stdout, `Description: ${out.description as string}\nCodeSha256: ${out.codeSha256 as string}\n`);
    assert.equal(server.calls.length, 0);
    // The CodeSha256 is the one a deploy then sets.
    const deployed = json(await deploy(['fn-a', '--json']));
    assert.equal(deployed.codeSha256, out.codeSha256);
  });

  it('exits 1 with Lambda\'s own reason when the update ends Failed', async () => {
    json(await deploy(['fn-a', '--json']));
    repo.write('fn-a/main.js', 'broken').commit('v2');
    server.inject.failNextUpdate('Lambda was unable to load the handler', { reasonCode: 'InvalidZipFileException' });
    const failed = await deploy(['fn-a', '--json']);
    assert.equal(failed.code, 1, failed.stderr);
    assert.equal(failed.stdout, '');
    assert.match(failed.stderr, /error: \S+: the update ended Failed: Lambda was unable to load the handler \(InvalidZipFileException\)/);
  });

  it('in a task: clones --repo-url at --revision, and an older task skips a newer deploy after fetching its commit', async () => {
    const older = repo.head();
    repo.write('fn-a/main.js', 'exports.handler = async () => "newer";\n').commit('newer');
    const newer = repo.head();
    const env = redirectGitEnv(repo);
    // Run outside any checkout, as a task does.
    const cwd = (await import('node:os')).tmpdir();
    const first = json(await deploy(['fn-a', '--repo-url', REPO_URL, '--revision', newer, '--json'], env, cwd));
    assert.deepEqual([first.action, first.revision], ['created', newer]);
    // The older task's clone at `older` has never seen `newer`: it must fetch it to know it is newer.
    const late = await deploy(['fn-a', '--repo-url', REPO_URL, '--revision', older, '--json'], env, cwd);
    assert.equal(json(late).action, 'skipped-newer');
    assert.match(late.stderr, new RegExp(`runs ${newer}, which is newer than ${older}`));
    assert.equal(server.function(first.functionName as string)!.configuration.Description, `github.com/example/functions/fn-a@${newer}`);
  });
});

describe('a task given its package\'s revision (--package-revision, --function-name)', () => {
  before(() => {
    repo = repoWithPackages(['fn-a']);
  });
  after(() => repo.cleanup());
  afterEach(() => server.reset());

  it('answers from one GetFunction, with no clone, when the function runs it, and records that in result.json', async () => {
    const revision = repo.head();
    const env = redirectGitEnv(repo);
    const cwd = (await import('node:os')).tmpdir();
    const created = json(await deploy(['fn-a', '--repo-url', REPO_URL, '--revision', revision, '--json'], env, cwd));
    const task = ['fn-a', '--repo-url', REPO_URL, '--revision', revision, '--package-revision', revision, '--function-name', created.functionName as string, '--root-config', '{"region":"us-east-1"}'];
    server.calls.length = 0;
    const artifacts = (await import('../support/git-repo.js')).tempDir();
    const again = await deploy([...task, '--json', '--artifacts', artifacts], env, cwd);
    assert.deepEqual(json(again), { ...created, action: 'skipped' });
    assert.deepEqual(server.calls.map((c) => c.operation), ['GetFunction']);
    assert.doesNotMatch(again.stderr, /clone/);
    const result = JSON.parse((await import('node:fs')).readFileSync(`${artifacts}/result.json`, 'utf8')) as Record<string, unknown>;
    assert.deepEqual([result.action, result.cloned, result.revisions, (result.apiCalls as Array<{ operation: string }>).map((c) => c.operation)], ['skipped', false, { head: revision, package: revision }, ['GetFunction']]);

    // Forced (a retrigger with force): the pre-check is left out, the task clones and redeploys.
    server.calls.length = 0;
    const forced = await deploy([...task, '--json'], { ...env, LAMBDA_SYNC_FORCE: '1' }, cwd);
    assert.equal(json(forced).action, 'updated');
    assert.match(forced.stderr, /clone/);
  });

  it('clones and deploys when the function runs another revision', async () => {
    const env = redirectGitEnv(repo);
    const cwd = (await import('node:os')).tmpdir();
    const old = repo.head();
    const first = json(await deploy(['fn-a', '--repo-url', REPO_URL, '--revision', old, '--json'], env, cwd));
    const revision = repo.write('fn-a/main.js', 'exports.handler = async () => 2;\n').commit('v2');
    const out = await deploy(['fn-a', '--repo-url', REPO_URL, '--revision', revision, '--package-revision', revision, '--function-name', first.functionName as string, '--json'], env, cwd);
    assert.deepEqual([json(out).action, json(out).revision], ['updated', revision]);
    assert.match(out.stderr, new RegExp(`is not at fn-a@${revision.slice(0, 12)} \\(it runs ${old.slice(0, 12)}\\): cloning to check and deploy`));
  });
});

describe('bad input exits 2 with a message that says what is wrong', () => {
  before(() => {
    repo = repoWithPackages(['fn-a']);
    repo.write('dirty/package.json', '{"name":"dirty","lambda":{}}').write('dirty/main.js', 'x').commit('dirty');
    repo.write('dirty/main.js', 'uncommitted');
    repo.addPackage('fresh', { lambda: {} });
  });
  after(() => repo.cleanup());
  afterEach(() => assert.equal(server.calls.length, 0, 'bad input never reaches Lambda'));

  const cases: Array<[string, string[], NodeJS.ProcessEnv, RegExp]> = [
    ['no package path', ['deploy'], {}, /missing required argument 'path'/],
    ['an unknown option', ['deploy', 'fn-a', '--frobnicate'], {}, /unknown option '--frobnicate'/],
    ['--revision without --repo-url', ['deploy', 'fn-a', '--revision', 'a'.repeat(40)], {}, /--revision needs --repo-url/],
    ['a --revision that is not a full sha', ['deploy', 'fn-a', '--repo-url', REPO_URL, '--revision', 'main'], {}, /--revision must be a full commit sha/],
    ['a --repo-url with no host/owner/name', ['deploy', 'fn-a', '--repo-url', 'not a url'], {}, /cannot derive a repository id/],
    ['a folder that is not a package', ['deploy', '.'], {}, /\. is not a package folder; packages under it: dirty, fn-a\n/],
    ['a folder that does not exist', ['deploy', 'nope'], {}, /error: nope does not exist/],
    // plan, sync and status name one of a package's functions path#key: people copy it.
    ['a function of a package, as plan names it', ['deploy', 'fn-a#api'], {}, /error: fn-a#api names one function of the package fn-a: deploy works on a whole package, all of its functions\n.*lambda-sync deploy fn-a$/m],
    ['rollback of a function of a package, as plan names it', ['rollback', 'fn-a#api'], {}, /error: fn-a#api names one function of the package fn-a: rollback works on a whole package.*\n.*lambda-sync rollback fn-a$/m],
    ['a package with uncommitted changes', ['deploy', 'dirty'], {}, /dirty has uncommitted changes, left out: dirty\/main\.js;.*\n.*--allow-dirty/],
    ['a package never committed', ['deploy', 'fresh', '--allow-dirty'], {}, /fresh has never been committed/],
    ['no AWS region', ['deploy', 'fn-a'], { AWS_REGION: '' }, /no AWS region is set\n.*region/],
    ['--package-revision without --function-name', ['deploy', 'fn-a', '--package-revision', 'a'.repeat(40)], {}, /--package-revision and --function-name go together/],
    ['a --root-config that is not JSON', ['deploy', 'fn-a', '--package-revision', 'a'.repeat(40), '--function-name', 'f', '--root-config', '{region'], {}, /error: --root-config: is not valid JSON/],
    ['a --root-config the schema refuses', ['deploy', 'fn-a', '--package-revision', 'a'.repeat(40), '--function-name', 'f', '--root-config', '{"aws":{"secrett":"x"}}'], {}, /error: --root-config: aws\.secrett: unknown key/],
    ['sync --concurrency 0', ['sync', '--concurrency', '0'], {}, /--concurrency <n>' argument '0' is invalid/],
    ['sync --concurrency many', ['sync', '--concurrency', 'many'], {}, /argument 'many' is invalid/],
    ['sync --concurrency 1000', ['sync', '--concurrency', '1000'], {}, /from 1 to 256/],
  ];
  for (const [name, args, env, expected] of cases) {
    it(name, async () => {
      const result = await runCli(args, { cwd: repo.dir, env: cliEnv(server, env) });
      assert.equal(result.code, 2, `exit code; stderr: ${result.stderr}`);
      assert.match(result.stderr, expected);
      assert.equal(result.stdout, '');
    });
  }

  it('a package without an execution role: a config error naming the file and field, before anything is written', async () => {
    const noRole = repoWithPackages(['fn-a'], 'region: us-east-1\n');
    try {
      const result = await runCli(['deploy', 'fn-a'], { cwd: noRole.dir, env: cliEnv(server) });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /error: fn-a\/package\.json: role: is required to create the function/);
      assert.deepEqual(server.calls.map((c) => c.operation), ['GetFunction']);
      server.calls.length = 0;
    } finally {
      noRole.cleanup();
    }
  });

  it('a bundle that would not run (handler file missing, an import that resolves nowhere): exit 2, nothing created, in deploy and in sync', async () => {
    const broken = repoWithPackages(['no-main', 'bad-import']);
    try {
      broken.remove('no-main/main.js').write('no-main/index.js', 'exports.handler = async () => 1;\n');
      broken.write('bad-import/main.js', "const AWS = require('aws-sdk');\nexports.handler = async () => new AWS.S3();\n").commit('broken');
      const noMain = await runCli(['deploy', 'no-main'], { cwd: broken.dir, env: cliEnv(server) });
      assert.equal(noMain.code, 2, noMain.stderr);
      assert.match(noMain.stderr, /error: no-main\/package\.json: lambda\.handler: is not set, so it is the default main\.handler, which needs main\.js, main\.mjs or main\.cjs in the bundle of no-main/);
      const badImport = await runCli(['deploy', 'bad-import'], { cwd: broken.dir, env: cliEnv(server) });
      assert.equal(badImport.code, 2, badImport.stderr);
      assert.match(badImport.stderr, /bad-import\/main\.js:1: require\("aws-sdk"\) does not resolve/);
      const sync = await runCli(['sync'], { cwd: broken.dir, env: cliEnv(server) });
      assert.equal(sync.code, 1, sync.stderr);
      assert.match(sync.stdout, /^bad-import +failed .*does not resolve/m);
      assert.match(sync.stdout, /^no-main +failed .*lambda\.handler: is not set/m);
      assert.deepEqual(server.functions(), [], 'nothing created');
      assert.deepEqual([...new Set(server.calls.map((c) => c.operation))], ['GetFunction']);
      server.calls.length = 0;
    } finally {
      broken.cleanup();
    }
  });
});
