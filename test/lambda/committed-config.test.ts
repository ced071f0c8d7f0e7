// What reaches Lambda is what is committed: --allow-dirty deploys the
// committed code and the committed configuration, and names the uncommitted
// files it left out (issue 10 §2).
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { runCli } from '../support/cli.js';
import { startLambdaServer, type LambdaServer } from '../support/lambda-server.js';
import { cliEnv, repoWithPackages } from './fixtures.js';

let server: LambdaServer;
before(async () => {
  server = await startLambdaServer({ transitionMs: 20 });
});
after(() => server.close());

it('--allow-dirty with an uncommitted lambda.yml deploys the committed memory, says what it left out, and a later sync after checkout agrees', async (t) => {
  const repo = repoWithPackages([]);
  t.after(() => repo.cleanup());
  repo.addPackage('fn-a', { lambdaYml: 'memory: 256\n' }).commit('fn-a');
  repo.write('fn-a/lambda.yml', 'memory: 777\n');

  for (const command of [['sync', '--allow-dirty'], ['deploy', 'fn-a', '--allow-dirty']]) {
    const result = await runCli(command, { cwd: repo.dir, env: cliEnv(server) });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /warning: fn-a has uncommitted changes, left out: fn-a\/lambda\.yml; what deploys is revision [0-9a-f]{12}, code and config as committed/);
    const [fn] = server.functions();
    assert.equal(fn!.configuration.MemorySize, 256, `${command[0]}: the committed memory`);
  }
  const refused = await runCli(['sync'], { cwd: repo.dir, env: cliEnv(server) });
  assert.equal(refused.code, 1);
  // Refused as deploy refuses it, naming the files, in the table and with what to do in --json's detail.
  assert.match(refused.stdout, /fn-a\s+failed\s+.*fn-a has uncommitted changes, left out: fn-a\/lambda\.yml;/);
  assert.match(refused.stderr, /^\[1\/1\] fn-a: failed: fn-a has uncommitted changes, left out: fn-a\/lambda\.yml;.* \(\d+ ms\)\n  commit the changes first, or pass --allow-dirty/m);

  repo.git('checkout', '.');
  const clean = await runCli(['sync', '--json'], { cwd: repo.dir, env: cliEnv(server) });
  assert.equal(clean.code, 0, clean.stderr);
  assert.equal((JSON.parse(clean.stdout) as { packages: Array<{ action: string }> }).packages[0]!.action, 'skipped');
  assert.equal(server.functions()[0]!.configuration.MemorySize, 256);
});
