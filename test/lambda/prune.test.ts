// `lambda-sync status` and `sync --prune` as a user runs them, against the
// Lambda double in an account shared with another repository.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { CreateAliasCommand, PublishVersionCommand } from '@aws-sdk/client-lambda';
import type { StatusJson } from '../../src/commands/status.js';
import { runCli, type CliResult } from '../support/cli.js';
import type { TestRepo } from '../support/git-repo.js';
import { startLambdaServer, type LambdaServer } from '../support/lambda-server.js';
import { UsageError } from '../../src/errors.js';
import type { Classification } from '../../src/lambda/classify.js';
import { checkValve } from '../../src/lambda/prune.js';
import { planPackages } from '../../src/packages/plan.js';
import { REPO_URL, cliEnv, clientOf, repoWithPackages, seedPackageFunction } from './fixtures.js';

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

const cli = (args: string[], root = repo.dir): Promise<CliResult> => runCli(args, { cwd: root, env: cliEnv(server) });

interface Planned { path: string; functionName: string; revision: string; digests: { config: string; bundle: string; configRevision: string } }
async function planned(): Promise<Planned[]> {
  const plan = await planPackages({ root: repo.dir, repoUrl: REPO_URL });
  return plan.packages.map((p) => ({ path: p.path, functionName: p.functionName, revision: p.revision!, digests: { config: p.functions[0]!.configDigest, bundle: p.bundleDigest, configRevision: plan.head } }));
}

/**
 * A repository whose packages `paths` and `removed` were all deployed at its
 * first commit; then `removed` are deleted and committed. What stays is in
 * sync; what was removed is orphaned.
 */
async function deployedThenRemoved(paths: string[], removed: string[]): Promise<Map<string, string>> {
  repo = repoWithPackages([...paths, ...removed]);
  const names = new Map<string, string>();
  for (const p of await planned()) {
    names.set(p.path, p.functionName);
    seedPackageFunction(server, { path: p.path, functionName: p.functionName, revision: p.revision, digests: p.digests });
  }
  for (const path of removed) repo.remove(path);
  if (removed.length) repo.commit('remove packages');
  return names;
}

function othersRepository(count: number): void {
  for (let i = 0; i < count; i++) {
    seedPackageFunction(server, { repository: 'github.com/example/other', path: `fn-${i}`, functionName: `other-${i}`, revision: 'a'.repeat(40) });
  }
}

const names = () => server.functions().map((f) => f.name).sort();
const writes = () => server.calls.filter((c) => !['GetFunction', 'ListFunctions', 'ListTags', 'ListVersionsByFunction', 'ListAliases'].includes(c.operation));

