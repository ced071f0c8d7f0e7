import './npm-offline.js';
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { scratchDir as tempDir } from './scratch.js';
import { cloneAndBundle } from './build-in-child.js';
import { functionsRepo } from './fixtures.js';

const CHILD = fileURLToPath(new URL('./build-in-child.js', import.meta.url));

test('two clones, at different times, with other mtimes, umask and time zone, give byte-identical zips', async () => {
  const repo = functionsRepo();
  const work = tempDir();
  try {
    const first = (await cloneAndBundle({ source: repo.dir, into: join(work, 'a'), packagePath: 'fn', umask: 0o022, mtime: 1_000_000_000, out: join(work, 'a.zip') })) as Record<string, unknown>;
    await sleep(2100); // DOS times have a 2 s resolution: a clock-derived date would now differ
    const options = { source: repo.dir, into: join(work, 'b'), packagePath: 'fn', umask: 0o077, mtime: 1_700_000_000, out: join(work, 'b.zip') };
    const { stdout } = await promisify(execFile)(process.execPath, [CHILD, JSON.stringify(options)], { env: { ...process.env, TZ: 'Asia/Tokyo' } });
    const second = JSON.parse(stdout) as Record<string, unknown>;

    // The conditions really differed...
    assert.equal(first.cloneMode, 0o644);
    assert.equal(second.cloneMode, 0o600);
    assert.equal(second.timeZone, 'Asia/Tokyo');
    // ...and the bytes did not.
    assert.ok(readFileSync(join(work, 'a.zip')).equals(readFileSync(join(work, 'b.zip'))), 'zips differ');
    assert.equal(second.codeSha256, first.codeSha256);
    assert.equal(first.fileCount, 9, "the fixture's files but its lambda.yml");
  } finally {
    repo.cleanup();
  }
});
