#!/usr/bin/env node
// Runs every compiled test file with Node's built-in runner and ends with one
// "N passed, N failed" line. Node 20's --test takes no globs, so the files are
// listed here. Usage: node test/run.mjs [filter substring...]
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const testDir = join(root, 'dist', 'test');
const filters = process.argv.slice(2);

function walk(dir) {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'support' ? [] : walk(path);
    return name.endsWith('.test.js') ? [path] : [];
  });
}

const files = walk(testDir).filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
if (files.length === 0) {
  console.error(`no test files found under ${relative(root, testDir)} (run npm run build first)`);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  [
    '--test',
    // Most tests wait on the doubles' scaled-down transitions, on git and on child processes, not on
    // the CPU: three files at once halves the suite on 2 cores (Node 20's default is cores - 1).
    `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 3}`,
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    `--test-reporter=${join(root, 'test', 'summary-reporter.mjs')}`, '--test-reporter-destination=stdout',
    ...files,
  ],
  { stdio: 'inherit', cwd: root },
);
process.exit(result.status ?? 1);
