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

  it('keeps symbols unique when folder names collide, with numeric suffixes in path order', () => {
    const symbols = assignSymbols(['b/resize', 'a/resize', 'c/resize', 'x/rot-images', 'y/resize-images']);
    assert.deepEqual(Object.fromEntries(symbols), {
      'a/resize': 'resize',
      'b/resize': 'resize2',
      'c/resize': 'resize3',
      'x/rot-images': 'ri',
      'y/resize-images': 'ri2',
    });
  });

  it('never hands a suffixed symbol that is another package\'s own', () => {
    // dt2 is the natural symbol of the folder "dt2"; the second do-things must skip it.
    const symbols = assignSymbols(['a/do-things', 'b/do-things', 'c/dt2']);
    assert.equal(symbols.get('a/do-things'), 'dt');
    assert.equal(symbols.get('c/dt2'), 'dt2');
    assert.equal(symbols.get('b/do-things'), 'dt3');
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
