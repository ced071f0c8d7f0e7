// `lambda-sync rollback` as a user runs it: real bundles deployed to the
// Lambda double, then moved back.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { RollbackJson } from '../../src/commands/rollback.js';
import { runCli, type CliResult } from '../support/cli.js';
import type { TestRepo } from '../support/git-repo.js';
import { startLambdaServer, type LambdaServer } from '../support/lambda-server.js';
import { functionName } from '../../src/packages/function-name.js';
import { cliEnv, REPOSITORY, repoWithPackages } from './fixtures.js';

let server: LambdaServer;
let repo: TestRepo;
before(async () => {
  server = await startLambdaServer({ transitionMs: 20 });
});
after(() => server.close());
afterEach(() => {
  server.reset();
  repo.cleanup();
});

const cli = (args: string[]): Promise<CliResult> => runCli(args, { cwd: repo.dir, env: cliEnv(server) });

function json<T>(result: CliResult): T {
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as T;
}

/** Deploys `fn`, changes its code and deploys again: returns both revisions and CodeSha256s. */
async function twoDeploys(): Promise<{ r1: string; r2: string; sha1: string; sha2: string }> {
  const first = json<{ revision: string; codeSha256: string }>(await cli(['deploy', 'fn', '--json']));
  repo.write('fn/main.js', 'exports.handler = async () => "v2";\n').commit('v2');
  const second = json<{ revision: string; codeSha256: string }>(await cli(['deploy', 'fn', '--json']));
  assert.notEqual(first.codeSha256, second.codeSha256);
  return { r1: first.revision, r2: second.revision, sha1: first.codeSha256, sha2: second.codeSha256 };
}

describe('lambda-sync rollback', () => {
  it('with an alias: moves it to the newest version of the previous revision, nothing bundled; --to moves it anywhere published', async () => {
    repo = repoWithPackages(['fn']);
    repo.writeJson('fn/package.json', { name: 'fn', version: '1.0.0', private: true, lambda: { alias: 'live' } }).commit('alias');
    const { r1, r2 } = await twoDeploys();
    const name = server.functions()[0]!.name;
    server.calls.length = 0;

    const back = json<RollbackJson>(await cli(['rollback', 'fn', '--json']));
    assert.deepEqual({ ...back, codeSha256: undefined }, { action: 'rolled-back', functionName: name, revision: r1, codeSha256: undefined, version: '1', from: r2 });
    assert.equal(server.function(name)!.aliases[0]!.FunctionVersion, '1');
    assert.deepEqual(server.calls.filter((c) => !c.operation.startsWith('Get') && !c.operation.startsWith('List')).map((c) => c.operation), ['UpdateAlias'], 'no code, no configuration: only the alias moves');

    const forward = json<RollbackJson>(await cli(['rollback', 'fn', '--to', r2.slice(0, 10), '--json']));
    assert.equal(forward.version, '2');
    assert.equal(server.function(name)!.aliases[0]!.FunctionVersion, '2');

    const unpublished = await cli(['rollback', 'fn', '--to', repo.git('rev-list', '--max-parents=0', 'HEAD')]);
    assert.equal(unpublished.code, 2);
    assert.match(unpublished.stderr, new RegExp(`error: no published version of ${name} names revision [0-9a-f]{40}\\n  published: 2 \\(${r2.slice(0, 12)}\\), 1 \\(${r1.slice(0, 12)}\\)`));
    assert.equal(server.function(name)!.aliases[0]!.FunctionVersion, '2', 'nothing moved');
  });

  it('without an alias: deploys the package as it was at the previous revision, past the newer-wins guard; the next deploy goes forward again', async () => {
    repo = repoWithPackages(['fn']);
    const { r1, r2, sha1, sha2 } = await twoDeploys();
    const name = server.functions()[0]!.name;
    const back = await cli(['rollback', 'fn', '--json']);
    const out = json<RollbackJson>(back);
    assert.deepEqual(out, { action: 'rolled-back', functionName: name, revision: r1, codeSha256: sha1, version: null, from: r2 });
    assert.match(back.stderr, new RegExp(`rollback of fn to ${r1.slice(0, 12)}: deploying the package as it was there, past the guard`));
    assert.equal(server.function(name)!.configuration.Description, `github.com/example/functions/fn@${r1}`);
    assert.equal(server.function(name)!.configuration.CodeSha256, sha1, 'the same bytes as the first deploy: bundles are reproducible');

    const again = json<{ action: string; codeSha256: string }>(await cli(['deploy', 'fn', '--json']));
    assert.deepEqual([again.action, again.codeSha256], ['updated', sha2]);
  });

  it('bad inputs: exit 2 with a message, nothing changed', async () => {
    repo = repoWithPackages(['fn']);
    const missing = await cli(['rollback', 'fn']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /error: fn-[0-9a-f]{16} names no deployed revision \(missing, or its Description was edited\)\n  pass --to <revision>/);
    const bad = await cli(['rollback', 'fn', '--to', 'no-such-commit']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /revision "no-such-commit" is not a commit of the repository/);
    const first = json<{ revision: string }>(await cli(['deploy', 'fn', '--json']));
    const nothingBefore = await cli(['rollback', 'fn']);
    assert.equal(nothingBefore.code, 2);
    assert.match(nothingBefore.stderr, new RegExp(`error: fn has no revision before ${first.revision.slice(0, 12)} to roll back to`));
    assert.equal(server.callsTo('UpdateFunctionCode').length, 0);
  });

  it('a package with functions: goes back from the revision its deployed functions run, and redeploys only the functions HEAD declares that the package had then', async () => {
    repo = repoWithPackages([]);
    const yml = (keys: string[]) => `functions:\n${keys.map((k) => `  ${k}:\n    handler: main.handler\n`).join('')}`;
    repo.writeJson('notes/package.json', { name: 'notes', version: '1.0.0', private: true });
    repo.write('notes/main.js', 'exports.handler = async () => "v1";\n').write('notes/lambda.yml', yml(['keep', 'drop'])).commit('v1');
    const r1 = repo.head();
    assert.equal((await cli(['sync'])).code, 0);
    repo.write('notes/main.js', 'exports.handler = async () => "v2";\n').commit('v2');
    const r2 = repo.head();
    assert.equal((await cli(['sync'])).code, 0);
    const names = { keep: functionName(REPOSITORY, 'notes', { key: 'keep' }), drop: functionName(REPOSITORY, 'notes', { key: 'drop' }) };
    // HEAD drops one function and adds one, first, that was never deployed.
    repo.write('notes/lambda.yml', yml(['fresh', 'keep'])).commit('fresh instead of drop');

    const result = await cli(['rollback', 'notes', '--json']);
    const out = json<{ path: string; functions: Array<RollbackJson & { key: string }> }>(result);
    assert.deepEqual(out.functions.map((f) => [f.key, f.revision, f.from]), [['keep', r1, r2]]);
    assert.equal(server.function(names.keep)!.configuration.Description, `github.com/example/functions/notes#keep@${r1}`);
    assert.equal(server.function(names.drop)!.configuration.Description, `github.com/example/functions/notes#drop@${r2}`, 'a function HEAD dropped is not redeployed');
    assert.equal(server.functions().length, 2, 'the function HEAD added is not created by a rollback');
    assert.match(result.stderr, /notes#drop \(\S+\) was a function of notes at [0-9a-f]{12}, but HEAD does not declare it: not recreated/);
    assert.match(result.stderr, /notes#fresh \(\S+\) was not a function of notes at [0-9a-f]{12}: left as it is/);
  });
});
