import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { folderLabel, functionName, GENERIC_FOLDERS, MAX_FUNCTION_NAME } from '../../src/packages/function-name.js';
import { functionDescription, revisionInDescription, MAX_DESCRIPTION } from '../../src/packages/description.js';
import { checkUniqueNames } from '../../src/packages/plan.js';
import { ConfigError } from '../../src/errors.js';
import type { RepositoryId } from '../../src/repo/repository-id.js';

const repo = 'github.com/owner/my-functions' as RepositoryId;
const hash16 = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 16);

test('function name is folder name plus 64 bits of SHA-256 of "<repository id>/<path>"', () => {
  assert.equal(functionName(repo, 'functions/resize'), `resize-${hash16(`${repo}/functions/resize`)}`);
  assert.equal(functionName(repo, 'do-things', { prefix: 'team_' }), `team_do-things-${hash16(`${repo}/do-things`)}`);
});

test('a generic last folder takes its parent\'s name in front; the hash stays that of the path', () => {
  const cases: Array<[path: string, readable: string]> = [
    ['bedrock/src', 'bedrock-src'],
    ['services/auth/lambda', 'auth-lambda'],
    ['notes/function', 'notes-function'],
    ['notes/functions', 'notes-functions'],
    ['api/handler', 'api-handler'],
    ['web/app', 'web-app'],
    ['build/dist', 'build-dist'],
    ['x/index', 'x-index'],
    ['y/code', 'y-code'],
    ['Bedrock/SRC', 'Bedrock-SRC'],
    ['my stuff/src', 'my-stuff-src'],
    ['src', 'src'],
    ['a/src/lambda', 'src-lambda'],
    ['bedrock/source', 'source'],
    ['bedrock/srcs', 'srcs'],
  ];
  for (const [path, readable] of cases) {
    assert.equal(folderLabel(path), readable, path);
    assert.equal(functionName(repo, path), `${readable}-${hash16(`${repo}/${path}`)}`, path);
  }
  for (const folder of GENERIC_FOLDERS) assert.equal(folderLabel(`parent/${folder}`), `parent-${folder}`);
  assert.notEqual(functionName(repo, 'a/bedrock/src'), functionName(repo, 'b/bedrock/src'), 'same readable part, different hash');
});

test('a name from the config replaces the readable part and keeps the hash of the path', () => {
  const name = (value: string) => ({ value, file: 'fn/lambda.yml', field: 'name' });
  assert.equal(functionName(repo, 'bedrock/src', { name: name('bedrock-agent') }), `bedrock-agent-${hash16(`${repo}/bedrock/src`)}`);
  assert.equal(functionName(repo, 'bedrock/src', { prefix: 'team-', name: name('agent') }), `team-agent-${hash16(`${repo}/bedrock/src`)}`);
  assert.notEqual(
    functionName(repo, 'a/src', { name: name('same') }),
    functionName(repo, 'b/src', { name: name('same') }),
    'two packages with one name still get two functions',
  );
});

test('a function key: the hash covers "<path>#<key>" and the readable part ends with the key', () => {
  const path = 'notes/src';
  assert.equal(functionName(repo, path, { key: 'addNote' }), `notes-src-addNote-${hash16(`${repo}/${path}#addNote`)}`);
  assert.notEqual(functionName(repo, path, { key: 'addNote' }), functionName(repo, path, { key: 'analyzeNote' }));
  assert.notEqual(functionName(repo, path, { key: 'addNote' }), functionName(repo, path));
  const long = functionName(repo, `${'x'.repeat(60)}`, { prefix: 'p-', key: 'analyzeNote' });
  assert.equal(long.length, MAX_FUNCTION_NAME);
  assert.match(long, /^p-x+-analyzeNote-[0-9a-f]{16}$/, 'the folder part is cut, the key stays whole');
});

test('readable parts at Lambda\'s 64-character edge: cut, never the hash', () => {
  const cases: Array<[path: string, prefix: string, expected: string]> = [
    // 64 - 16 (hash) - 1 (-) = 47 characters of readable part without a prefix.
    ['f'.repeat(47), '', 'f'.repeat(47)],
    ['f'.repeat(48), '', 'f'.repeat(47)],
    ['g'.repeat(44), 'abc', 'g'.repeat(44)],
    ['g'.repeat(45), 'abc', 'g'.repeat(44)],
    [`${'h'.repeat(40)}/src`, '', `${'h'.repeat(40)}-src`],
    [`${'h'.repeat(43)}/src`, '', `${'h'.repeat(43)}-src`],
    [`${'h'.repeat(44)}/src`, '', `${'h'.repeat(44)}-sr`],
    [`${'h'.repeat(46)}/src`, '', 'h'.repeat(46)],
    ['x', 'p'.repeat(46), 'x'],
    ['x', 'p'.repeat(47), ''],
    ['x', 'p'.repeat(48), ''],
  ];
  for (const [path, prefix, readable] of cases) {
    const name = functionName(repo, path, { prefix });
    const hash = hash16(`${repo}/${path}`);
    assert.equal(name, readable ? `${prefix}${readable}-${hash}` : `${prefix}${hash}`, `${prefix}|${path}`);
    assert.ok(name.length <= MAX_FUNCTION_NAME, `${name} is ${name.length} long`);
  }
});

test('function names always fit Lambda: at most 64 of [A-Za-z0-9_-], hash never truncated', () => {
  const paths = ['x', 'functions/with spaces & dots.v2', 'ü/ñ/日本', 'a'.repeat(200), 'deep/'.repeat(30) + 'leaf', '---', `${'long-parent'.repeat(9)}/src`];
  for (const prefix of ['', 'p-', 'a'.repeat(40), 'b'.repeat(47)]) {
    for (const path of paths) {
      for (const key of [undefined, 'k', 'a-rather-long-function-key-of-many-words']) {
        const name = functionName(repo, path, { prefix, ...(key ? { key } : {}) });
        assert.ok(name.length <= MAX_FUNCTION_NAME, `${name} is ${name.length} long`);
        assert.match(name, /^[A-Za-z0-9_-]+$/);
        assert.doesNotMatch(name, /--/, `${name}: no empty readable part between dashes`);
        assert.ok(name.startsWith(prefix));
        assert.ok(name.endsWith(hash16(key ? `${repo}/${path}#${key}` : `${repo}/${path}`)), `${name} keeps the whole hash`);
      }
    }
  }
});

test('a prefix that leaves no room for the hash is a config error naming namePrefix', () => {
  assert.throws(() => functionName(repo, 'x', { prefix: 'c'.repeat(49) }), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.equal(error.file, 'lambda-sync.yml');
    assert.equal(error.field, 'namePrefix');
    return true;
  });
});

test('a configured name that cannot fit beside the prefix is a config error naming its file and field', () => {
  const name = { value: 'n'.repeat(40), file: 'fn/package.json', field: 'lambda.name' };
  assert.equal(functionName(repo, 'fn', { prefix: 'p'.repeat(7), name }).length, MAX_FUNCTION_NAME, 'exactly 64 fits');
  assert.throws(() => functionName(repo, 'fn', { prefix: 'p'.repeat(8), name }), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.equal(error.file, 'fn/package.json');
    assert.equal(error.field, 'lambda.name');
    assert.match(error.message, /40 characters; with namePrefix "p{8}".*exceed Lambda's 64/);
    assert.match(error.hint ?? '', /at most 39 characters/);
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
