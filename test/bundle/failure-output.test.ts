// A failure says why: npm's summary keeps the lines with the reason, and a
// failed build's output is printed once.
import './npm-offline.js';
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { test } from 'node:test';
import { npmErrorLines } from '../../src/bundle/install/npm.js';
import { emptyOutDir, functionsRepo, REPO_URL, runBundleCli } from './fixtures.js';

const LOG = 'npm error A complete log of this run can be found in: /root/.npm/_logs/2026-12-03T10_00_00_000Z-debug-0.log';
const frames = (n: number): string[] => Array.from({ length: n }, (_, i) => `npm error     at Arborist.#buildDepStep (/usr/lib/node_modules/npm/node_modules/@npmcli/arborist/lib/arborist/build-ideal-tree.js:${900 + i}:18)`);

const cases: { name: string; output: string[]; keeps: RegExp[] }[] = [
  {
    name: 'ERESOLVE: the conflict\'s detail, past a long stack',
    output: [
      'npm error code ERESOLVE',
      'npm error ERESOLVE unable to resolve dependency tree',
      ...frames(14),
      'npm error While resolving: fn@1.0.0',
      'npm error Found: react@18.3.1',
      'npm error node_modules/react',
      'npm error   react@"18.3.1" from the root project',
      'npm error Could not resolve dependency:',
      'npm error peer react@"^17.0.0" from old-widget@2.0.0',
      'npm error Fix the upstream dependency conflict, or retry',
      LOG,
    ],
    keeps: [/While resolving: fn@1\.0\.0/, /Found: react@18\.3\.1/, /Could not resolve dependency:/, /peer react@"\^17\.0\.0" from old-widget@2\.0\.0/, /code ERESOLVE/, /A complete log/],
  },
  {
    name: 'getaddrinfo ENOTFOUND: the network reason',
    output: [...frames(20), 'npm error code ENOTFOUND', 'npm error syscall getaddrinfo', 'npm error network request to https://registry.npmjs.org/left-pad failed, reason: getaddrinfo ENOTFOUND registry.npmjs.org', LOG],
    keeps: [/code ENOTFOUND/, /reason: getaddrinfo ENOTFOUND registry\.npmjs\.org/],
  },
  {
    name: 'node-gyp: gyp ERR! lines',
    output: [
      'npm error code 1',
      'npm error path /work/fn/node_modules/bcrypt',
      'npm error command failed',
      'npm error command sh -c node-gyp rebuild',
      ...Array.from({ length: 14 }, (_, i) => `npm error make: Entering directory '/work/fn/node_modules/bcrypt/build' ${i}`),
      'npm error gyp ERR! build error',
      'npm error gyp ERR! stack Error: `make` failed with exit code: 2',
      'npm error gyp ERR! not ok',
      LOG,
    ],
    keeps: [/gyp ERR! build error/, /gyp ERR! stack Error: `make` failed with exit code: 2/, /gyp ERR! not ok/, /command sh -c node-gyp rebuild/],
  },
];

for (const c of cases) {
  test(`npm summary: ${c.name}`, () => {
    const shown = npmErrorLines(c.output);
    assert.ok(shown.length <= 18, `${shown.length} lines`);
    for (const pattern of c.keeps) assert.ok(shown.some((l) => pattern.test(l)), `${pattern} in:\n${shown.join('\n')}`);
    assert.equal(shown.at(-1), LOG);
    // npm's order is kept
    const positions = shown.filter((l) => c.output.includes(l)).map((l) => c.output.indexOf(l));
    assert.deepEqual(positions, [...positions].sort((a, b) => a - b));
  });
}

test('a failed build\'s output is printed once: in the log as it runs, not again in the error', async () => {
  const repo = functionsRepo();
  try {
    repo.write('fn/compile.sh', 'echo "src/main.ts(3,1): error TS2304: Cannot find name x" >&2\nexit 2\n');
    repo.write('fn/lambda.yml', 'dependsOn: [shared/greeting]\nbuild: sh compile.sh\n').commit('failing build');
    const result = await runBundleCli(['fn', '--root', repo.dir, '--repo-url', REPO_URL, '-o', join(emptyOutDir(), 'fn.zip')]);
    assert.equal(result.code, 1);
    const all = [...result.log, ...result.errors].join('\n');
    assert.equal(all.split('error TS2304').length - 1, 1, all);
    assert.match(result.errors.join('\n'), /failed for package fn \(exit 2\); its output is above/);
  } finally {
    repo.cleanup();
  }
});
