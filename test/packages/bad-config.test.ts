import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { tempDir, TestRepo } from '../support/git-repo.js';
import { runCli } from '../support/cli.js';

interface BadCase {
  name: string;
  setup: (repo: TestRepo) => void;
  file: string;
  field: string;
  reason: RegExp;
}

const pkgYml = (yml: string) => (repo: TestRepo) => repo.addPackage('fn', { lambdaYml: yml });
const pkgJson = (lambda: unknown) => (repo: TestRepo) =>
  repo.writeJson('fn/package.json', { name: 'fn', version: '1.0.0', lambda }).write('fn/main.js', '');
const rootYml = (yml: string) => (repo: TestRepo) => repo.addPackage('fn', { lambda: {} }).write('lambda-sync.yml', yml);

const cases: BadCase[] = [
  { name: 'memory below Lambda\'s minimum', setup: pkgYml('memory: 64\n'), file: 'fn/lambda.yml', field: 'memory', reason: /64 is out of range \(128-10240\)/ },
  { name: 'memory above Lambda\'s maximum', setup: pkgYml('memory: 10241\n'), file: 'fn/lambda.yml', field: 'memory', reason: /out of range/ },
  { name: 'timeout above 900', setup: pkgYml('timeout: 901\n'), file: 'fn/lambda.yml', field: 'timeout', reason: /901 is out of range \(1-900\)/ },
  { name: 'timeout not a number', setup: pkgYml('timeout: soon\n'), file: 'fn/lambda.yml', field: 'timeout', reason: /must be integer/ },
  { name: 'deprecated runtime', setup: pkgYml('runtime: nodejs20.x\n'), file: 'fn/lambda.yml', field: 'runtime', reason: /nodejs20.x is deprecated.*use nodejs24.x/ },
  { name: 'unknown runtime', setup: pkgYml('runtime: cobol85\n'), file: 'fn/lambda.yml', field: 'runtime', reason: /"cobol85" is not allowed \(allowed: nodejs22.x, nodejs24.x/ },
  { name: 'environment over Lambda\'s 4 KB', setup: pkgYml(`environment:\n  BIG: "${'x'.repeat(4100)}"\n`), file: 'fn/lambda.yml', field: 'environment', reason: /4,?1\d\d bytes.*4 KB/ },
  { name: 'handler without an export', setup: pkgYml('handler: main\n'), file: 'fn/lambda.yml', field: 'handler', reason: /file.export/ },
  { name: 'handler escaping the package', setup: pkgYml('handler: ../x.handler\n'), file: 'fn/lambda.yml', field: 'handler', reason: /file.export/ },
  { name: 'reserved AWS_ variable', setup: pkgYml('environment:\n  AWS_REGION: us-east-1\n'), file: 'fn/lambda.yml', field: 'environment.AWS_REGION', reason: /reserved by Lambda/ },
  { name: 'bad variable name', setup: pkgYml('environment:\n  1ST: x\n'), file: 'fn/lambda.yml', field: 'environment.1ST', reason: /not a valid variable name/ },
  { name: 'variable that is not a string', setup: pkgYml('environment:\n  COUNT: 3\n'), file: 'fn/lambda.yml', field: 'environment.COUNT', reason: /must be string/ },
  { name: 'unknown key', setup: pkgYml('memroy: 256\n'), file: 'fn/lambda.yml', field: 'memroy', reason: /unknown key; did you mean memory\? \(allowed: name, handler, runtime, memory/ },
  { name: 'key named as other Lambda tools name it', setup: pkgJson({ memorySize: 256 }), file: 'fn/package.json', field: 'lambda.memorySize', reason: /unknown key; did you mean memory\?/ },
  { name: 'unknown key nothing resembles', setup: pkgYml('tracing: Active\n'), file: 'fn/lambda.yml', field: 'tracing', reason: /unknown key \(allowed: name, handler/ },
  { name: 'name with a dot', setup: pkgYml('name: my.function\n'), file: 'fn/lambda.yml', field: 'name', reason: /"my.function" may only hold letters, digits, - and _/ },
  { name: 'name with a space, in package.json', setup: pkgJson({ name: 'my function' }), file: 'fn/package.json', field: 'lambda.name', reason: /"my function" may only hold letters, digits, - and _/ },
  { name: 'empty name', setup: pkgYml('name: ""\n'), file: 'fn/lambda.yml', field: 'name', reason: /may only hold letters, digits, - and _ \(1 to 47/ },
  { name: 'name over 47 characters', setup: pkgYml(`name: ${'n'.repeat(48)}\n`), file: 'fn/lambda.yml', field: 'name', reason: /may only hold letters, digits, - and _ \(1 to 47/ },
  {
    name: 'name that does not fit beside namePrefix',
    setup: (repo) => repo.addPackage('fn', { lambdaYml: `name: ${'n'.repeat(40)}\n` }).write('lambda-sync.yml', `namePrefix: ${'p'.repeat(8)}\n`),
    file: 'fn/lambda.yml', field: 'name', reason: /40 characters; with namePrefix "p{8}".*exceed Lambda's 64/,
  },
  { name: 'name in root defaults', setup: rootYml('defaults:\n  name: shared\n'), file: 'lambda-sync.yml', field: 'defaults.name', reason: /unknown key \(allowed: handler,/ },
  { name: 'description set by hand', setup: pkgYml('description: mine\n'), file: 'fn/lambda.yml', field: 'description', reason: /cannot be set: lambda-sync writes the Description/ },
  { name: 'role that is not an IAM role ARN', setup: pkgYml('role: my-role\n'), file: 'fn/lambda.yml', field: 'role', reason: /not an IAM role ARN/ },
  { name: 'unknown architecture', setup: pkgYml('architecture: x86\n'), file: 'fn/lambda.yml', field: 'architecture', reason: /"x86" is not allowed \(allowed: x86_64, arm64\)/ },
  { name: 'lambda.yml that is not a mapping', setup: pkgYml('- memory\n'), file: 'fn/lambda.yml', field: '', reason: /must be object/ },
  { name: 'lambda.yml with a YAML syntax error', setup: pkgYml('memory: [128\n'), file: 'fn/lambda.yml', field: '', reason: /not valid YAML.*line/ },
  { name: '"lambda" key that is not an object', setup: pkgJson('yes'), file: 'fn/package.json', field: 'lambda', reason: /must be an object.*got string/ },
  { name: '"lambda" key that is an array', setup: pkgJson([]), file: 'fn/package.json', field: 'lambda', reason: /must be an object.*got an array/ },
  { name: 'bad field in the "lambda" object', setup: pkgJson({ memory: 'big' }), file: 'fn/package.json', field: 'lambda.memory', reason: /must be integer/ },
  {
    name: 'both lambda.yml and a "lambda" object',
    setup: (repo) => repo.addPackage('fn', { lambda: {}, lambdaYml: 'memory: 256\n' }),
    file: 'fn/package.json', field: 'lambda', reason: /fn\/lambda.yml configures this package too/,
  },
  {
    name: 'package.json that is not JSON',
    setup: (repo) => repo.write('fn/package.json', '{ nope').write('fn/lambda.yml', '{}\n'),
    file: 'fn/package.json', field: '', reason: /not valid JSON/,
  },
  { name: 'dependsOn path that does not exist', setup: pkgYml('dependsOn: [lib/missing]\n'), file: 'fn/lambda.yml', field: 'dependsOn[0]', reason: /"lib\/missing" does not exist/ },
  { name: 'dependsOn path that leaves the repository', setup: pkgYml('dependsOn: [../elsewhere]\n'), file: 'fn/lambda.yml', field: 'dependsOn[0]', reason: /leaves the repository/ },
  { name: 'absolute dependsOn path', setup: pkgYml('dependsOn: [/etc]\n'), file: 'fn/lambda.yml', field: 'dependsOn[0]', reason: /is absolute/ },
  {
    name: 'dependsOn through a symlink that leaves the repository',
    setup: (repo) => repo.addPackage('fn', { lambdaYml: 'dependsOn: [linked]\n' }).symlink('linked', tempDir()),
    file: 'fn/lambda.yml', field: 'dependsOn[0]', reason: /leads outside the repository/,
  },
  { name: 'a function without a handler', setup: pkgYml('functions:\n  api:\n    memory: 256\n'), file: 'fn/lambda.yml', field: 'functions.api', reason: /must have required property 'handler'/ },
  { name: 'a package handler beside functions', setup: pkgYml('handler: main.handler\nfunctions:\n  api:\n    handler: api.handler\n'), file: 'fn/lambda.yml', field: 'handler', reason: /is not used by a package with functions: each function sets its own handler/ },
  { name: 'an unknown key of a function', setup: pkgYml('functions:\n  api:\n    handler: api.handler\n    runtime: nodejs22.x\n'), file: 'fn/lambda.yml', field: 'functions.api.runtime', reason: /unknown key \(allowed: handler, memory, timeout, environment, role, alias\)/ },
  { name: 'a function key a name cannot hold', setup: pkgYml('functions:\n  "add note":\n    handler: add.handler\n'), file: 'fn/lambda.yml', field: 'functions.add note', reason: /"add note" is not a function key/ },
  { name: 'a function\'s timeout out of range', setup: pkgJson({ functions: { api: { handler: 'api.handler', timeout: 0 } } }), file: 'fn/package.json', field: 'lambda.functions.api.timeout', reason: /0 is out of range \(1-900\)/ },
  { name: 'functions in the root defaults', setup: rootYml('defaults:\n  functions:\n    api:\n      handler: api.handler\n'), file: 'lambda-sync.yml', field: 'defaults.functions', reason: /unknown key/ },
  { name: 'namePrefix too long for the hash', setup: rootYml(`namePrefix: ${'p'.repeat(48)}\n`), file: 'lambda-sync.yml', field: 'namePrefix', reason: /must NOT have more than 47 characters/ },
  { name: 'namePrefix with bad characters', setup: rootYml('namePrefix: "my.prefix"\n'), file: 'lambda-sync.yml', field: 'namePrefix', reason: /letters, digits, - and _/ },
  { name: 'unknown root key', setup: rootYml('pakages: ["*"]\n'), file: 'lambda-sync.yml', field: 'pakages', reason: /unknown key; did you mean packages\? \(allowed: packages, namePrefix/ },
  { name: 'bad value in root defaults', setup: rootYml('defaults:\n  memory: 99999\n'), file: 'lambda-sync.yml', field: 'defaults.memory', reason: /out of range/ },
  { name: 'priority the queue rejects', setup: rootYml('taskcluster:\n  priority: normal\n'), file: 'lambda-sync.yml', field: 'taskcluster.priority', reason: /"normal" is not allowed/ },
  { name: 'bad region', setup: rootYml('region: mars\n'), file: 'lambda-sync.yml', field: 'region', reason: /not an AWS region/ },
  { name: 'root config YAML error', setup: rootYml('packages: [\n'), file: 'lambda-sync.yml', field: '', reason: /not valid YAML/ },
  { name: 'packages globs that match nothing', setup: rootYml('packages: ["nowhere/*"]\n'), file: 'lambda-sync.yml', field: 'packages', reason: /no package folder matches "nowhere\/\*"/ },
  {
    name: 'package folder through a symlink leading outside the repository',
    setup: (repo) => {
      const outside = new TestRepo(undefined, { init: false });
      outside.addPackage('.', { lambda: {} });
      repo.addPackage('fn', { lambda: {} }).symlink('linked-fn', outside.dir);
    },
    file: 'linked-fn', field: '', reason: /is a symlink to .* outside the repository/,
  },
  {
    name: 'repository root configured as a package',
    setup: (repo) => repo.writeJson('package.json', { name: 'root', lambda: {} }),
    file: 'package.json', field: 'lambda', reason: /repository root cannot be a package/,
  },
];

describe('bad configuration: file, field, reason, exit 2', { concurrency: 4 }, () => {
  for (const c of cases) {
    test(c.name, async (t) => {
      const repo = new TestRepo();
      t.after(() => repo.cleanup());
      c.setup(repo);
      repo.commit();
      const result = await runCli(['plan', '--json', '--repo-url', 'https://github.com/o/r'], { cwd: repo.dir });
      assert.equal(result.code, 2, `exit code; stderr: ${result.stderr}`);
      assert.equal(result.stdout, '', 'no plan is printed');
      const prefix = c.field ? `${c.file}: ${c.field}: ` : `${c.file}: `;
      const line = result.stderr.split('\n').find((l) => l.startsWith('error: ') || l.startsWith(c.file));
      assert.ok(result.stderr.includes(prefix), `expected "${prefix}" in:\n${result.stderr}`);
      assert.ok(line, result.stderr);
      assert.match(result.stderr, c.reason);
    });
  }
});

test('several config errors are reported together', async (t) => {
  const repo = new TestRepo();
  t.after(() => repo.cleanup());
  repo.addPackage('a', { lambdaYml: 'memory: 1\n' });
  repo.addPackage('b', { lambda: { timeout: 0 } });
  repo.commit();
  const result = await runCli(['plan', '--repo-url', 'https://github.com/o/r'], { cwd: repo.dir });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /a\/lambda.yml: memory: 1 is out of range/);
  assert.match(result.stderr, /b\/package.json: lambda.timeout: 0 is out of range/);
});
