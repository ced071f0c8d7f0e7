// Discovery reads only what can be a package (issue 10 §1), and what deploys
// reads packages and config from the commit, never the working tree (§2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../support/cli.js';
import { TestRepo } from '../support/git-repo.js';
import { planPackages } from '../../src/packages/plan.js';
import type { Logger } from '../../src/log.js';
import { createLogger } from '../../src/log.js';

const URL = 'https://github.com/owner/functions';
/** What real repositories hold: a package.json with a comment (tsconfig-style JSON5), in a folder that is no Lambda package. */
const COMMENTED_MANIFEST = '// tooling, not a function\n{ "name": "tooling", "private": true }\n';

function recording(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: createLogger((line) => lines.push(line)), lines };
}

test('without packages globs, an unparsable package.json in a folder without lambda.yml is a warning naming the file', async (t) => {
  const repo = new TestRepo();
  t.after(() => repo.cleanup());
  repo.write('lambda-sync.yml', 'taskcluster:\n  taskQueueId: proj/deploy\naws:\n  secret: aws-keys\n');
  repo.addPackage('functions/a', { lambda: {} });
  repo.write('tools/web/package.json', COMMENTED_MANIFEST);
  repo.write('package.json', '[1, 2]\n'); // the root: not an object, and no package either
  repo.commit();
  for (const from of ['working-tree', undefined] as const) {
    const { logger, lines } = recording();
    const plan = await planPackages({ root: repo.dir, repoUrl: URL, logger, ...(from ? { from } : {}) });
    assert.deepEqual(plan.packages.map((p) => p.path), ['functions/a']);
    const warnings = lines.filter((l) => l.startsWith('warning: '));
    assert.equal(warnings.length, 2, lines.join('\n'));
    assert.match(warnings.join('\n'), /^warning: package\.json: must hold a JSON object; the repository root is no package/m);
    assert.match(warnings.join('\n'), /^warning: tools\/web\/package\.json: is not valid JSON: .*; a folder without lambda\.yml is no package, so it is left out$/m);
  }
  for (const command of [['plan'], ['decision', '--dry-run']]) {
    const result = await runCli([...command, '--repo-url', URL], { cwd: repo.dir });
    assert.equal(result.code, 0, `${command[0]}: ${result.stderr}`);
    assert.match(result.stderr, /warning: tools\/web\/package\.json: is not valid JSON/);
  }
});

test('with packages globs, only matching folders are read at all: a broken file elsewhere is not even looked at', async (t) => {
  const repo = new TestRepo();
  t.after(() => repo.cleanup());
  repo.write('lambda-sync.yml', 'packages: ["functions/*"]\n');
  repo.addPackage('functions/a');
  repo.write('tools/web/package.json', COMMENTED_MANIFEST);
  repo.write('tools/web/lambda.yml', 'memory: [\n'); // broken YAML too: unread
  repo.commit();
  const { logger, lines } = recording();
  const plan = await planPackages({ root: repo.dir, repoUrl: URL, logger });
  assert.deepEqual(plan.packages.map((p) => p.path), ['functions/a']);
  assert.deepEqual(lines.filter((l) => l.startsWith('warning')), []);
});

test('a matched package\'s broken package.json is still a config error naming the file (exit 2)', async (t) => {
  const repo = new TestRepo();
  t.after(() => repo.cleanup());
  repo.write('lambda-sync.yml', 'packages: ["functions/*"]\n');
  repo.write('functions/a/package.json', COMMENTED_MANIFEST);
  repo.commit();
  const result = await runCli(['plan', '--repo-url', URL], { cwd: repo.dir });
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /error: functions\/a\/package\.json: is not valid JSON/);
  assert.equal(result.stdout, '');
});

test('deploys read packages and config from the commit: uncommitted config and packages do not exist for them', async (t) => {
  const repo = new TestRepo();
  t.after(() => repo.cleanup());
  repo.write('lambda-sync.yml', 'defaults:\n  memory: 256\n');
  repo.addPackage('a', { lambdaYml: 'timeout: 10\n' });
  const committed = repo.commit();
  repo.write('lambda-sync.yml', 'defaults:\n  memory: 999\n  handler: nope\n'); // even invalid: never read
  repo.write('a/lambda.yml', 'timeout: 777\n');
  repo.addPackage('fresh', { lambda: {} });

  const atHead = await planPackages({ root: repo.dir, repoUrl: URL });
  assert.equal(atHead.head, committed);
  assert.deepEqual(atHead.packages.map((p) => [p.path, p.config.memory, p.config.timeout]), [['a', 256, 10]]);
  assert.deepEqual(atHead.packages[0]!.uncommittedFiles, ['a/lambda.yml', 'lambda-sync.yml']);

  // plan previews the working tree, and marks what is not committed.
  repo.write('lambda-sync.yml', 'defaults:\n  memory: 999\n');
  const preview = await planPackages({ root: repo.dir, repoUrl: URL, from: 'working-tree' });
  assert.deepEqual(preview.packages.map((p) => [p.path, p.config.memory, p.config.timeout, p.uncommittedFiles.length > 0]), [['a', 999, 777, true], ['fresh', 999, 3, true]]);
});
