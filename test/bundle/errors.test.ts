import './npm-offline.js';
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { join } from 'node:path';
import type { TestRepo } from '../support/git-repo.js';
import { emptyOutDir, filesIn, fnLockfile, functionsRepo, REPO_URL, runBundleCli, spawnBundleCli } from './fixtures.js';

interface ErrorCase {
  name: string;
  /** Changes the fixture and commits; returns extra CLI arguments. */
  setup: (repo: TestRepo) => string[] | void;
  /** Package folder given to the command; default fn. */
  package?: string;
  code: 1 | 2;
  /** Each must match the error output: it names the file and field, or the package and link. */
  message: RegExp[];
}

const FN_YML_NO_DEPENDS = 'handler: main.handler\n';

const cases: ErrorCase[] = [
  { name: 'unknown revision', setup: () => ['--revision', 'deadbeef'], code: 2, message: [/revision "deadbeef" is not a commit/] },
  { name: 'output into a folder that does not exist', setup: () => ['-o', '/nonexistent-lambda-sync/fn.zip'], code: 2, message: [/cannot write \/nonexistent-lambda-sync\/fn\.zip: \/nonexistent-lambda-sync is not an existing folder/] },
  { name: 'folder that is not a package', setup: () => {}, package: 'shared', code: 2, message: [/shared is not a package/] },
  {
    name: 'package missing at the revision',
    setup: (repo) => {
      // the fixture's first commit, from before the functions
      return ['--revision', repo.git('rev-list', '--max-parents=0', 'HEAD')];
    },
    code: 2,
    message: [/package fn does not exist at revision/],
  },
  {
    name: 'symlink out of the package',
    setup: (repo) => void repo.symlink('fn/lib/evil.js', '../../shared/greeting/index.js').commit(),
    code: 1,
    message: [/fn: symlink lib\/evil\.js -> \.\.\/\.\.\/shared\/greeting\/index\.js points outside the package/],
  },
  { name: 'absolute symlink', setup: (repo) => void repo.symlink('fn/hosts', '/etc/hosts').commit(), code: 1, message: [/fn: symlink hosts -> \/etc\/hosts is absolute/] },
  { name: 'dangling symlink', setup: (repo) => void repo.symlink('fn/gone.js', 'nothing.js').commit(), code: 1, message: [/fn: symlink gone\.js -> nothing\.js points to nothing/] },
  { name: 'symlink loop to a parent folder', setup: (repo) => void repo.symlink('fn/lib/up', '..').commit(), code: 1, message: [/fn: symlink lib\/up -> \.\. points to a folder that contains it/] },
  {
    name: 'lockfile out of sync with package.json (npm ci fails)',
    setup: (repo) => {
      const lock = fnLockfile({}) as { packages: Record<string, unknown> };
      delete lock.packages['node_modules/greeting'];
      delete lock.packages['../shared/greeting'];
      repo.writeJson('fn/package-lock.json', lock).commit();
    },
    code: 1,
    message: [/npm ci failed for package fn/, /npm error Missing: greeting@1.0.0 from lock file/],
  },
  {
    name: 'registry dependency while offline (npm install fails)',
    setup: (repo) => {
      repo.remove('fn/package-lock.json');
      repo.writeJson('fn/package.json', { name: 'fn', version: '1.0.0', dependencies: { 'left-pad': '1.3.0' } }).commit();
    },
    code: 1,
    message: [/npm install failed for package fn/, /npm error/],
  },
  {
    name: 'production path dependency not in dependsOn',
    setup: (repo) => void repo.write('fn/lambda.yml', FN_YML_NO_DEPENDS).commit(),
    code: 2,
    message: [/fn\/lambda\.yml: dependsOn: must list shared\/greeting/, /dependencies\.greeting/],
  },
  {
    name: 'path dependency outside the repository',
    setup: (repo) => {
      repo.remove('fn/package-lock.json');
      repo.writeJson('fn/package.json', { name: 'fn', version: '1.0.0', dependencies: { far: 'file:../../elsewhere' } }).commit();
    },
    code: 2,
    message: [/fn\/package\.json: dependencies\.far: .* leads outside the repository/],
  },
  {
    name: 'path dependency missing at the revision',
    setup: (repo) => {
      repo.remove('fn/package-lock.json');
      repo.write('fn/lambda.yml', 'dependsOn:\n  - shared\n');
      repo.writeJson('fn/package.json', { name: 'fn', version: '1.0.0', dependencies: { gone: 'file:../shared/gone' } }).commit();
    },
    code: 2,
    message: [/fn\/package\.json: dependencies\.gone: points at shared\/gone, which does not exist at revision/],
  },
  {
    name: 'build command fails',
    setup: (repo) => void repo.write('fn/lambda.yml', 'dependsOn: [shared/greeting]\nbuild: echo compile error >&2; exit 3\n').commit(),
    code: 1,
    message: [/build command "echo compile error >&2; exit 3" failed for package fn \(exit 3\); its output is above/],
  },
  {
    name: 'include glob reaching out of the package',
    setup: (repo) => void repo.write('fn/lambda.yml', 'dependsOn: [shared/greeting]\ninclude: ["../shared/**"]\n').commit(),
    code: 2,
    message: [/fn\/lambda\.yml: include\[0\]: .* reaches outside the package folder/],
  },
  {
    name: 'include glob reaching out, set in package.json',
    setup: (repo) => {
      repo.remove('fn/lambda.yml');
      repo.writeJson('fn/package.json', {
        name: 'fn',
        version: '1.0.0',
        dependencies: { greeting: 'file:../shared/greeting' },
        devDependencies: { 'test-helper': 'file:../shared/test-helper' },
        lambda: { dependsOn: ['shared/greeting'], include: ['main.js', '../x'] },
      }).commit();
    },
    code: 2,
    message: [/fn\/package\.json: lambda\.include\[1\]: "\.\.\/x" reaches outside the package folder/],
  },
  {
    name: 'exclude glob that is absolute',
    setup: (repo) => void repo.write('fn/lambda.yml', 'dependsOn: [shared/greeting]\nexclude: ["/etc"]\n').commit(),
    code: 2,
    message: [/fn\/lambda\.yml: exclude\[0\]: "\/etc" is absolute/],
  },
  {
    name: 'include that matches nothing',
    setup: (repo) => void repo.write('fn/lambda.yml', 'dependsOn: [shared/greeting]\ninclude: [dist]\n').commit(),
    code: 2,
    message: [/fn\/lambda\.yml: include: nothing to bundle/],
  },
  {
    name: 'handler file missing (the handler set in lambda.yml)',
    setup: (repo) => void repo.remove('fn/main.js').write('fn/index.js', 'exports.handler = async () => 1;\n').commit(),
    code: 2,
    message: [/^error: fn\/lambda\.yml: handler: main\.handler needs main\.js, main\.mjs or main\.cjs in the bundle of fn, and it has none of them/m],
  },
  {
    name: 'handler file missing (the default, config in package.json)',
    setup: (repo) => {
      repo.remove('fn/lambda.yml').remove('fn/main.js').write('fn/handler.js', 'exports.handler = async () => 1;\n');
      repo.writeJson('fn/package.json', { name: 'fn', version: '1.0.0', dependencies: { greeting: 'file:../shared/greeting' }, devDependencies: { 'test-helper': 'file:../shared/test-helper' }, lambda: { dependsOn: ['shared/greeting'] } }).commit();
    },
    code: 2,
    message: [/^error: fn\/package\.json: lambda\.handler: is not set, so it is the default main\.handler, which needs main\.js, main\.mjs or main\.cjs/m],
  },
  {
    name: 'handler imports a dev dependency (pruned from the bundle)',
    setup: (repo) => void repo.write('fn/main.js', "const { greet } = require('greeting');\nconst { helper } = require('test-helper');\nexports.handler = async () => greet(helper);\n").commit(),
    code: 2,
    message: [/fn\/main\.js:2: require\("test-helper"\) does not resolve/, /test-helper is only in "devDependencies" of fn\/package\.json, which do not ship: move it to "dependencies"/],
  },
  {
    name: 'handler requires the AWS SDK v2, which nodejs24.x does not provide',
    setup: (repo) => void repo.write('fn/main.js', "const AWS = require('aws-sdk');\nexports.handler = async () => new AWS.S3();\n").commit(),
    code: 2,
    message: [/fn\/main\.js:1: require\("aws-sdk"\) does not resolve/, /the AWS SDK v2 \(aws-sdk\) is not provided/],
  },
  {
    name: 'a module the handler needs, left out by exclude',
    setup: (repo) => void repo.write('fn/lambda.yml', 'dependsOn: [shared/greeting]\nexclude: [lib]\n').write('fn/main.js', "const { util } = require('./lib/util');\nexports.handler = async () => util;\n").commit(),
    code: 2,
    message: [/fn\/main\.js:1: require\("\.\/lib\/util"\) does not resolve/, /lib\/util\.js is installed but exclude in fn\/lambda\.yml keeps it out of the bundle/],
  },
  {
    name: 'python handler whose function is not defined',
    setup: (repo) => {
      repo.remove('fn/package.json').remove('fn/package-lock.json').remove('fn/main.js');
      repo.write('fn/lambda.yml', 'runtime: python3.13\nhandler: app.lambda_handler\n').write('fn/app.py', 'def handler(event, context):\n    return 1\n').commit();
    },
    code: 2,
    message: [/^error: fn\/lambda\.yml: handler: app\.lambda_handler: app\.py defines no lambda_handler at its top level/m],
  },
];

