import './npm-offline.js';
import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildBundle, DEFAULT_EXCLUDES, disposeBundle, type Bundle } from '../../src/bundle/index.js';
import { planPackages } from '../../src/packages/plan.js';
import type { Package } from '../../src/packages/package.js';
import type { TestRepo } from '../support/git-repo.js';
import { scratchDir as tempDir } from './scratch.js';
import { entryText, names, readZipFile, unzipTest } from './read-zip.js';
import { functionsRepo, REPO_URL } from './fixtures.js';

async function packageOf(repo: TestRepo, path: string): Promise<Package> {
  const plan = await planPackages({ root: join(repo.dir, path), repoUrl: REPO_URL });
  const pkg = plan.packages.find((p) => p.path === path);
  assert.ok(pkg, `package ${path} found`);
  return pkg;
}

describe('bundle contents', () => {
  let repo: TestRepo;
  let bundle: Bundle;
  let zipNames: string[];

  before(async () => {
    repo = functionsRepo();
    const pkg = await packageOf(repo, 'fn');
    bundle = await buildBundle({ gitRoot: repo.dir, pkg, revision: pkg.revision! });
    zipNames = names(bundle.file);
  });
  after(async () => {
    await disposeBundle(bundle);
    repo.cleanup();
  });

  test('holds the tracked files, in byte order, and nothing else of the working tree; lambda.yml is configuration and does not ship', () => {
    assert.deepEqual(zipNames, [
      'bin/run.sh',
      'lib/alias.js',
      'lib/util.js',
      'main.js',
      'node_modules/.package-lock.json',
      'node_modules/greeting/index.js',
      'node_modules/greeting/package.json',
      'package-lock.json',
      'package.json',
    ]);
  });

  test('the production path dependency is present as real files', () => {
    assert.equal(entryText(bundle.file, 'node_modules/greeting/index.js'), readFileSync(join(repo.dir, 'shared/greeting/index.js'), 'utf8'));
  });

  test('the dev dependency is absent', () => {
    assert.ok(!zipNames.some((n) => n.includes('test-helper')));
  });

  test('untracked files (.env, notes, a stray node_modules) are absent', () => {
    for (const name of ['.env', 'notes.txt', 'node_modules/stray/index.js']) assert.ok(!zipNames.includes(name), name);
  });

  test('tracked secrets are kept out by the default excludes', () => {
    assert.ok(DEFAULT_EXCLUDES.includes('**/.env*'));
    assert.ok(!zipNames.includes('.npmrc'));
    assert.ok(!zipNames.includes('.env.production'));
  });

  test('a symlink inside the package ships as a regular file with its target\'s bytes', () => {
    const alias = readZipFile(bundle.file).find((e) => e.name === 'lib/alias.js')!;
    assert.equal(alias.unixMode, 0o100644);
    assert.equal(alias.data.toString(), 'exports.util = 1;\n');
  });

  test('entries: fixed 1980 date, Unix modes 0644/0755, no extra fields or comments, UTF-8 flag', () => {
    for (const entry of readZipFile(bundle.file)) {
      assert.equal(entry.dosDate, 33, entry.name); // 1980-01-01
      assert.equal(entry.dosTime, 0, entry.name);
      assert.equal(entry.unixMode, entry.name === 'bin/run.sh' ? 0o100755 : 0o100644, entry.name);
      assert.equal(entry.madeBy >> 8, 3, entry.name);
      assert.equal(entry.flags, 0x0800, entry.name);
      assert.equal(entry.centralExtraLength + entry.localExtraLength + entry.commentLength, 0, entry.name);
    }
  });

  test('the reported numbers are the file\'s: size, unzipped size, file count, CodeSha256', () => {
    const bytes = readFileSync(bundle.file);
    assert.equal(bundle.size, bytes.length);
    assert.equal(bundle.codeSha256, createHash('sha256').update(bytes).digest('base64'));
    const entries = readZipFile(bundle.file);
    assert.equal(bundle.fileCount, entries.length);
    assert.equal(bundle.unzippedSize, entries.reduce((s, e) => s + e.data.length, 0));
    assert.equal(bundle.revision, repo.head());
    unzipTest(bundle.file);
  });
});

