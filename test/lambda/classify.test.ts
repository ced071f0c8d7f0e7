// Listing and classification: the repository's packages at HEAD against
// what the Lambda double runs, in an account that also holds other
// repositories' functions.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { classify, type Classification, type ClassifyOptions } from '../../src/lambda/classify.js';
import { gitHistory } from '../../src/lambda/history.js';
import { lambdaReads, listAllFunctions } from '../../src/lambda/list.js';
import { planPackages, type Plan } from '../../src/packages/plan.js';
import type { TestRepo } from '../support/git-repo.js';
import { startLambdaServer, type LambdaServer } from '../support/lambda-server.js';
import { clientOf, REPO_URL, repoWithPackages, seedPackageFunction } from './fixtures.js';

let server: LambdaServer;
before(async () => {
  server = await startLambdaServer({ transitionMs: 20 });
});
after(() => server.close());

let repo: TestRepo;
afterEach(() => {
  server.reset();
  repo?.cleanup();
});

const plan = (root = repo.dir): Promise<Plan> => planPackages({ root, repoUrl: REPO_URL });

async function statusOf(p: Plan, options: Partial<ClassifyOptions> = {}): Promise<Classification> {
  const client = clientOf(server);
  try {
    const functions = await listAllFunctions(client);
    return await classify(p, lambdaReads(client, functions), { history: gitHistory(p.gitRoot), ...options });
  } finally {
    client.destroy();
  }
}

function deployAll(p: Plan, revision?: string): void {
  for (const pkg of p.packages) seedPackageFunction(server, { path: pkg.path, functionName: pkg.functionName, revision: revision ?? pkg.revision! });
}

/** Functions of other repositories, one of them named like a package folder of ours. */
function otherRepositories(count: number): void {
  for (let i = 0; i < count; i++) {
    seedPackageFunction(server, { repository: 'github.com/someone/else', path: `fn-${i}`, functionName: `else-fn-${i}`, revision: 'a'.repeat(40) });
  }
}

const states = (c: Classification) => Object.fromEntries(c.packages.map((p) => [p.path, p.state]));

