// Code and configuration are compared apart (issue 10 §3): each row of the
// issue's table as a sync of a real repository against the Lambda double,
// counting bundles, npm runs and Lambda API calls.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LambdaClient, UntagResourceCommand, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { TAG_BUNDLE, TAG_CONFIG, TAG_CONFIG_REVISION } from '../../src/lambda/function-config.js';
import { configDigest, settingsOf } from '../../src/packages/function-settings.js';
import { functionDescription } from '../../src/packages/description.js';
import { scratchDir } from '../bundle/scratch.js';
import { runCli } from '../support/cli.js';
import type { TestRepo } from '../support/git-repo.js';
import { startLambdaServer, type LambdaServer } from '../support/lambda-server.js';
import { REPOSITORY, ROLE, cliEnv, packageConfig, repoWithPackages } from './fixtures.js';

/** npm never reaches a network: the one dependency is a folder of the repository. */
const NPM_OFFLINE: NodeJS.ProcessEnv = {
  npm_config_offline: 'true',
  npm_config_registry: 'http://127.0.0.1:9/',
  npm_config_cache: scratchDir('lambda-sync-npm-cache-'),
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
};

let server: LambdaServer;
let repo: TestRepo;
let names: Record<string, string>;

interface SyncCount {
  bundles: number;
  npmRuns: number;
  /** Every Lambda API call but GetFunction (the checks and the waiters' polls). */
  writes: string[];
  getFunctions: number;
  actions: Record<string, string>;
}

async function sync(): Promise<SyncCount> {
  server.calls.length = 0;
  const result = await runCli(['sync', '--verbose', '--json', '--concurrency', '1'], { cwd: repo.dir, env: cliEnv(server, NPM_OFFLINE) });
  assert.equal(result.code, 0, result.stderr);
  const rows = (JSON.parse(result.stdout) as { packages: Array<{ path: string; action: string }> }).packages;
  const ops = server.calls.map((c) => `${c.operation} ${Object.entries(names).find(([, n]) => n === c.functionName)?.[0] ?? ''}`.trim());
  return {
    bundles: result.stderr.split('\n').filter((l) => /^\[[^\]]+\] zip \d+ files/.test(l)).length,
    npmRuns: result.stderr.split('\n').filter((l) => /^\[[^\]]+\] install the dependencies of /.test(l)).length,
    writes: ops.filter((o) => !o.startsWith('GetFunction')).sort(),
    getFunctions: ops.filter((o) => o.startsWith('GetFunction')).length,
    actions: Object.fromEntries(rows.map((r) => [r.path, r.action])),
  };
}

