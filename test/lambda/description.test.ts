// The Description policy (src/packages/description.ts): `<repository
// id>/<path>@<revision>`, at most Lambda's 256 characters, `@<revision>`
// always whole; and Lambda's own check of the limit, through the double.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { checkAndDeploy } from '../../src/lambda/deploy.js';
import { MAX_DESCRIPTION, functionDescription, isDescriptionOf, revisionInDescription } from '../../src/packages/description.js';
import { repositoryIdFromUrl } from '../../src/repo/repository-id.js';
import { startLambdaServer } from '../support/lambda-server.js';
import { FAST_WAIT, REV_1, clientOf, countingBundle, fixedHistory, target } from './fixtures.js';

const SHA1 = 'a'.repeat(40);
const SHA256 = 'b'.repeat(64);
const repo = repositoryIdFromUrl('https://github.com/example/functions');

/** A path that makes `<repo>/<path>@<sha1>` exactly `length` characters long. */
function pathFor(length: number): string {
  const room = length - `${repo}/`.length - `@${SHA1}`.length;
  return `p/${'x'.repeat(room - 2)}`;
}

describe('Description policy', () => {
  it('is <repository id>/<path>@<revision> when it fits', () => {
    assert.equal(functionDescription(repo, 'functions/resize', SHA1), `github.com/example/functions/functions/resize@${SHA1}`);
  });

  it('is unchanged at exactly 256 characters and shortened to exactly 256 at 257', () => {
    const at = functionDescription(repo, pathFor(256), SHA1);
    assert.equal(at.length, 256);
    assert.equal(at, `${repo}/${pathFor(256)}@${SHA1}`);
    const over = functionDescription(repo, pathFor(257), SHA1);
    assert.equal(over.length, MAX_DESCRIPTION);
    assert.notEqual(over, `${repo}/${pathFor(257)}@${SHA1}`.slice(0, 256));
  });

  const long = `deeply/${'nested/'.repeat(60)}function`;
  for (const [name, revision] of [['SHA-1', SHA1], ['SHA-256', SHA256]] as const) {
    it(`keeps @<revision> whole for a ${name} revision, with the start and the end of the path readable`, () => {
      const d = functionDescription(repo, long, revision);
      assert.equal(d.length, MAX_DESCRIPTION);
      assert.ok(d.endsWith(`function@${revision}`), d);
      assert.ok(d.startsWith('github.com/example/functions/deeply/nested/'), d);
      assert.match(d, /~[0-9a-f]{12}~/);
      assert.equal(revisionInDescription(d), revision);
    });
  }

  it('stays unique for paths that differ only in the part cut out, and is deterministic', () => {
    const a = functionDescription(repo, `a/${'m'.repeat(150)}1${'m'.repeat(150)}/z`, SHA1);
    const b = functionDescription(repo, `a/${'m'.repeat(150)}2${'m'.repeat(150)}/z`, SHA1);
    assert.notEqual(a, b);
    assert.equal(a, functionDescription(repo, `a/${'m'.repeat(150)}1${'m'.repeat(150)}/z`, SHA1));
  });

  const notOurs: Array<[string, string | undefined]> = [
    ['no Description', undefined],
    ['a hand-written one', 'resizes images'],
    ['a short sha', `${repo}/p@abc1234`],
    ['upper-case hex', `${repo}/p@${'A'.repeat(40)}`],
    ['trailing text', `${repo}/p@${SHA1} (manual)`],
    ['41 hex digits', `${repo}/p@${'a'.repeat(41)}`],
  ];
  for (const [name, description] of notOurs) {
    it(`names no revision: ${name}`, () => assert.equal(revisionInDescription(description), undefined));
  }

  it('is one function\'s, whole or cut, at any revision: never another package\'s, another key\'s or another repository\'s', () => {
    const deep = `a/${'m'.repeat(300)}/z`;
    const other = repositoryIdFromUrl('https://github.com/someone/else');
    const cases: Array<[string, string, string | undefined, boolean]> = [
      [functionDescription(repo, 'p', SHA1), 'p', undefined, true],
      [functionDescription(repo, 'p', SHA256), 'p', undefined, true],
      [functionDescription(repo, 'p', SHA1, 'api'), 'p', 'api', true],
      [functionDescription(repo, deep, SHA1, 'api'), deep, 'api', true],
      [functionDescription(repo, deep, SHA1), deep, undefined, true],
      [functionDescription(repo, 'p', SHA1, 'api'), 'p', undefined, false],
      [functionDescription(repo, 'p', SHA1), 'p', 'api', false],
      [functionDescription(repo, 'p', SHA1, 'worker'), 'p', 'api', false],
      [functionDescription(repo, deep, SHA1, 'worker'), deep, 'api', false],
      [functionDescription(repo, 'p/q', SHA1), 'p', undefined, false],
      [functionDescription(other, 'p', SHA1), 'p', undefined, false],
      ['resizes images', 'p', undefined, false],
    ];
    for (const [description, path, key, expected] of cases) {
      assert.equal(isDescriptionOf(description, repo, path, key), expected, `${description} for ${path}${key ? `#${key}` : ''}`);
    }
  });
});

it('a package with a very long path deploys (Lambda takes the Description) and is then skipped', async () => {
  const server = await startLambdaServer({ transitionMs: 20 });
  const client = clientOf(server);
  try {
    const t = target({ path: long(), revision: REV_1 });
    const created = await checkAndDeploy(t, { client, bundle: countingBundle('x').bundle, history: fixedHistory('not-newer'), wait: FAST_WAIT });
    assert.equal(created.action, 'created');
    const description = String(server.function(t.functionName)!.configuration.Description);
    assert.equal(description.length, 256);
    assert.equal(revisionInDescription(description), REV_1);
    const again = await checkAndDeploy(t, { client, bundle: countingBundle('x').bundle, history: fixedHistory('not-newer'), wait: FAST_WAIT });
    assert.equal(again.action, 'skipped');
    // Without the policy Lambda refuses it: the double enforces the 256 limit.
    await assert.rejects(
      client.send(new UpdateFunctionConfigurationCommand({ FunctionName: t.functionName, Description: `${repo}/${t.path}@${REV_1}` })),
      /Member must have length less than or equal to 256/,
    );
  } finally {
    client.destroy();
    await server.close();
  }
});

function long(): string {
  return `services/${'very-long-folder-name/'.repeat(12)}handler`;
}
