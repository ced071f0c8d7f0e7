import './npm-offline.js';
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  buildBundle,
  DirectUploadTooLargeError,
  MAX_DIRECT_UPLOAD_BYTES,
  MAX_UNZIPPED_BYTES,
  UnzippedTooLargeError,
} from '../../src/bundle/index.js';
import { planPackages } from '../../src/packages/plan.js';
import { TestRepo } from '../support/git-repo.js';
import { emptyOutDir, filesIn, functionsRepo, REPO_URL, runBundleCli } from './fixtures.js';

async function fnPackage(repo: TestRepo) {
  const plan = await planPackages({ root: join(repo.dir, 'fn'), repoUrl: REPO_URL });
  return plan.packages[0]!;
}

describe('size limits', () => {
  test('Lambda\'s numbers', () => {
    assert.equal(MAX_DIRECT_UPLOAD_BYTES, 52_428_800);
    assert.equal(MAX_UNZIPPED_BYTES, 262_144_000);
  });

  test('over the unzipped limit: an error naming the largest folders, and no zip written', async () => {
    const repo = functionsRepo();
    repo.write('fn/assets/big.bin', Buffer.alloc(4000, 1)).commit();
    try {
      const out = emptyOutDir();
      const pkg = await fnPackage(repo);
      const error = await buildBundle({ gitRoot: repo.dir, pkg, revision: 'HEAD', outFile: join(out, 'fn.zip'), limits: { maxUnzippedBytes: 3000 } }).then(
        () => assert.fail('no error'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof UnzippedTooLargeError);
      assert.equal(error.exitCode, 1);
      assert.match(error.message, /the bundle of fn would unzip to .* over Lambda's limit .*3000 bytes.*largest folders: assets 3\.91 KiB, \. /);
      assert.deepEqual(error.largest[0], { folder: 'assets', bytes: 4000 });
      assert.deepEqual(filesIn(out), []);
    } finally {
      repo.cleanup();
    }
  });

  test('over the direct upload limit: DirectUploadTooLargeError carries the finished bundle for an S3 upload', async () => {
    const repo = functionsRepo();
    try {
      const out = join(emptyOutDir(), 'fn.zip');
      const pkg = await fnPackage(repo);
      const error = await buildBundle({ gitRoot: repo.dir, pkg, revision: 'HEAD', outFile: out, limits: { maxZipBytes: 500 } }).then(
        () => assert.fail('no error'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof DirectUploadTooLargeError);
      assert.equal(error.exitCode, 1);
      assert.equal(error.bundle.file, out);
      assert.equal(statSync(out).size, error.bundle.size);
      assert.ok(error.bundle.size > 500);
      assert.match(error.message, /the bundle of fn is .* zipped .* over Lambda's direct upload limit/);
      assert.match(error.hint ?? '', /aws\.s3Bucket/);
      // The same package within its limit is returned normally.
      const bundle = await buildBundle({ gitRoot: repo.dir, pkg, revision: 'HEAD', outFile: out, limits: { maxZipBytes: Infinity } });
      assert.equal(bundle.codeSha256, error.bundle.codeSha256);
    } finally {
      repo.cleanup();
    }
  });

  test('the CLI: over 50 MB zipped is an error without aws.s3Bucket (no file left), a note with it', async () => {
    const repo = functionsRepo();
    // Random bytes do not compress: the zip really is over 50 MB.
    repo.write('fn/assets/random.bin', randomBytes(MAX_DIRECT_UPLOAD_BYTES + 4096)).commit();
    try {
      const out = emptyOutDir();
      const refused = await runBundleCli(['fn', '--root', repo.dir, '--repo-url', REPO_URL, '-o', join(out, 'fn.zip')]);
      assert.equal(refused.code, 1);
      assert.match(refused.errors.join('\n'), /the bundle of fn is .* over Lambda's direct upload limit of 50\.0 MiB \(52428800 bytes\)/);
      assert.deepEqual(filesIn(out), []);

      repo.write('lambda-sync.yml', 'aws:\n  s3Bucket: my-bundles\n').commit();
      const accepted = await runBundleCli(['fn', '--root', repo.dir, '--repo-url', REPO_URL, '-o', join(out, 'fn.zip')]);
      assert.equal(accepted.code, 0, accepted.errors.join('\n'));
      assert.ok(existsSync(join(out, 'fn.zip')));
      assert.ok(accepted.log.some((l) => /over the direct upload limit: deploy uploads it through s3:\/\/my-bundles/.test(l)), accepted.log.join('\n'));
    } finally {
      repo.cleanup();
    }
  });
});
