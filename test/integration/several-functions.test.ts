// Several functions from one package (issue 10 §6): a package whose
// lambda.yml declares two functions (one code base, two handlers), beside a
// plain package, through plan, sync, the decision (queue double, schemas)
// and the task the decision creates (Lambda double).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { functionDescription } from '../../src/packages/description.js';
import { functionName } from '../../src/packages/function-name.js';
import type { RepositoryId } from '../../src/repo/repository-id.js';
import { validateCreateTaskRequest, type CreateTaskRequest } from '../../src/taskcluster/schemas.js';
import { runCli } from '../support/cli.js';
import { tempDir, TestRepo } from '../support/git-repo.js';
import { startLambdaServer, type LambdaServer } from '../support/lambda-server.js';
import { startQueueServer, type QueueServer } from '../support/queue-server.js';
import { cliEnv, ROLE, seedPackageFunction } from '../lambda/fixtures.js';
import { createDecisionTask, DECISION_SCOPES, gitRedirectEnv, REPO_URL, ROOT_CONFIG } from '../taskcluster/fixtures.js';

const REPO_ID = 'github.com/owner/fns' as RepositoryId;
const NOTES_YML = `memory: 256
environment:
  TABLE: notes
functions:
  addNote:
    handler: add.handler
    timeout: 10
  analyzeNote:
    handler: analyze.handler
    memory: 1024
    environment:
      MODEL: small
`;

let lambda: LambdaServer;
let queue: QueueServer;
let repo: TestRepo;
const NAMES = {
  add: functionName(REPO_ID, 'fns/notes', { key: 'addNote' }),
  analyze: functionName(REPO_ID, 'fns/notes', { key: 'analyzeNote' }),
  plain: functionName(REPO_ID, 'fns/plain'),
};

function zipLines(stderr: string): number {
  return stderr.split('\n').filter((l) => /\bzip \d+ files/.test(l)).length;
}

before(async () => {
  [lambda, queue] = await Promise.all([startLambdaServer({ transitionMs: 20 }), startQueueServer()]);
  repo = new TestRepo();
  repo.write('lambda-sync.yml', `${ROOT_CONFIG}defaults:\n  role: ${ROLE}\n`);
  repo.writeJson('fns/notes/package.json', { name: 'notes', version: '1.0.0', private: true });
  repo.write('fns/notes/add.js', 'exports.handler = async () => "added";\n');
  repo.write('fns/notes/analyze.js', 'exports.handler = async () => "analyzed";\n');
  repo.write('fns/notes/lambda.yml', NOTES_YML);
  repo.addPackage('fns/plain', { lambda: {} });
  repo.git('remote', 'add', 'origin', `${REPO_URL}.git`);
  repo.commit('notes and plain');
});
after(async () => {
  await Promise.all([lambda.close(), queue.close()]);
  repo.cleanup();
});

