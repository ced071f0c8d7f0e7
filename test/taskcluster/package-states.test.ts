// A package with several functions gets one task: its verdict comes from the
// function that needs the most work.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { packageStates } from '../../src/commands/decision-lambda.js';
import type { PackageStatus } from '../../src/lambda/classify.js';

type Row = Pick<PackageStatus, 'path' | 'key' | 'state' | 'detail'>;
const row = (path: string, key: string | undefined, state: Row['state'], detail: string = state): Row => ({ path, ...(key === undefined ? {} : { key }), state, detail });

describe('package states from function states', () => {
  const cases: Array<[string, Row[], Row['state'], RegExp]> = [
    ['a single function keeps its state and detail', [row('a', undefined, 'behind', 'Lambda runs abc')], 'behind', /^Lambda runs abc$/],
    ['all functions in sync: in sync', [row('n', 'add', 'in-sync'), row('n', 'get', 'in-sync')], 'in-sync', /^all 2 functions: in-sync$/],
    ['the one function of a package with `functions`, in sync: named, not "all 1 functions"', [row('n', 'add', 'in-sync')], 'in-sync', /^add: in-sync$/],
    ['one drifted function makes the package need its task', [row('n', 'add', 'in-sync'), row('n', 'get', 'config-drift', 'differs in memory')], 'config-drift', /^get: differs in memory \(1 of 2 functions not in sync\)$/],
    ['in sync and newer-deployed: newer-deployed (no task)', [row('n', 'add', 'in-sync'), row('n', 'get', 'newer-deployed')], 'newer-deployed', /^get: newer-deployed/],
    ['a missing function among newer ones: the package needs its task', [row('n', 'add', 'newer-deployed'), row('n', 'new', 'missing')], 'missing', /^new: missing/],
  ];
  for (const [name, rows, state, detail] of cases) {
    it(name, () => {
      const got = packageStates(rows).get(rows[0]!.path)!;
      assert.equal(got.state, state);
      assert.match(got.detail, detail);
    });
  }

  it('keeps packages apart', () => {
    const states = packageStates([row('a', undefined, 'in-sync'), row('b', 'x', 'missing'), row('b', 'y', 'in-sync')]);
    assert.deepEqual([...states].map(([path, s]) => [path, s.state]), [['a', 'in-sync'], ['b', 'missing']]);
  });
});
