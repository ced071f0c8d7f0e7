import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateTreeherderConfig } from '../../src/taskcluster/schemas.js';
import { assignSymbols, baseSymbol, isValidSymbol, MAX_SYMBOL_LENGTH } from '../../src/taskcluster/symbols.js';

describe('Treeherder symbols', () => {
  it('abbreviates the folder name: initials of its words, or a short single word', () => {
    assert.equal(baseSymbol('examples/functions/resize-images'), 'ri');
    assert.equal(baseSymbol('do-things'), 'dt');
    assert.equal(baseSymbol('fns/say_hello_world'), 'shw');
    assert.equal(baseSymbol('fns/makeThumbnails'), 'mt');
    assert.equal(baseSymbol('fns/thumbnailer'), 'thumbn');
    assert.equal(baseSymbol('fns/API'), 'api');
    assert.equal(baseSymbol('fns/a-b-c-d-e-f-g-h-i'), 'abcdef');
    assert.equal(baseSymbol('fns/---'), 'p', 'a name with no letter or digit still gets a symbol');
  });

  it('tells packages that share a folder name apart by their parent folders, never by a number', () => {
    const cases: Array<[paths: string[], expected: Record<string, string>]> = [
      // Two packages sharing a folder name.
      [['services/api/authorizer', 'services/web/authorizer'], { 'services/api/authorizer': 'api-author', 'services/web/authorizer': 'web-author' }],
      [['authorizer', 'api/authorizer'], { authorizer: 'author', 'api/authorizer': 'api-author' }],
      [['bedrock/src', 'notes/src'], { 'bedrock/src': 'bedroc-src', 'notes/src': 'notes-src' }],
      // The parents' abbreviations agree: their whole names tell them apart.
      [['resize-images/handler', 'rot-images/handler'], { 'resize-images/handler': 'resize-image-handle', 'rot-images/handler': 'rot-images-handle' }],
      // Three packages sharing a folder name.
      [['b/resize', 'a/resize', 'c/resize'], { 'a/resize': 'a-resize', 'b/resize': 'b-resize', 'c/resize': 'c-resize' }],
      // As few parents as tell each apart: y/authorizer needs one, the two under x need two.
      [['a/x/authorizer', 'b/x/authorizer', 'c/y/authorizer'], { 'a/x/authorizer': 'a-x-author', 'b/x/authorizer': 'b-x-author', 'c/y/authorizer': 'y-author' }],
      [['lambda/app', 'api/lambda/app', 'web/lambda/app'], { 'lambda/app': 'lambda-app', 'api/lambda/app': 'api-lambda-app', 'web/lambda/app': 'web-lambda-app' }],
      // Base symbols that collide without the folder names being equal.
      [['x/rot-images', 'y/resize-images', 'z/thumbs'], { 'x/rot-images': 'x-ri', 'y/resize-images': 'y-ri', 'z/thumbs': 'thumbs' }],
    ];
    for (const [paths, expected] of cases) {
      const symbols = assignSymbols(paths);
      assert.deepEqual(Object.fromEntries(symbols), expected, paths.join(' '));
      for (const symbol of symbols.values()) assert.doesNotMatch(symbol, /\d$/, `${symbol}: no numeric suffix`);
    }
  });

  it('numbers only the packages no parent folder tells apart, skipping other packages\' own symbols', () => {
    // do-things and do_things abbreviate alike under one parent; dt2 is the natural symbol of the folder "dt2".
    const symbols = assignSymbols(['a/do-things', 'a/do_things', 'c/dt2']);
    assert.equal(symbols.get('a/do-things'), 'dt');
    assert.equal(symbols.get('c/dt2'), 'dt2');
    assert.equal(symbols.get('a/do_things'), 'dt3');
  });

  it('keeps symbols with parents within Treeherder\'s 25 characters', () => {
    const deep = ['one-two-three-four-five-six/seven-eight-nine-ten-eleven-twelve/p-q', 'one-two-three-four-five-six/seven-eight-nine-ten-eleven-twelve-x/p-q'];
    const symbols = assignSymbols(deep);
    assert.deepEqual([...symbols.values()].sort(), ['sentet-pq', 'sentetx-pq'], 'long parents that differ past the cut: initials of all their words');
    for (const symbol of symbols.values()) assert.ok(isValidSymbol(symbol) && symbol.length <= MAX_SYMBOL_LENGTH, symbol);
    const tooDeep = [`${'a-'.repeat(30)}a/${'b-'.repeat(30)}b/x`, `${'a-'.repeat(30)}b/${'b-'.repeat(30)}b/x`];
    const numbered = assignSymbols(tooDeep);
    assert.deepEqual([...numbered.values()].sort(), ['x', 'x2'], 'what no parent tells apart within 25 characters is numbered');
  });

  it('depends only on the set of paths, not their order', () => {
    const paths = ['z/a-b', 'y/a-b', 'x/ab', 'w/a-b'];
    assert.deepEqual([...assignSymbols(paths)].sort(), [...assignSymbols([...paths].reverse())].sort());
  });

  it('stays unique, short and schema-valid for 3,000 packages with many collisions', () => {
    const paths: string[] = [];
    for (let i = 0; i < 3000; i++) paths.push(`group-${i % 50}/${['resize-images', 'do-things', 'api', 'x'][i % 4]}-${i % 7 === 0 ? '' : 'fn'}`);
    const symbols = assignSymbols(paths);
    const unique = new Set(paths);
    assert.equal(symbols.size, unique.size);
    assert.equal(new Set(symbols.values()).size, unique.size, 'no two packages share a symbol');
    for (const symbol of symbols.values()) {
      assert.ok(isValidSymbol(symbol) && symbol.length <= MAX_SYMBOL_LENGTH, symbol);
      assert.ok(validateTreeherderConfig({ symbol, groupSymbol: 'LS' }).ok);
    }
  });
});