describe('classify', () => {
  it('all in sync: reads nothing but the ListFunctions pages, among 120 functions of another repository', async () => {
    repo = repoWithPackages(['functions/a', 'functions/b', 'functions/c']);
    const p = await plan();
    deployAll(p);
    otherRepositories(120);
    const result = await statusOf(p);
    assert.deepEqual(states(result), { 'functions/a': 'in-sync', 'functions/b': 'in-sync', 'functions/c': 'in-sync' });
    assert.deepEqual(result.orphans, []);
    assert.deepEqual(result.kept, []);
    assert.equal(result.owned, 3);
    assert.deepEqual(server.calls.map((c) => c.operation), ['ListFunctions', 'ListFunctions', 'ListFunctions'], '123 functions are 3 pages of 50');
    assert.equal(server.functions().length, 123, 'nothing changed');
  });

  it('tells behind (with the commit count), newer-deployed, missing, config-drift field by field, failed and foreign apart', async () => {
    repo = repoWithPackages(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    const first = repo.head();
    repo.write('README.md', 'one\n').commit();
    repo.write('a/main.js', 'exports.handler = async () => 2;\n').write('e/main.js', 'exports.handler = async () => 2;\n').commit();
    const p = await plan();
    const name = (path: string) => p.packages.find((x) => x.path === path)!.functionName;
    seedPackageFunction(server, { path: 'a', functionName: name('a'), revision: first });
    // b was deployed by a newer push than this checkout has.
    repo.write('b/main.js', 'exports.handler = async () => "newer";\n');
    const newer = repo.commit();
    repo.git('reset', '--quiet', '--hard', 'HEAD~1');
    seedPackageFunction(server, { path: 'b', functionName: name('b'), revision: newer });
    seedPackageFunction(server, { path: 'd', functionName: name('d'), revision: p.packages.find((x) => x.path === 'd')!.revision!, memory: 512 });
    server.inject.failNextCreate('The role defined for the function cannot be assumed by Lambda.', { functionName: name('e'), reasonCode: 'InsufficientRolePermissions' });
    seedPackageFunction(server, { path: 'e', functionName: name('e'), revision: first });
    seedPackageFunction(server, { path: 'f', functionName: name('f'), revision: first, repository: 'github.com/someone/else' });
    seedPackageFunction(server, { path: 'g', functionName: name('g'), revision: first, description: 'edited by hand' });

    const result = await statusOf(p);
    assert.deepEqual(states(result), {
      a: 'behind', b: 'newer-deployed', c: 'missing', d: 'config-drift', e: 'failed', f: 'foreign', g: 'unknown-revision',
    });
    const a = result.packages.find((x) => x.path === 'a')!;
    assert.equal(a.commitsBehind, 1, 'only the commit that changed a counts, not the README one');
    assert.equal(a.deployedRevision, first);
    assert.deepEqual(result.packages.find((x) => x.path === 'd')!.drift, [{ field: 'memory', repository: 128, lambda: 512 }]);
    assert.match(result.packages.find((x) => x.path === 'e')!.detail, /State Failed: The role defined .* \(InsufficientRolePermissions\)/);
    assert.match(result.packages.find((x) => x.path === 'f')!.detail, /github\.com\/someone\/else\/f/);
    assert.equal(server.callsTo('ListTags').length, 0, 'no orphan candidate, no tags read');
    assert.deepEqual(new Set(server.callsTo('GetFunction').map((c) => c.functionName)), new Set(['a', 'b', 'd', 'e', 'g'].map(name)), 'GetFunction only for what is not in sync');
  });

  it('a package with functions: one row per function, drift per function, and a key the package dropped is an orphan', async () => {
    repo = repoWithPackages([]);
    repo.addPackage('notes', { lambdaYml: 'functions:\n  add:\n    handler: main.handler\n  analyze:\n    handler: main.handler\n    memory: 1024\n  old:\n    handler: main.handler\n' }).commit('notes');
    const before = await plan();
    const notes = before.packages[0]!;
    const fn = (key: string) => notes.functions.find((f) => f.key === key)!;
    seedPackageFunction(server, { path: 'notes', key: 'add', functionName: fn('add').functionName, revision: notes.revision! });
    // analyze runs the right code with the default memory: its configuration drifted.
    seedPackageFunction(server, { path: 'notes', key: 'analyze', functionName: fn('analyze').functionName, revision: notes.revision! });
    seedPackageFunction(server, { path: 'notes', key: 'old', functionName: fn('old').functionName, revision: notes.revision! });
    // The key `old` leaves the package; lambda.yml is configuration, so the code revision stays.
    repo.write('notes/lambda.yml', 'functions:\n  add:\n    handler: main.handler\n  analyze:\n    handler: main.handler\n    memory: 1024\n').commit('drop old');
    const p = await plan();
    assert.equal(p.packages[0]!.revision, notes.revision, 'a lambda.yml change does not move the code revision');
    const result = await statusOf(p);
    assert.deepEqual(result.packages.map((x) => [x.path, x.key, x.state]), [['notes', 'add', 'in-sync'], ['notes', 'analyze', 'config-drift']]);
    assert.deepEqual(result.packages[1]!.drift, [{ field: 'memory', repository: 1024, lambda: 128 }]);
    assert.deepEqual(result.orphans.map((o) => [o.path, o.key, o.functionName]), [['notes', 'old', fn('old').functionName]]);
    assert.match(result.orphans[0]!.detail, /notes no longer declares the function old \(it has add, analyze\)/);
  });

  it('a function whose configuration came from a commit HEAD lacks (a newer push added its key in lambda.yml only) is kept, never an orphan', async () => {
    const yml = (keys: string[]) => `functions:\n${keys.map((k) => `  ${k}:\n    handler: main.handler\n`).join('')}`;
    repo = repoWithPackages([]);
    repo.addPackage('notes', { lambdaYml: yml(['add']) }).commit('notes');
    const behind = repo.head();
    repo.write('notes/lambda.yml', yml(['add', 'share'])).commit('share: configuration only');
    const newer = await plan();
    const notes = newer.packages[0]!;
    const share = notes.functions.find((f) => f.key === 'share')!;
    // The push deployed it: its Description names the code revision, which that commit did not move.
    seedPackageFunction(server, { path: 'notes', key: 'share', functionName: share.functionName, revision: notes.revision!, digests: { config: share.configDigest, bundle: notes.bundleDigest, configRevision: newer.head } });
    repo.git('reset', '--hard', behind);
    const atBehind = await statusOf(await plan());
    assert.deepEqual(atBehind.orphans, [], 'a checkout behind the push deletes nothing');
    assert.equal(atBehind.kept.find((k) => k.functionName === share.functionName)!.key, 'share', 'a kept function names its key');
    assert.match(atBehind.kept.find((k) => k.functionName === share.functionName)!.why, new RegExp(`its configuration was read from ${newer.head.slice(0, 12)}, which is not in HEAD's history: a newer or other branch may declare notes#share`));

    // Once HEAD descends from that push and drops the key, it is an orphan.
    repo.git('reset', '--hard', newer.head);
    repo.write('notes/lambda.yml', yml(['add'])).commit('drop share');
    assert.deepEqual((await statusOf(await plan())).orphans.map((o) => [o.key, o.functionName]), [['share', share.functionName]]);
  });

  it('code-drift: code uploaded by hand under our Description shows with verifyCode, from the CodeSha256 tag', async () => {
    repo = repoWithPackages(['a', 'b']);
    const p = await plan();
    deployAll(p);
    const a = p.packages.find((x) => x.path === 'a')!;
    // A creation that failed at HEAD's revision: ListFunctions has no State, so only GetFunction tells.
    repo.addPackage('c', { lambda: {} }).commit();
    const withC = await plan();
    const c = withC.packages.find((x) => x.path === 'c')!;
    server.inject.failNextCreate('The role defined for the function cannot be assumed by Lambda.', { functionName: c.functionName });
    seedPackageFunction(server, { path: 'c', functionName: c.functionName, revision: c.revision! });
    const recorded = server.function(a.functionName)!.tags['lambda-sync:code-sha256'];
    server.calls.length = 0;
    assert.deepEqual(states(await statusOf(withC)), { a: 'in-sync', b: 'in-sync', c: 'in-sync' }, 'ListFunctions alone cannot see either');
    assert.deepEqual(server.calls.map((call) => call.operation), ['ListFunctions']);
    // A person uploads other code; Description and tags stay.
    const client = clientOf(server);
    const { UpdateFunctionCodeCommand } = await import('@aws-sdk/client-lambda');
    const { handlerZip } = await import('../support/zip.js');
    await client.send(new UpdateFunctionCodeCommand({ FunctionName: a.functionName, ZipFile: handlerZip('exports.handler = async () => "hotfix";\n') }));
    client.destroy();
    await new Promise((r) => setTimeout(r, 40));
    const verified = await statusOf(withC, { verifyCode: true });
    assert.deepEqual(states(verified), { a: 'code-drift', b: 'in-sync', c: 'failed' });
    assert.match(verified.packages[0]!.detail, new RegExp(`not the ${recorded!.replace(/[+/]/g, '.')} lambda-sync uploaded`));
  });

  it('orphans: only functions HEAD provably lacks, whose Description and tag both name this repository, under the root', async () => {
    repo = repoWithPackages(['functions/resize', 'functions/thumbs', 'tools/report', 'keep/me']);
    const before = await plan();
    deployAll(before);
    const byPath = new Map(before.packages.map((x) => [x.path, x.functionName]));
    // thumbs is removed, resize moves to images/resize ("renamed?"), keep/me is deleted locally only.
    repo.remove('functions/thumbs');
    repo.remove('functions/resize').addPackage('images/resize', { lambda: {} });
    repo.commit('remove thumbs, move resize');
    repo.remove('keep/me');
    // Looks like ours but the tag says otherwise (a Description copied by hand).
    seedPackageFunction(server, { path: 'functions/fake', functionName: 'fake-fn', revision: before.head, tags: { 'lambda-sync:repository': 'github.com/someone/else' } });
    // Deployed from a commit this clone does not have (a newer push added it).
    seedPackageFunction(server, { path: 'functions/new', functionName: 'new-fn', revision: 'f'.repeat(40) });
    otherRepositories(3);

    const result = await statusOf(await plan());
    assert.deepEqual(result.orphans.map((o) => [o.path, o.functionName, o.deployedRevision]).sort(), [
      ['functions/resize', byPath.get('functions/resize'), before.head],
      ['functions/thumbs', byPath.get('functions/thumbs'), before.head],
    ]);
    assert.deepEqual(result.orphans.find((o) => o.path === 'functions/resize')!.renamedTo, ['images/resize']);
    const kept = new Map(result.kept.map((k) => [k.path, k.why]));
    assert.deepEqual([...kept.keys()].sort(), ['functions/fake', 'functions/new']);
    assert.match(kept.get('functions/fake')!, /its lambda-sync:repository tag is "github\.com\/someone\/else": not provably this repository's/);
    assert.match(kept.get('functions/new')!, /deployed from ffffffffffff, which this clone does not have \(shallow, or not fetched\)/);
    // The plan reads HEAD (never the working tree), where keep/me is still a package: not even a candidate.
    assert.equal(states(result)['keep/me'], 'in-sync');

    // Under --root functions, tools/report is out of scope even though it is ours and gone... it is not gone: still a package.
    const scoped = await statusOf(await plan(`${repo.dir}/functions`));
    assert.equal(scoped.scope, 'functions');
    assert.deepEqual(scoped.orphans.map((o) => o.path).sort(), ['functions/resize', 'functions/thumbs']);
    assert.ok(scoped.kept.every((k) => k.path?.startsWith('functions/')), 'nothing outside the root is even considered');
    assert.equal(scoped.owned, 2, 'both orphans are all it owns under functions/');
  });
});

describe('a listing without credentials', () => {
  it('fails with the credentials\' own message and hint, not as a ListFunctions failure', async () => {
    const { LambdaClient } = await import('@aws-sdk/client-lambda');
    const { OperationError } = await import('../../src/errors.js');
    const refused = new OperationError('cannot read the Taskcluster secret aws-keys through the proxy: InsufficientScopes 403', 'the task needs the scope secrets:get:aws-keys');
    const client = new LambdaClient({ ...server.clientConfig(), credentials: async () => { throw refused; } });
    try {
      await assert.rejects(listAllFunctions(client), (error: unknown) => error === refused);
    } finally {
      client.destroy();
    }
    assert.equal(server.calls.length, 0);
  });
});