describe('code and configuration are compared apart', () => {
  before(async () => {
    server = await startLambdaServer({ transitionMs: 20 });
    repo = repoWithPackages(['b']);
    repo.writeJson('shared/package.json', { name: 'shared', version: '1.0.0' });
    repo.write('shared/index.js', 'exports.greet = () => "hi";\n');
    repo.writeJson('a/package.json', { name: 'a', version: '1.0.0', private: true, dependencies: { shared: 'file:../shared' } });
    repo.write('a/main.js', 'exports.handler = async () => require("shared").greet();\n');
    repo.write('a/lambda.yml', 'timeout: 5\ndependsOn: [shared]\n');
    repo.commit('a');
    const plan = await runCli(['plan', '--json'], { cwd: repo.dir, env: cliEnv(undefined) });
    names = Object.fromEntries((JSON.parse(plan.stdout) as { packages: Array<{ path: string; functionName: string }> }).packages.map((p) => [p.path, p.functionName]));
    const first = await sync();
    assert.deepEqual(first.actions, { a: 'created', b: 'created' });
    assert.deepEqual([first.bundles, first.npmRuns], [2, 1]);
  });
  after(async () => {
    await server.close();
    repo.cleanup();
  });

  it('taskcluster:, treeherder: and aws.secret, which never reach a function: 0 bundles, 0 code uploads, 0 configuration updates', async () => {
    repo.write('lambda-sync.yml', `defaults:\n  role: ${ROLE}\ntaskcluster:\n  taskQueueId: proj/deploy\ntreeherder:\n  project: fns\naws:\n  secret: aws-keys\n`).commit('taskcluster settings');
    const count = await sync();
    assert.deepEqual(count, { bundles: 0, npmRuns: 0, writes: [], getFunctions: 2, actions: { a: 'skipped', b: 'skipped' } });
  });

  it('defaults.memory in lambda-sync.yml: 0 bundles, 0 code uploads, 1 configuration update per function', async () => {
    repo.write('lambda-sync.yml', `defaults:\n  role: ${ROLE}\n  memory: 512\ntaskcluster:\n  taskQueueId: proj/deploy\n`).commit('more memory');
    const count = await sync();
    assert.deepEqual({ ...count, getFunctions: undefined }, {
      bundles: 0, npmRuns: 0, getFunctions: undefined, actions: { a: 'configured', b: 'configured' },
      writes: ['TagResource a', 'TagResource b', 'UpdateFunctionConfiguration a', 'UpdateFunctionConfiguration b'],
    });
    for (const path of ['a', 'b']) {
      const fn = server.function(names[path]!)!;
      assert.equal(fn.configuration.MemorySize, 512);
      assert.equal(fn.tags[TAG_CONFIG_REVISION], repo.head());
    }
    // The digest stored is the one of the effective settings (src/packages/function-settings.ts).
    assert.equal(server.function(names.b!)!.tags[TAG_CONFIG], configDigest(settingsOf(packageConfig({ memory: 512 }))));
  });

  it('timeout in one package\'s lambda.yml: 0 bundles, 0 code uploads, 1 configuration update', async () => {
    const code = server.function(names.a!)!.configuration.CodeSha256;
    repo.write('a/lambda.yml', 'timeout: 30\ndependsOn: [shared]\n').commit('a: longer timeout');
    const count = await sync();
    assert.deepEqual({ ...count, getFunctions: undefined }, {
      bundles: 0, npmRuns: 0, getFunctions: undefined, actions: { a: 'configured', b: 'skipped' },
      writes: ['TagResource a', 'UpdateFunctionConfiguration a'],
    });
    const fn = server.function(names.a!)!;
    assert.deepEqual([fn.configuration.Timeout, fn.configuration.CodeSha256], [30, code]);
  });

  it('a code file of one package: 1 bundle, 1 code upload, 1 configuration update', async () => {
    repo.write('a/main.js', 'exports.handler = async () => "v2";\n');
    const revision = repo.commit('a: new code');
    const count = await sync();
    assert.deepEqual({ ...count, getFunctions: undefined }, {
      bundles: 1, npmRuns: 1, getFunctions: undefined, actions: { a: 'updated', b: 'skipped' },
      writes: ['TagResource a', 'UpdateFunctionCode a', 'UpdateFunctionConfiguration a'],
    });
    assert.equal(server.function(names.a!)!.configuration.Description, functionDescription(REPOSITORY, 'a', revision));
  });

  it('a function deployed before configuration digests (no tags, a Description naming a later configuration commit): 1 configuration update, no bundle', async () => {
    // What lambda-sync wrote before: the revision moved with lambda-sync.yml, and no digest tags.
    const before = repo.git('log', '-1', '--format=%H', '--', 'b');
    const client = new LambdaClient(server.clientConfig());
    try {
      await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: names.b!, Description: functionDescription(REPOSITORY, 'b', repo.head()) }));
      await client.send(new UntagResourceCommand({ Resource: server.arn(names.b!), TagKeys: [TAG_CONFIG, TAG_CONFIG_REVISION, TAG_BUNDLE] }));
    } finally {
      client.destroy();
    }
    const count = await sync();
    assert.deepEqual({ ...count, getFunctions: undefined }, {
      bundles: 0, npmRuns: 0, getFunctions: undefined, actions: { a: 'skipped', b: 'configured' },
      writes: ['TagResource b', 'UpdateFunctionConfiguration b'],
    });
    const fn = server.function(names.b!)!;
    assert.equal(fn.configuration.Description, functionDescription(REPOSITORY, 'b', before), 'the Description names the code revision again');
    assert.ok(fn.tags[TAG_CONFIG]);
    const again = await sync();
    assert.deepEqual([again.writes, again.actions], [[], { a: 'skipped', b: 'skipped' }]);
  });

  it('a field changed in the console (the digest tag still ours, status says config-drift): 1 configuration update puts it back, no bundle', async () => {
    const client = new LambdaClient(server.clientConfig());
    try {
      await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: names.b!, MemorySize: 1024, Environment: { Variables: { TOKEN: 'console-secret-value' } } }));
    } finally {
      client.destroy();
    }
    await new Promise((resolve) => setTimeout(resolve, 60));
    server.calls.length = 0;
    const result = await runCli(['deploy', 'b'], { cwd: repo.dir, env: cliEnv(server, NPM_OFFLINE) });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /^configured \S+ \(b@[0-9a-f]{12}\): its configuration was changed in Lambda since lambda-sync set it \(memory 1024, not 512; environment\)/m);
    assert.doesNotMatch(result.stderr, /console-secret-value/, 'environment values are never printed');
    assert.deepEqual(server.calls.map((c) => c.operation).filter((op) => op !== 'GetFunction').sort(), ['TagResource', 'UpdateFunctionConfiguration']);
    const fn = server.function(names.b!)!;
    assert.deepEqual([fn.configuration.MemorySize, (fn.configuration.Environment as { Variables?: object } | undefined)?.Variables ?? {}], [512, {}]);
    const again = await sync();
    assert.deepEqual([again.writes, again.actions], [[], { a: 'skipped', b: 'skipped' }]);
  });
});