describe('bundle build step, include and exclude', () => {
  let repo: TestRepo;
  before(() => {
    repo = functionsRepo();
    // A TypeScript-like package: the build needs a dev dependency and writes dist/.
    repo.write(
      'built/lambda.yml',
      'handler: dist/main.handler\nbuild: node build.js\ndependsOn:\n  - shared/greeting\nexclude:\n  - build.js\n  - src\n',
    );
    repo.writeJson('built/package.json', {
      name: 'built',
      version: '1.0.0',
      private: true,
      dependencies: { greeting: 'file:../shared/greeting' },
      devDependencies: { 'test-helper': 'file:../shared/test-helper' },
    });
    repo.write('built/src/main.txt', "exports.handler = async () => 'built';\n");
    repo.write(
      'built/build.js',
      "const fs = require('fs');\nif (!require('test-helper').helper) process.exit(9);\nfs.mkdirSync('dist', { recursive: true });\nfs.copyFileSync('src/main.txt', 'dist/main.js');\n",
    );
    repo.write('picky/lambda.yml', 'include:\n  - main.js\n  - lib\nexclude:\n  - "**/*.test.js"\n');
    repo.write('picky/main.js', 'exports.handler = async () => 1;\n');
    repo.write('picky/lib/a.js', 'a\n');
    repo.write('picky/lib/a.test.js', 'test\n');
    repo.write('picky/lib/deep/b.js', 'b\n');
    repo.write('picky/docs/readme.md', 'docs\n');
    repo.commit('more packages');
  });
  after(() => repo.cleanup());

  test('the build runs with dev dependencies installed; its output ships, dev dependencies do not', async () => {
    const pkg = await packageOf(repo, 'built');
    const bundle = await buildBundle({ gitRoot: repo.dir, pkg, revision: pkg.revision! });
    try {
      assert.deepEqual(names(bundle.file), ['dist/main.js', 'node_modules/.package-lock.json', 'node_modules/greeting/index.js', 'node_modules/greeting/package.json', 'package.json']);
      assert.equal(entryText(bundle.file, 'dist/main.js'), "exports.handler = async () => 'built';\n");
    } finally {
      await disposeBundle(bundle);
    }
  });

  test('the build gets its dev dependencies under NODE_ENV=production too (the Docker image sets it, and npm then omits dev by default)', async () => {
    const saved = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      const pkg = await packageOf(repo, 'built');
      const bundle = await buildBundle({ gitRoot: repo.dir, pkg, revision: pkg.revision! });
      try {
        assert.equal(entryText(bundle.file, 'dist/main.js'), "exports.handler = async () => 'built';\n");
        assert.ok(!names(bundle.file).some((n) => n.startsWith('node_modules/test-helper/')), 'dev dependencies still do not ship');
      } finally {
        await disposeBundle(bundle);
      }
    } finally {
      if (saved === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = saved;
    }
  });

  test('a symlinked folder inside the package ships as a copy of its files', async () => {
    repo.symlink('picky/lib2', 'lib').commit('folder link');
    try {
      const pkg = await packageOf(repo, 'picky');
      const bundle = await buildBundle({ gitRoot: repo.dir, pkg, revision: 'HEAD', outFile: join(tempDir(), 'linked.zip') });
      // include picks lib, not lib2: only the files under the included name ship
      assert.deepEqual(names(bundle.file), ['lib/a.js', 'lib/deep/b.js', 'main.js']);
      repo.write('picky/lambda.yml', 'include: [main.js, lib, lib2]\nexclude: ["**/*.test.js"]\n').commit('ship the link too');
      const again = await buildBundle({ gitRoot: repo.dir, pkg: await packageOf(repo, 'picky'), revision: 'HEAD', outFile: join(tempDir(), 'linked2.zip') });
      assert.deepEqual(names(again.file), ['lib/a.js', 'lib/deep/b.js', 'lib2/a.js', 'lib2/deep/b.js', 'main.js']);
      assert.equal(entryText(again.file, 'lib2/deep/b.js'), 'b\n');
    } finally {
      repo.remove('picky/lib2').write('picky/lambda.yml', 'include:\n  - main.js\n  - lib\nexclude:\n  - "**/*.test.js"\n').commit('undo');
    }
  });

  test('include picks files and whole folders; exclude removes from them', async () => {
    const pkg = await packageOf(repo, 'picky');
    const out = join(tempDir(), 'picky.zip');
    const bundle = await buildBundle({ gitRoot: repo.dir, pkg, revision: 'HEAD', outFile: out });
    assert.equal(bundle.file, out);
    assert.deepEqual(names(out), ['lib/a.js', 'lib/deep/b.js', 'main.js']);
  });
});
