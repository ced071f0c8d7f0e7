// Ownership: check-and-deploy writes only to a function that is this
// package's (its Description, or for a Description edited by hand its
// lambda-sync tags). Each case pre-creates a function under the package's
// name in the Lambda double and checks the outcome, the message and that
// no write reached Lambda, with and without --force.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { checkAndDeploy } from '../../src/lambda/deploy.js';
import { NotOurFunctionError } from '../../src/lambda/errors.js';
import { functionTags, TAG_KEY, TAG_PATH, TAG_REPOSITORY } from '../../src/lambda/function-config.js';
import type { DeployTarget } from '../../src/lambda/target.js';
import { functionDescription } from '../../src/packages/description.js';
import { repositoryIdFromUrl } from '../../src/repo/repository-id.js';
import { runCli } from '../support/cli.js';
import { startLambdaServer, type LambdaServer } from '../support/lambda-server.js';
import { FAST_WAIT, REPOSITORY, REV_1, REV_2, cliEnv, clientOf, countingBundle, fixedHistory, repoWithPackages, seedPackageFunction, target } from './fixtures.js';

const WRITES = new Set(['CreateFunction', 'UpdateFunctionCode', 'UpdateFunctionConfiguration', 'TagResource', 'PublishVersion', 'CreateAlias', 'UpdateAlias', 'DeleteFunction']);
const OTHER_REPOSITORY = repositoryIdFromUrl('https://github.com/someone/else');
const HAND_EDITED = 'resizes images (do not touch)';

let server: LambdaServer;
let client: LambdaClient;

before(async () => {
  server = await startLambdaServer({ transitionMs: 20 });
  client = clientOf(server);
});
after(async () => {
  client.destroy();
  await server.close();
});
afterEach(() => server.reset());

const writes = (): string[] => server.calls.map((c) => c.operation).filter((o) => WRITES.has(o));

interface Case {
  name: string;
  /** The deploy's target (default: fn-a, the package's single function). */
  target?: Partial<DeployTarget>;
  description: string;
  tags: Record<string, string>;
  /** Refused: the message's part after "is not the function of <package>: ". Else taken back: the update's detail. */
  refused?: RegExp;
  takenBack?: RegExp;
  /** The hint offers tagging it (its Description is not lambda-sync's). */
  retag?: boolean;
}

const ourTags = (path = 'fn-a', key?: string) => functionTags(target({ path, key, revision: REV_1 }));

