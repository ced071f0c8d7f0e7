import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { TestRepo } from '../support/git-repo.js';
import { runCli } from '../support/cli.js';

test('bundle never writes its zip inside a package folder by default', async (t) => {
  const repo = new TestRepo();
  t.after(() => repo.cleanup());
  repo.addPackage('functions/fn', { lambda: {} }).write('functions/fn/src/util.js', 'module.exports = 1;\n');
  repo.addPackage('outer', { lambda: {} }).addPackage('outer/inner', { lambda: {} });
  repo.commit();
  mkdirSync(join(repo.dir, 'docs'));
  const zipOf = (path: string): string => `${path.split('/').pop()}-${repo.head().slice(0, 12)}.zip`;

  const cases: Array<{ cwd: string; args: string[]; writesTo: string; says: boolean }> = [
    { cwd: '.', args: ['functions/fn'], writesTo: '.', says: false },
    { cwd: 'docs', args: ['../functions/fn'], writesTo: 'docs', says: false },
    { cwd: 'functions', args: ['fn'], writesTo: 'functions', says: false },
    { cwd: 'functions/fn', args: ['.'], writesTo: 'functions', says: true },
    { cwd: 'functions/fn/src', args: ['..'], writesTo: 'functions', says: true },
    { cwd: 'functions/fn', args: ['../../outer'], writesTo: 'functions', says: true },
    { cwd: 'outer/inner', args: ['.'], writesTo: '.', says: true },
  ];
  for (const c of cases) {
    const pkg = c.args[0]!.endsWith('outer') ? 'outer' : c.cwd.startsWith('outer') ? 'outer/inner' : 'functions/fn';
    const result = await runCli(['bundle', ...c.args, '--repo-url', 'https://github.com/o/r'], { cwd: join(repo.dir, c.cwd) });
    assert.equal(result.code, 0, `${c.cwd}: ${result.stderr}`);
    const expected = join(repo.dir, c.writesTo, zipOf(pkg));
    assert.ok(existsSync(expected), `${c.cwd} ${c.args.join(' ')}: expected ${expected}\n${result.stderr}`);
    assert.equal(/the current folder is inside the package .*; writing the zip to/.test(result.stderr), c.says, result.stderr);
    for (const dir of ['functions/fn', 'functions/fn/src', 'outer', 'outer/inner']) {
      assert.deepEqual(readdirSync(join(repo.dir, dir)).filter((f) => f.endsWith('.zip')), [], `no zip in the package folder ${dir}`);
    }
  }

  const explicit = await runCli(['bundle', '.', '-o', 'here.zip', '--repo-url', 'https://github.com/o/r'], { cwd: join(repo.dir, 'functions/fn') });
  assert.equal(explicit.code, 0, explicit.stderr);
  assert.ok(existsSync(join(repo.dir, 'functions/fn/here.zip')), '-o is taken as given');
});