describe('lambda-sync status', () => {
  it('in sync: a table, exit 0 with --exit-code, and only the ListFunctions pages read', async () => {
    await deployedThenRemoved(['functions/a', 'functions/b'], []);
    othersRepository(60);
    const result = await cli(['status', '--exit-code']);
    assert.equal(result.code, 0, result.stderr);
    const rows = result.stdout.trim().split('\n');
    assert.match(rows[0]!, /^PACKAGE\s+STATE\s+REVISION\s+DEPLOYED\s+FUNCTION\s+DETAIL$/);
    assert.deepEqual(rows.slice(1).map((r) => r.split(/\s+/).slice(0, 2)), [['functions/a', 'in-sync'], ['functions/b', 'in-sync']]);
    assert.match(result.stderr, /list the account's functions: 62 in 2 pages \(/);
    assert.match(result.stderr, /2 packages: 2 in-sync; 0 orphans; 2 Lambda API calls in /);
    assert.deepEqual(server.calls.map((c) => c.operation), ['ListFunctions', 'ListFunctions']);
  });

  it('behind and an orphan: exit 3 with --exit-code, --json with states, commits behind and the "renamed?" hint', async () => {
    const fns = await deployedThenRemoved(['api/report', 'api/users'], ['old/mailer']);
    repo.write('api/report/main.js', 'exports.handler = async () => "v2";\n').commit();
    repo.addPackage('new/mailer', { lambda: {} }).commit();
    const table = await cli(['status', '--exit-code']);
    assert.equal(table.code, 3, table.stderr);
    assert.match(table.stdout, /^api\/report\s+behind \(1\)\s/m);
    assert.match(table.stdout, /^new\/mailer\s+missing\s/m);
    assert.match(table.stdout, /^ORPHAN\s+DEPLOYED\s+FUNCTION\s+DETAIL$/m);
    assert.match(table.stdout, new RegExp(`^old/mailer\\s+[0-9a-f]{12}\\s+${fns.get('old/mailer')}\\s+HEAD has no old/mailer; renamed\\? new/mailer$`, 'm'));
    assert.match(table.stderr, /error: not in sync: 3 packages: 1 in-sync, 1 behind, 1 missing; 1 orphan$/m);

    const json = await cli(['status', '--json']);
    assert.equal(json.code, 0, 'without --exit-code, differences are not an error');
    const out = JSON.parse(json.stdout) as StatusJson;
    assert.equal(out.repository, 'github.com/example/functions');
    assert.deepEqual(out.summary, { 'in-sync': 1, behind: 1, missing: 1, orphans: 1 });
    const report = out.packages.find((p) => p.path === 'api/report')!;
    assert.equal(report.commitsBehind, 1);
    assert.equal(report.functionName, fns.get('api/report'));
    assert.deepEqual(out.orphans.map((o) => [o.path, o.functionName, o.renamedTo]), [['old/mailer', fns.get('old/mailer'), ['new/mailer']]]);
    assert.deepEqual(writes(), [], 'status changes nothing');
  });
});

describe('lambda-sync sync --prune', () => {
  it('deletes the orphan with its versions and aliases after the packages deployed, and nothing of the other repository', async () => {
    const fns = await deployedThenRemoved(['a', 'b'], ['gone']);
    othersRepository(3);
    const client = clientOf(server);
    const gone = fns.get('gone')!;
    await client.send(new PublishVersionCommand({ FunctionName: gone }));
    await client.send(new CreateAliasCommand({ FunctionName: gone, Name: 'live', FunctionVersion: '1' }));
    client.destroy();
    server.calls.length = 0;
    const result = await cli(['sync', '--prune']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^a\s+skipped\s/m);
    assert.match(result.stdout, /^gone\s+deleted\s.*HEAD has no gone; with 1 version \(1\) and alias live$/m);
    assert.match(result.stderr, new RegExp(`^deleted ${gone} \\(gone\\): deployed from [0-9a-f]{12}; HEAD has no gone; with 1 version \\(1\\) and alias live \\(`, 'm'));
    assert.deepEqual(names(), [fns.get('a'), fns.get('b'), 'other-0', 'other-1', 'other-2'].sort());
    assert.deepEqual(writes().map((c) => [c.operation, c.functionName]), [['DeleteFunction', gone]]);
  });

  it('--dry-run shows what would be created, updated, skipped and deleted, and changes nothing', async () => {
    await deployedThenRemoved(['a', 'b'], ['gone']);
    repo.write('b/main.js', 'exports.handler = async () => 2;\n').addPackage('c', { lambda: {} }).commit();
    const result = await cli(['sync', '--prune', '--dry-run']);
    assert.equal(result.code, 0, result.stderr);
    const actions = result.stdout.trim().split('\n').slice(1).map((r) => r.split(/\s{2,}/).slice(0, 2));
    assert.deepEqual(actions, [['a', 'would-skip'], ['b', 'would-update'], ['c', 'would-create'], ['gone', 'would-delete']]);
    assert.deepEqual(writes(), []);
  });

  it('with prune: true in lambda-sync.yml, a plain sync prunes', async () => {
    const fns = await deployedThenRemoved(['a'], ['gone']);
    repo.write('lambda-sync.yml', `${repo.git('show', 'HEAD:lambda-sync.yml')}\nprune: true\n`).commit();
    // prune: true reaches no function: a is left as it is (code and configuration ours), then gone pruned.
    const result = await cli(['sync', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const rows = (JSON.parse(result.stdout) as { packages: Array<{ path: string; action: string }> }).packages;
    assert.deepEqual(rows.map((r) => [r.path, r.action]), [['a', 'skipped'], ['gone', 'deleted']]);
    assert.deepEqual(names(), [fns.get('a')]);
  });

  describe('bad inputs and faults: a clear message, the exit code, and nothing deleted that should not be', () => {
    interface Case {
      name: string;
      setup: () => Promise<string[] | void>;
      args?: string[];
      root?: string;
      code: number;
      message: RegExp;
      /** Functions left at the end; default: every one that was there. */
      left?: () => string[];
    }
    const cases: Case[] = [
      {
        name: 'more orphans than the valve allows: exit 2, names the flag and the renamed-repository trap',
        setup: async () => void (await deployedThenRemoved(['keep'], ['g1', 'g2', 'g3', 'g4', 'g5', 'g6'])),
        code: 2,
        message: /refusing to delete 6 functions: that is more than 5 \(pruneMaxDeletes\); nothing was deleted[\s\S]*a repository renamed or moved[\s\S]*--allow-mass-delete/,
      },
      {
        name: 'a lower --max-deletes',
        setup: async () => void (await deployedThenRemoved(['keep'], ['g1', 'g2'])),
        args: ['--max-deletes', '1'],
        code: 2,
        message: /refusing to delete 2 functions: that is more than 1/,
      },
      {
        name: 'a --root that holds no package: exit 2 before any call',
        setup: async () => {
          await deployedThenRemoved(['functions/a'], []);
          repo.write('docs/README.md', 'docs\n').commit();
        },
        root: 'docs',
        code: 2,
        message: /there is no package under docs, so pruning would take every function it owns there for an orphan; nothing was changed/,
      },
      {
        name: 'a package that fails to deploy: exit 1, and the orphan stays',
        setup: async () => {
          await deployedThenRemoved(['a'], ['gone']);
          repo.addPackage('broken', { lambda: {} }).commit();
          const broken = (await planned()).find((p) => p.path === 'broken')!;
          server.inject.failNextCreate('The role defined for the function cannot be assumed by Lambda.', { functionName: broken.functionName });
        },
        code: 1,
        message: /1 package failed: pruning deletes nothing this run[\s\S]*error: 1 of 2 functions and removals failed: broken/,
        left: () => names(),
      },
      {
        name: 'ListFunctions failing on its second page: exit 1, no delete at all',
        setup: async () => {
          await deployedThenRemoved(['a'], ['gone']);
          othersRepository(60);
          // Credentials that expire half-way through the listing (not retried).
          server.inject.expiredToken(1, { operation: 'ListFunctions', after: 1 });
        },
        code: 1,
        message: /could not list the account's functions \(page 2, after 50 functions\): ListFunctions: ExpiredTokenException[\s\S]*nothing was changed/,
      },
      {
        name: 'a function of another repository named like ours, and a Description edited to look like ours: both left',
        setup: async () => {
          await deployedThenRemoved(['a'], []);
          const a = (await planned())[0]!;
          // Description of this repository, but no ownership tag: copied by hand onto someone else's function.
          seedPackageFunction(server, { path: 'gone', functionName: 'hand-made', revision: a.revision, tags: {} });
          seedPackageFunction(server, { repository: 'github.com/example/functions-old', path: 'a', functionName: 'old-a', revision: a.revision });
        },
        code: 0,
        message: /warning: hand-made \(gone\) is not removed: its Description names this repository but its lambda-sync:repository tag is "\(none\)"/,
      },
      {
        name: 'a shallow clone that does not have the deployed commit: the candidate stays',
        setup: async () => {
          await deployedThenRemoved(['a'], []);
          seedPackageFunction(server, { path: 'gone', functionName: 'gone-fn', revision: 'e'.repeat(40) });
        },
        code: 0,
        message: /gone-fn \(gone\) is not removed: it was deployed from eeeeeeeeeeee, which this clone does not have \(shallow, or not fetched\)/,
      },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        await c.setup();
        const before = names();
        server.calls.length = 0;
        const result = await cli(['sync', '--prune', ...(c.args ?? [])], c.root ? `${repo.dir}/${c.root}` : repo.dir);
        assert.equal(result.code, c.code, result.stderr);
        assert.match(result.stderr, c.message);
        assert.deepEqual(names(), c.left ? c.left() : before, 'nothing deleted');
        assert.deepEqual(server.callsTo('DeleteFunction'), []);
      });
    }

    it('the valve also stops a run that would delete every function the repository owns under the root, however few', () => {
      const orphan = { functionName: 'f', functionArn: 'arn', path: 'functions/a', deployedRevision: 'a'.repeat(40), description: 'd', renamedTo: [], detail: '' };
      const status = { repository: 'github.com/example/functions', head: 'h', scope: 'functions', packages: [], orphans: [orphan], kept: [], owned: 1 } as unknown as Classification;
      assert.throws(() => checkValve(status, { maxDeletes: 5, allowMassDelete: false }), (e: unknown) =>
        e instanceof UsageError && /refusing to delete 1 function: that is every function github\.com\/example\/functions owns under functions; nothing was deleted/.test(e.message) && /--allow-mass-delete/.test(e.hint ?? ''));
      assert.doesNotThrow(() => checkValve(status, { maxDeletes: 5, allowMassDelete: true }));
      assert.doesNotThrow(() => checkValve({ ...status, owned: 2 }, { maxDeletes: 5, allowMassDelete: false }));
    });

    it('the valve opens with --allow-mass-delete', async () => {
      const fns = await deployedThenRemoved(['keep'], ['g1', 'g2', 'g3', 'g4', 'g5', 'g6']);
      const result = await cli(['sync', '--prune', '--allow-mass-delete']);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(names(), [fns.get('keep')]);
      assert.equal(server.callsTo('DeleteFunction').filter((c) => c.status === 204).length, 6, 'one each (a throttled attempt is retried)');
    });
  });
});

