import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configReferenceMarkdown } from '../../src/config/reference.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

test('the README\'s configuration reference is the one generated from schema/', () => {
  const block = /<!-- config-reference:start -->\n([\s\S]*?)\n<!-- config-reference:end -->/.exec(readme);
  assert.ok(block, 'the README has the config-reference markers');
  assert.equal(block[1]!.trim(), configReferenceMarkdown().trim(), 'run `npm run docs:config` and paste its output between the markers');
});

test('the quick start is two commands, and CI runs exactly its test command', () => {
  const quickStart = /## Quick start[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme);
  assert.ok(quickStart);
  const commands = quickStart[1]!.trim().split('\n');
  assert.equal(commands.length, 2);
  assert.match(commands[0]!, /^npm ci && npm run build && node dist\/src\/cli\.js decision --dry-run --root examples\/functions --repo-url https:\/\/\S+$/);
  const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8').trim().split('\n');
  assert.equal(ci.at(-1), commands[1], '.ci/run ends with the README\'s test command');
  assert.ok(ci.includes('npm ci --no-audit --no-fund'));
});

test('the README documents every command of the CLI', async () => {
  const { buildProgram } = await import('../../src/commands/index.js');
  const { silentLogger } = await import('../../src/log.js');
  const names = buildProgram(silentLogger).commands.map((c) => c.name());
  assert.ok(names.length >= 6);
  for (const name of names) assert.match(readme, new RegExp(`\`lambda-sync ${name}\\b`), `README documents ${name}`);
});
