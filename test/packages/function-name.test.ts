import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { functionName, MAX_FUNCTION_NAME } from '../../src/packages/function-name.js';
import { functionDescription, revisionInDescription, MAX_DESCRIPTION } from '../../src/packages/description.js';
import { checkUniqueNames } from '../../src/packages/plan.js';
import { ConfigError } from '../../src/errors.js';
import type { RepositoryId } from '../../src/repo/repository-id.js';

const repo = 'github.com/owner/my-functions' as RepositoryId;
const hash16 = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 16);

test('function name is folder name plus 64 bits of SHA-256 of "<repository id>/<path>"', () => {
  assert.equal(functionName(repo, 'functions/resize'), `resize-${hash16(`${repo}/functions/resize`)}`);
  assert.equal(functionName(repo, 'do-things', 'team_'), `team_do-things-${hash16(`${repo}/do-things`)}`);
});

test('function names differ for different repositories and paths, and are stable', () => {
  const names = new Set([
    functionName(repo, 'a/resize'),
    functionName(repo, 'b/resize'),
    functionName('github.com/other/my-functions' as RepositoryId, 'a/resize'),
  ]);
  assert.equal(names.size, 3);
  assert.equal(functionName(repo, 'a/resize'), functionName(repo, 'a/resize'));
});

test('function names always fit Lambda: at most 64 of [A-Za-z0-9_-], hash never truncated', () => {
  const paths = ['x', 'functions/with spaces & dots.v2', 'ü/ñ/日本', 'a'.repeat(200), 'deep/'.repeat(30) + 'leaf', '---'];
  for (const prefix of ['', 'p-', 'a'.repeat(40), 'b'.repeat(47)]) {
    for (const path of paths) {
      const name = functionName(repo, path, prefix);
      assert.ok(name.length <= MAX_FUNCTION_NAME, `${name} is ${name.length} long`);
      assert.match(name, /^[A-Za-z0-9_-]+$/);
      assert.ok(name.startsWith(prefix));
      assert.ok(name.endsWith(hash16(`${repo}/${path}`)), `${name} keeps the whole hash`);
    }
  }
});

test('a prefix that leaves no room for the hash is a config error naming namePrefix', () => {
  assert.throws(() => functionName(repo, 'x', 'c'.repeat(49)), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.equal(error.file, 'lambda-sync.yml');
    assert.equal(error.field, 'namePrefix');
    return true;
  });
});

test('two packages with one function name are refused', () => {
  assert.throws(
    () => checkUniqueNames([
      { path: 'a', configFile: 'a/package.json', functionName: 'same' },
      { path: 'b', configFile: 'b/package.json', functionName: 'same' },
    ]),
    /packages a and b would both deploy to the function same/,
  );
  assert.doesNotThrow(() => checkUniqueNames([
    { path: 'a', configFile: 'a/package.json', functionName: 'one' },
    { path: 'b', configFile: 'b/package.json', functionName: 'two' },
  ]));
});

test('Description is <repository id>/<path>@<revision> when it fits', () => {
  const rev = 'a'.repeat(40);
  assert.equal(functionDescription(repo, 'functions/resize', rev), `${repo}/functions/resize@${rev}`);
  assert.equal(revisionInDescription(`${repo}/functions/resize@${rev}`), rev);
  assert.equal(revisionInDescription('hand-written description'), undefined);
});

test('a too-long Description keeps @<revision> whole and stays unique', () => {
  const rev = '0123456789abcdef0123456789abcdef01234567';
  const longA = `${'very-long-folder/'.repeat(20)}a`;
  const longB = `${'very-long-folder/'.repeat(20)}b`;
  const a = functionDescription(repo, longA, rev);
  const b = functionDescription(repo, longB, rev);
  assert.equal(a.length, MAX_DESCRIPTION);
  assert.ok(a.endsWith(`@${rev}`));
  assert.ok(a.startsWith(repo));
  assert.notEqual(a, b);
  assert.equal(revisionInDescription(a), rev);
});