describe('a package with two functions', () => {
  it('plan lists each function: names hash <repository id>/<path>#<key> and end with the key; a plain package is named as always', async () => {
    const result = await runCli(['plan', '--json'], { cwd: repo.dir });
    assert.equal(result.code, 0, result.stderr);
    const head = repo.head();
    const plan = JSON.parse(result.stdout) as { packages: Array<{ path: string; functionName: string | null; description: string | null; handler: string | null; functions: Array<{ key: string | null; functionName: string; description: string; handler: string; memory: number; timeout: number }> }> };
    const [notes, plain] = plan.packages;
    assert.deepEqual(notes!.functions.map((f) => [f.key, f.functionName, f.description, f.handler, f.memory, f.timeout]), [
      ['addNote', NAMES.add, `${REPO_ID}/fns/notes#addNote@${head}`, 'add.handler', 256, 10],
      ['analyzeNote', NAMES.analyze, `${REPO_ID}/fns/notes#analyzeNote@${head}`, 'analyze.handler', 1024, 3],
    ]);
    assert.match(NAMES.add, /^notes-addNote-[0-9a-f]{16}$/);
    assert.match(NAMES.analyze, /^notes-analyzeNote-[0-9a-f]{16}$/);
    // Each function has its own handler: the package has none, as it has no one name or Description.
    assert.deepEqual([notes!.functionName, notes!.description, notes!.handler], [null, null, null]);
    assert.deepEqual([plain!.functionName, plain!.description, plain!.handler], [NAMES.plain, functionDescription(REPO_ID, 'fns/plain', head), 'main.handler']);
    assert.match(NAMES.plain, /^plain-[0-9a-f]{16}$/);

    const table = await runCli(['plan'], { cwd: repo.dir });
    assert.deepEqual(table.stdout.trim().split('\n').slice(1).map((l) => l.split(/\s+/).slice(0, 2)), [['fns/notes#addNote', NAMES.add], ['fns/notes#analyzeNote', NAMES.analyze], ['fns/plain', NAMES.plain]]);
    assert.match(table.stderr, /2 package\(s\), 3 function\(s\)/);
  });

  it('sync deploys three functions from two bundles, each with its own settings and Description, and counts functions', async () => {
    const result = await runCli(['sync', '--verbose', '--concurrency', '1'], { cwd: repo.dir, env: cliEnv(lambda) });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(zipLines(result.stderr), 2, 'one bundle per package');
    assert.match(result.stderr, /3 functions of 2 packages: 3 created in/);
    assert.deepEqual(result.stdout.trim().split('\n').slice(1).map((r) => r.split(/\s{2,}/).slice(0, 2)), [['fns/notes#addNote', 'created'], ['fns/notes#analyzeNote', 'created'], ['fns/plain', 'created']]);
    const head = repo.head();
    const config = (name: string) => lambda.function(name)!.configuration;
    assert.deepEqual([config(NAMES.add).Handler, config(NAMES.add).MemorySize, config(NAMES.add).Timeout, config(NAMES.add).Environment], ['add.handler', 256, 10, { Variables: { TABLE: 'notes' } }]);
    assert.deepEqual([config(NAMES.analyze).Handler, config(NAMES.analyze).MemorySize, config(NAMES.analyze).Environment], ['analyze.handler', 1024, { Variables: { TABLE: 'notes', MODEL: 'small' } }]);
    assert.equal(config(NAMES.add).Description, `${REPO_ID}/fns/notes#addNote@${head}`);
    assert.equal(config(NAMES.plain).Description, `${REPO_ID}/fns/plain@${head}`);
    assert.equal(config(NAMES.add).CodeSha256, config(NAMES.analyze).CodeSha256, 'one bundle for both');

    // One function's memory: one configuration update, nothing bundled, the other function untouched.
    repo.write('fns/notes/lambda.yml', NOTES_YML.replace('memory: 1024', 'memory: 2048')).commit('more memory for analyzeNote');
    lambda.calls.length = 0;
    const again = await runCli(['sync', '--verbose', '--json'], { cwd: repo.dir, env: cliEnv(lambda) });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(zipLines(again.stderr), 0);
    const rows = (JSON.parse(again.stdout) as { packages: Array<{ path: string; key?: string; action: string }> }).packages;
    assert.deepEqual(rows.map((r) => [r.path, r.key ?? null, r.action]), [['fns/notes', 'addNote', 'skipped'], ['fns/notes', 'analyzeNote', 'configured'], ['fns/plain', null, 'skipped']]);
    assert.deepEqual(lambda.calls.filter((c) => c.operation !== 'GetFunction').map((c) => [c.operation, c.functionName]), [['UpdateFunctionConfiguration', NAMES.analyze], ['TagResource', NAMES.analyze]]);
    assert.equal(config(NAMES.analyze).MemorySize, 2048);
  });

  it('the decision keeps one task per package, naming both functions; that task deploys both and bundles once', async () => {
    repo.write('fns/notes/add.js', 'exports.handler = async () => "added v2";\n').commit('new code for both');
    const decisionId = await createDecisionTask(queue);
    const artifacts = join(tempDir(), 'artifacts');
    const env = { TASK_ID: decisionId, TASK_GROUP_ID: '', TASKCLUSTER_PROXY_URL: queue.proxyUrlFor(DECISION_SCOPES), TASKCLUSTER_ROOT_URL: '' };
    const result = await runCli(['decision', '--artifacts', artifacts], { cwd: repo.dir, env });
    assert.equal(result.code, 0, result.stderr);
    const created = [...queue.tasks.entries()].filter(([id]) => id !== decisionId).map(([, t]) => t as unknown as CreateTaskRequest);
    assert.deepEqual(created.map((t) => t.metadata.name).sort(), ['deploy fns/notes', 'deploy fns/plain']);
    for (const task of created) assert.ok(validateCreateTaskRequest(task).ok, JSON.stringify(validateCreateTaskRequest(task)));
    const notes = created.find((t) => t.metadata.name === 'deploy fns/notes')!;
    assert.equal(notes.tags!.function, `${NAMES.add} ${NAMES.analyze}`);
    const head = repo.head();
    assert.ok(notes.metadata.description.includes(`${REPO_ID}/fns/notes#analyzeNote@${head}`), notes.metadata.description);
    const plan = JSON.parse(readFileSync(join(artifacts, 'plan.json'), 'utf8')) as { packages: Array<{ path: string; functions: Array<{ key: string | null; functionName: string }> }> };
    assert.deepEqual(plan.packages.find((p) => p.path === 'fns/notes')!.functions.map((f) => [f.key, f.functionName]), [['addNote', NAMES.add], ['analyzeNote', NAMES.analyze]]);

    // What the task runs, from its own payload, outside any checkout.
    const payload = notes.payload as { command: string[]; env: Record<string, string> };
    lambda.calls.length = 0;
    const task = await runCli([...payload.command, '--json'], { cwd: tempDir(), env: cliEnv(lambda, { ...payload.env, ...gitRedirectEnv(repo) }) });
    assert.equal(task.code, 0, task.stderr);
    assert.equal(zipLines(task.stderr), 1, 'the package is bundled once for its two functions');
    const out = JSON.parse(task.stdout) as { path: string; functions: Array<{ key: string; action: string; functionName: string }> };
    assert.deepEqual(out.functions.map((f) => [f.key, f.action, f.functionName]), [['addNote', 'updated', NAMES.add], ['analyzeNote', 'updated', NAMES.analyze]]);
    assert.equal(lambda.callsTo('UpdateFunctionCode').length, 2);
    assert.equal(lambda.function(NAMES.analyze)!.configuration.Description, `${REPO_ID}/fns/notes#analyzeNote@${head}`);
  });

  it('deploy of a package two of whose function names another holds: the others deploy, and --json, result.json and the log give every function\'s outcome', async () => {
    const foreign = { share: functionName(REPO_ID, 'fns/notes', { key: 'shareNote' }), tag: functionName(REPO_ID, 'fns/notes', { key: 'tagNote' }) };
    for (const name of Object.values(foreign)) seedPackageFunction(lambda, { path: 'fns/notes', functionName: name, revision: 'x', description: 'made by hand', tags: {} });
    repo.write('fns/notes/lambda.yml', `${NOTES_YML}  shareNote:\n    handler: add.handler\n  tagNote:\n    handler: add.handler\n`).commit('two more functions');
    const artifacts = join(tempDir(), 'artifacts');
    const result = await runCli(['deploy', 'fns/notes', '--json', '--artifacts', artifacts], { cwd: repo.dir, env: cliEnv(lambda) });
    assert.equal(result.code, 2, 'a function another owns is a conflict to resolve (exit 2)');
    const out = JSON.parse(result.stdout) as { path: string; functions: Array<{ key: string; action: string; functionName: string; error?: string }> };
    assert.deepEqual(out.functions.map((f) => [f.key, f.action]), [['addNote', 'skipped'], ['analyzeNote', 'configured'], ['shareNote', 'failed'], ['tagNote', 'failed']]);
    assert.match(out.functions[3]!.error!, new RegExp(`^${foreign.tag} is not the function of ${REPO_ID}/fns/notes#tagNote`));
    assert.equal(lambda.function(NAMES.analyze)!.configuration.MemorySize, 1024, 'the functions that are the package\'s were deployed');
    for (const [key, name] of [['shareNote', foreign.share], ['tagNote', foreign.tag]] as const) {
      assert.match(result.stderr, new RegExp(`^failed ${name} \\(fns/notes#${key}\\): ${name} is not the function of`, 'm'), 'each failure has its line, not only the first');
      assert.equal(lambda.function(name)!.configuration.Description, 'made by hand');
    }
    const report = JSON.parse(readFileSync(join(artifacts, 'result.json'), 'utf8')) as { action: string; function: string; functions: Array<{ key: string; action: string }>; error: string };
    assert.equal(report.action, 'failed');
    assert.deepEqual(report.functions.map((f) => [f.key, f.action]), [['addNote', 'skipped'], ['analyzeNote', 'configured'], ['shareNote', 'failed'], ['tagNote', 'failed']]);
    assert.match(report.error, new RegExp(`^${foreign.share} is not the function of`));
  });
});
