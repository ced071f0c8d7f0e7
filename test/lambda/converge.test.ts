// Two tasks deploying the same function at once (a push and the push after
// it, or a retrigger) must end with the newer revision deployed, whatever
// the interleaving: RevisionId, the re-check after a lost race and the
// "never overwrite a newer deploy" rule together make that so.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, it } from 'node:test';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { checkAndDeploy, type DeployResult } from '../../src/lambda/deploy.js';
import { gitHistory } from '../../src/lambda/history.js';
import { functionDescription } from '../../src/packages/description.js';
import { TestRepo } from '../support/git-repo.js';
import { startLambdaServer, type LambdaServer } from '../support/lambda-server.js';
import { FAST_WAIT, REPOSITORY, clientOf, target, zipBundle } from './fixtures.js';

let server: LambdaServer;
let repo: TestRepo;
const revisions: string[] = [];

before(async () => {
  server = await startLambdaServer({ transitionMs: 30 });
  repo = new TestRepo();
  for (const version of ['r0', 'r1', 'r2']) {
    repo.write('fn-a/main.js', `exports.handler = async () => "${version}";\n`);
    revisions.push(repo.commit(version));
  }
});
after(async () => {
  await server.close();
  repo.cleanup();
});

// From simultaneous to one task arriving after the other has finished.
const DELAYS = [0, 20, 50, 100, 200, 400];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('two deploys of one function at once converge on the newer revision, in every interleaving tried', async () => {
  const [r0, r1, r2] = revisions as [string, string, string];
  const older = { revision: r1, bundle: zipBundle('exports.handler = async () => "r1";') };
  const newer = { revision: r2, bundle: zipBundle('exports.handler = async () => "r2";') };
  const history = gitHistory(repo.dir);
  const outcomes = new Set<string>();
  // Starting points: no function yet, or an older revision deployed. Delays
  // shift one task against the other by up to a few Lambda transitions.
  for (const start of ['missing', 'r0'] as const) {
    for (let round = 0; round < DELAYS.length * 2; round++) {
      server.reset();
      if (start === 'r0') {
        server.seedFunction({
          FunctionName: target().functionName, Role: target().settings.role, Runtime: 'nodejs24.x', Handler: 'main.handler',
          Code: { ZipFile: readFileSync(zipBundle('exports.handler = async () => "r0";').file) },
          Description: functionDescription(REPOSITORY, 'fn-a', r0),
        });
      }
      const shift = DELAYS[Math.floor(round / 2)]!;
      const [delayOld, delayNew] = round % 2 === 0 ? [0, shift] : [shift, 0];
      const clients: LambdaClient[] = [clientOf(server), clientOf(server)];
      const run = async (which: typeof older, client: LambdaClient, delay: number): Promise<DeployResult> => {
        await sleep(delay);
        return checkAndDeploy(target({ revision: which.revision }), { client, bundle: async () => which.bundle, history, wait: FAST_WAIT });
      };
      const [a, b] = await Promise.all([run(older, clients[0]!, delayOld), run(newer, clients[1]!, delayNew)]);
      clients.forEach((c) => c.destroy());
      const fn = server.function(target().functionName)!;
      assert.equal(fn.configuration.Description, functionDescription(REPOSITORY, 'fn-a', r2), `start ${start}, round ${round}: ${a.action} / ${b.action}`);
      assert.equal(fn.configuration.CodeSha256, newer.bundle.codeSha256, 'the code is the newer revision\'s too');
      assert.ok(['created', 'updated'].includes(b.action), `the newer deploy ${b.action}`);
      outcomes.add(`${a.action}/${b.action}`);
    }
  }
  // The interleavings really differed: the older task sometimes deployed first, sometimes found the newer one.
  assert.ok(outcomes.size >= 2, [...outcomes].join(', '));
  console.log(`outcomes (older/newer): ${[...outcomes].sort().join(', ')}`);
});
