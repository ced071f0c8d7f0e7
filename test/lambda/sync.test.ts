// `lambda-sync sync`: every package of a repository, concurrently, under
// Lambda's account-wide rate limit, continuing past failures.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { runCli } from '../support/cli.js';
import type { TestRepo } from '../support/git-repo.js';
import { startLambdaServer, type LambdaServer } from '../support/lambda-server.js';
import { cliEnv, repoWithPackages } from './fixtures.js';

let server: LambdaServer;
before(async () => {
  // Lambda's real quotas: 15 writes and 100 GetFunction per second, account-wide.
  server = await startLambdaServer({ transitionMs: 50, writeRps: 15, getRps: 100 });
});
after(() => server.close());

describe('lambda-sync sync', () => {
  let repo: TestRepo;
  afterEach(() => {
    server.reset();
    repo.cleanup();
  });

  it('deploys 200 packages with --concurrency 32 under the rate limit, none failed; then skips them all', async () => {
    const paths = Array.from({ length: 200 }, (_, i) => `functions/fn-${String(i).padStart(3, '0')}`);
    repo = repoWithPackages(paths);
    const first = await runCli(['sync', '--concurrency', '32'], { cwd: repo.dir, env: cliEnv(server) });
    assert.equal(first.code, 0, first.stderr.slice(-3000));
    assert.equal(server.functions().length, 200);
    const head = repo.head();
    for (const fn of server.functions()) assert.match(String(fn.configuration.Description), new RegExp(`^github\\.com/example/functions/functions/fn-\\d{3}@${head}$`));
    const rows = first.stdout.trim().split('\n');
    assert.equal(rows.length, 201, 'a header and one row per package');
    assert.match(rows[0]!, /^PACKAGE\s+ACTION\s+TIME\s+WARNINGS\s+DETAIL$/);
    assert.ok(rows.slice(1).every((r) => /^functions\/fn-\d{3}\s+created\s+[\d.]+ m?s\s+0\s+it did not exist$/.test(r)), rows.slice(1).find((r) => !r.includes('created')));
    assert.match(first.stderr, /200 functions of 200 packages: 200 created in [\d.]+ s; \d+ Lambda API calls, \d+ of them retried/);
    assert.ok(server.calls.some((c) => c.status === 429), 'the rate limit was reached, and absorbed');

    server.calls.length = 0;
    const second = await runCli(['sync', '--concurrency', '32', '--json'], { cwd: repo.dir, env: cliEnv(server) });
    assert.equal(second.code, 0, second.stderr.slice(-3000));
    const out = JSON.parse(second.stdout) as { packages: Array<{ action: string; functionName: string; codeSha256: string | null; warnings: string[] }> };
    assert.equal(out.packages.length, 200);
    assert.ok(out.packages.every((p) => p.action === 'skipped'));
    const deployed = new Map(server.functions().map((f) => [f.name, f.configuration.CodeSha256]));
    assert.ok(out.packages.every((p) => p.codeSha256 !== null && p.codeSha256 === deployed.get(p.functionName)), 'each package\'s codeSha256 is what Lambda runs');
    assert.ok(out.packages.every((p) => p.warnings.length === 0));
    assert.equal(server.calls.filter((c) => c.status !== 429).length, 200, 'one GetFunction per package');
  });

  it('goes on past a failed package, shows it in the table with Lambda\'s reason, and exits 1', async () => {
    repo = repoWithPackages(['a', 'b', 'c', 'd']);
    const plan = await runCli(['plan', '--json'], { cwd: repo.dir, env: cliEnv(server) });
    const names = (JSON.parse(plan.stdout) as { packages: Array<{ path: string; functionName: string }> }).packages;
    const b = names.find((p) => p.path === 'b')!.functionName;
    server.inject.failNextCreate('The role defined for the function cannot be assumed by Lambda.', { functionName: b, reasonCode: 'InsufficientRolePermissions' });
    const result = await runCli(['sync', '--concurrency', '1'], { cwd: repo.dir, env: cliEnv(server) });
    assert.equal(result.code, 1);
    const rows = result.stdout.trim().split('\n').slice(1).map((r) => r.split(/\s{2,}/));
    assert.deepEqual(rows.map((r) => [r[0], r[1]]), [['a', 'created'], ['b', 'failed'], ['c', 'created'], ['d', 'created']]);
    assert.match(rows[1]![4]!, /creation ended Failed: The role defined for the function cannot be assumed by Lambda\. \(InsufficientRolePermissions\)/);
    assert.match(result.stderr, /error: 1 of 4 functions failed: b$/m);
  });

  it('shows each package\'s warnings in its lines and counts them in the table', async () => {
    repo = repoWithPackages(['plain', 'warned']);
    // A CommonJS handler whose export is made at run time: the check cannot see it, so it warns.
    repo.write('warned/main.js', 'module.exports = makeHandlers();\nfunction makeHandlers() { return { handler: async () => 1 }; }\n').commit('warned');
    const result = await runCli(['sync', '--concurrency', '1'], { cwd: repo.dir, env: cliEnv(server) });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /^\[2\/2\] warned: created \([\d.]+ m?s, 1 warning\)\nwarning: warned: handler main\.handler: main\.js shows no export named handler/m);
    assert.match(result.stderr, /^\[1\/2\] plain: created \([\d.]+ m?s\)$/m);
    assert.match(result.stderr, /2 functions of 2 packages: 2 created; 1 warning in/);
    const rows = result.stdout.trim().split('\n').slice(1).map((r) => r.split(/\s{2,}/));
    assert.deepEqual(rows.map((r) => [r[0], r[1], r[3]]), [['plain', 'created', '0'], ['warned', 'created', '1']]);
  });
});