const cases: Case[] = [
  {
    name: 'a function of another repository with our name',
    description: functionDescription(OTHER_REPOSITORY, 'fn-a', REV_1),
    tags: { [TAG_REPOSITORY]: OTHER_REPOSITORY, [TAG_PATH]: 'fn-a' },
    refused: /its Description "github\.com\/someone\/else\/fn-a@1{40}" names github\.com\/someone\/else\/fn-a, a function of another repository/,
  },
  {
    name: 'a function of another package of our repository',
    description: functionDescription(REPOSITORY, 'fn-b', REV_1),
    tags: ourTags('fn-b'),
    refused: /its Description "github\.com\/example\/functions\/fn-b@1{40}" names fn-b, another package of this repository/,
  },
  {
    name: 'another function (functions key) of our package',
    target: { key: 'api' },
    description: functionDescription(REPOSITORY, 'fn-a', REV_1, 'worker'),
    tags: ourTags(),
    refused: /names fn-a#worker, another function of this package/,
  },
  {
    name: 'our Description, but the repository tag of another repository',
    description: functionDescription(REPOSITORY, 'fn-a', REV_1),
    tags: { [TAG_REPOSITORY]: OTHER_REPOSITORY },
    refused: /is this function's, but its lambda-sync:repository tag is "github\.com\/someone\/else"/,
  },
  {
    name: 'a Description edited by hand, with our tags: taken back',
    description: HAND_EDITED,
    tags: ourTags(),
    takenBack: /its Description "resizes images \(do not touch\)" is not one lambda-sync writes \(edited by hand\?\), but its lambda-sync:repository and lambda-sync:path tags are this package's: taking it back/,
  },
  {
    name: 'an empty Description, with only our repository tag: taken back',
    description: '',
    tags: { [TAG_REPOSITORY]: REPOSITORY },
    takenBack: /its Description "" is not one lambda-sync writes \(edited by hand\?\), but its lambda-sync:repository tag is this package's/,
  },
  {
    name: 'a Description edited by hand, without our tags',
    description: HAND_EDITED,
    tags: {},
    refused: /its Description "resizes images \(do not touch\)" is not one lambda-sync writes, and it has no lambda-sync:repository tag/,
    retag: true,
  },
  {
    name: 'a Description edited by hand, with the path tag of another package',
    description: HAND_EDITED,
    tags: ourTags('fn-b'),
    refused: /its lambda-sync:path tag is "fn-b", another package of this repository/,
    retag: true,
  },
  {
    name: 'a Description edited by hand on another function of our package (key tag): refused',
    target: { key: 'api' },
    description: HAND_EDITED,
    tags: ourTags('fn-a', 'worker'),
    refused: /its lambda-sync:key tag is "worker", another function of this package/,
    retag: true,
  },
  {
    name: 'a Description edited by hand on this function of our package (key tag): taken back',
    target: { key: 'api' },
    description: HAND_EDITED,
    tags: ourTags('fn-a', 'api'),
    takenBack: /is not one lambda-sync writes \(edited by hand\?\), but its lambda-sync:repository and lambda-sync:path tags are this package's: taking it back/,
  },
  {
    name: 'another tool\'s function (no tags of ours)',
    description: 'Managed by Serverless Framework',
    tags: { STAGE: 'prod', 'serverless:service': 'images' },
    refused: /its Description "Managed by Serverless Framework" is not one lambda-sync writes, and it has no lambda-sync:repository tag/,
    retag: true,
  },
  {
    name: 'another tool\'s function tagged for another repository',
    description: 'Managed by Serverless Framework',
    tags: { [TAG_REPOSITORY]: OTHER_REPOSITORY },
    refused: /and its lambda-sync:repository tag is "github\.com\/someone\/else"/,
    retag: true,
  },
];

describe('check-and-deploy writes only to functions it owns', () => {
  for (const c of cases) {
    for (const force of [false, true]) {
      it(`${c.name}${force ? ', with --force' : ''}`, async () => {
        const t = target({ revision: REV_2, configRevision: REV_2, ...c.target });
        seedPackageFunction(server, { path: 'fn-a', functionName: t.functionName, revision: REV_1, description: c.description, tags: { ...c.tags } });
        const before = server.function(t.functionName)!;
        const bundle = countingBundle('exports.handler = async () => "ours";');
        const deploy = checkAndDeploy(t, { client, bundle: bundle.bundle, history: fixedHistory('not-newer'), wait: FAST_WAIT, force });

        if (c.takenBack) {
          const result = await deploy;
          assert.equal(result.action, 'updated');
          assert.match(result.detail, c.takenBack);
          const after = server.function(t.functionName)!;
          assert.equal(after.configuration.Description, functionDescription(REPOSITORY, 'fn-a', REV_2, t.key));
          assert.equal(after.tags[TAG_PATH], 'fn-a');
          assert.equal(after.tags[TAG_KEY], t.key);
          return;
        }
        const error = await deploy.then(() => undefined, (e: unknown) => e);
        assert.ok(error instanceof NotOurFunctionError, String(error));
        assert.equal(error.exitCode, 2);
        const wanted = `github.com/example/functions/fn-a${c.target?.key ? `#${c.target.key}` : ''}`;
        assert.ok(error.message.startsWith(`${t.functionName} is not the function of ${wanted}: `), error.message);
        assert.match(error.message, c.refused!);
        assert.match(error.message, /lambda-sync updates only the functions it owns, so nothing was changed$/);
        assert.match(error.hint ?? '', new RegExp(`aws lambda delete-function --function-name ${t.functionName}\\).*namePrefix.*--force does not override this`));
        assert.equal(/tag-resource/.test(error.hint ?? ''), c.retag === true, error.hint);
        assert.deepEqual(writes(), [], 'no write reached Lambda');
        assert.equal(bundle.calls(), 0, 'nothing was bundled');
        const after = server.function(t.functionName)!;
        assert.deepEqual([after.configuration, after.tags], [before.configuration, before.tags]);
      });
    }
  }

  it('a Failed function of another repository is refused as such, not reported as our failed creation', async () => {
    server.inject.failNextCreate('The role defined for the function cannot be assumed by Lambda.');
    const t = target();
    seedPackageFunction(server, { path: 'fn-a', functionName: t.functionName, revision: REV_1, repository: OTHER_REPOSITORY });
    assert.equal(server.function(t.functionName)!.configuration.State, 'Failed');
    await assert.rejects(checkAndDeploy(t, { client, bundle: countingBundle('x').bundle, history: fixedHistory('not-newer'), wait: FAST_WAIT }), (e: unknown) =>
      e instanceof NotOurFunctionError && /a function of another repository/.test(e.message));
    assert.deepEqual(writes(), []);
  });
});