describe('bundle errors, through the CLI', () => {
  for (const c of cases) {
    test(c.name, async () => {
      const repo = functionsRepo();
      try {
        const extra = c.setup(repo) ?? [];
        const out = emptyOutDir();
        const result = await runBundleCli([c.package ?? 'fn', '--root', repo.dir, '--repo-url', REPO_URL, '-o', join(out, 'fn.zip'), ...extra]);
        const text = result.errors.join('\n');
        assert.equal(result.code, c.code, `exit code; errors:\n${text}\nlog:\n${result.log.join('\n')}`);
        for (const pattern of c.message) assert.match(text, pattern);
        assert.deepEqual(filesIn(out), [], 'no output file left behind');
      } finally {
        repo.cleanup();
      }
    });
  }

  test('success prints size, unzipped size, file count and CodeSha256 (text and --json)', async () => {
    const repo = functionsRepo();
    try {
      const out = emptyOutDir();
      const text = await spawnBundleCli(['fn', '--root', repo.dir, '--repo-url', REPO_URL, '-o', join(out, 'fn.zip')]);
      assert.equal(text.code, 0, text.stderr);
      for (const label of ['size', 'unzipped', 'files', 'CodeSha256']) assert.match(text.stdout, new RegExp(`^${label} +\\S`, 'm'));
      const json = await spawnBundleCli(['fn', '--root', repo.dir, '--repo-url', REPO_URL, '-o', join(out, 'again.zip'), '--json']);
      const log = json.stderr.split('\n');
      const parsed = JSON.parse(json.stdout) as Record<string, unknown>;
      assert.equal(parsed.package, 'fn');
      assert.equal(parsed.fileCount, 9);
      assert.match(String(parsed.codeSha256), /^[A-Za-z0-9+/]{43}=$/);
      assert.match(text.stdout, new RegExp(`CodeSha256 +${String(parsed.codeSha256).replace(/[+/]/g, '\\$&')}`));
      // one line per step, with its duration, on stderr
      assert.ok(log.some((l) => /^install the dependencies of fn for linux-x64-glibc: npm ci --omit=dev .*\(\d+(\.\d+)? m?s\)$/.test(l)), json.stderr);
      assert.ok(log.some((l) => /^zip 9 files .*\(\d+(\.\d+)? m?s\)$/.test(l)), json.stderr);
    } finally {
      repo.cleanup();
    }
  });
});