describe('the CLI on a function it does not own', () => {
  it('deploy exits 2 naming the function, its Description and what to do; sync fails that row only, deploys the rest and prunes nothing', async () => {
    const repo = repoWithPackages(['fn-a', 'fn-b']);
    try {
      const plan = JSON.parse((await runCli(['plan', '--json'], { cwd: repo.dir, env: cliEnv(server) })).stdout) as { packages: Array<{ path: string; functionName: string }> };
      const name = plan.packages.find((p) => p.path === 'fn-a')!.functionName;
      seedPackageFunction(server, { path: 'fn-a', functionName: name, revision: REV_1, repository: OTHER_REPOSITORY });
      const foreign = server.function(name)!;

      for (const args of [['deploy', 'fn-a'], ['deploy', 'fn-a', '--force', '--json']]) {
        const deployed = await runCli(args, { cwd: repo.dir, env: cliEnv(server) });
        assert.equal(deployed.code, 2, deployed.stderr);
        assert.equal(deployed.stdout, '');
        assert.match(deployed.stderr, new RegExp(`^error: ${name} is not the function of github\\.com/example/functions/fn-a: its Description "github\\.com/someone/else/fn-a@1{40}" names github\\.com/someone/else/fn-a, a function of another repository\\. lambda-sync updates only the functions it owns, so nothing was changed$`, 'm'));
        assert.match(deployed.stderr, /^ {2}another function holds this package's name: delete it .* --force does not override this$/m);
      }
      assert.deepEqual(writes(), []);

      const synced = await runCli(['sync', '--prune', '--json'], { cwd: repo.dir, env: cliEnv(server) });
      assert.equal(synced.code, 1, synced.stderr);
      const rows = (JSON.parse(synced.stdout) as { packages: Array<{ path: string; action: string; detail: string }> }).packages;
      assert.deepEqual(rows.map((r) => [r.path, r.action]), [['fn-a', 'failed'], ['fn-b', 'created']]);
      assert.match(rows[0]!.detail, /is not the function of github\.com\/example\/functions\/fn-a: .* a function of another repository\..*\nanother function holds this package's name/);
      assert.match(synced.stderr, /pruning deletes nothing this run/);
      assert.deepEqual(writes(), ['CreateFunction'], 'only fn-b was written');
      assert.deepEqual(server.function(name)!.configuration, foreign.configuration, 'the other repository\'s function is untouched');
    } finally {
      repo.cleanup();
    }
  });
});
