import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { compareNames, writeZip, type ZipInput, type ZipOptions } from '../../src/bundle/zip/writer.js';
import { scratchDir as tempDir } from './scratch.js';
import { readZipFile, unzipTest } from './read-zip.js';

function makeInputs(dir: string): ZipInput[] {
  const files: [string, Buffer, 0o644 | 0o755][] = [
    ['b.txt', Buffer.from('b'.repeat(5000)), 0o644],
    ['a/z.js', Buffer.from('console.log(1);\n'.repeat(300)), 0o644],
    ['a/run', Buffer.from('#!/bin/sh\necho hi\n'), 0o755],
    ['empty', Buffer.alloc(0), 0o644],
    ['random.bin', randomBytes(3000), 0o644], // incompressible: stored
    ['big/large.txt', Buffer.from('large file line\n'.repeat(20_000)), 0o644], // streamed with a small threshold
    ['Zé ünïcode.txt', Buffer.from('utf-8 name\n'), 0o644],
  ];
  return files.map(([name, data, mode]) => {
    const source = join(dir, 'src', name);
    mkdirSync(join(source, '..'), { recursive: true });
    writeFileSync(source, data);
    return { name, source, size: data.length, mode };
  });
}

describe('zip writer', () => {
  const dir = tempDir();
  const inputs = makeInputs(dir);

  const write = async (name: string, options: ZipOptions, list = inputs) => {
    const file = join(dir, name);
    const written = await writeZip(file, list, options);
    return { file, written, bytes: readFileSync(file) };
  };

  test('entries in byte order of their names, contents and modes intact, sizes and CodeSha256 right', async () => {
    const { file, written, bytes } = await write('plain.zip', {});
    const entries = readZipFile(file);
    assert.deepEqual(entries.map((e) => e.name), inputs.map((i) => i.name).sort(compareNames));
    assert.deepEqual(entries.map((e) => e.name), ['Zé ünïcode.txt', 'a/run', 'a/z.js', 'b.txt', 'big/large.txt', 'empty', 'random.bin']);
    for (const input of inputs) {
      const entry = entries.find((e) => e.name === input.name)!;
      assert.ok(entry.data.equals(readFileSync(input.source)), input.name);
      assert.equal(entry.unixMode, 0o100000 | input.mode, input.name);
    }
    assert.equal(entries.find((e) => e.name === 'random.bin')!.method, 0, 'incompressible data is stored');
    assert.equal(entries.find((e) => e.name === 'b.txt')!.method, 8);
    assert.equal(written.size, bytes.length);
    assert.equal(written.sha256, (await import('node:crypto')).createHash('sha256').update(bytes).digest('base64'));
    unzipTest(file);
  });

  test('the same bytes whatever the input order, thread count or window', async () => {
    const a = await write('a.zip', { threads: 1 });
    const b = await write('b.zip', { threads: 2, minBytesForWorkers: 0, window: 2, windowBytes: 1 }, [...inputs].reverse());
    assert.ok(a.bytes.equals(b.bytes));
    assert.equal(a.written.sha256, b.written.sha256);
  });

  test('large files stream (header patched after the data): valid, and the same bytes every time', async () => {
    const one = await write('s1.zip', { streamThreshold: 1000 });
    const two = await write('s2.zip', { streamThreshold: 1000, threads: 2, minBytesForWorkers: 0 });
    assert.ok(one.bytes.equals(two.bytes));
    const entries = readZipFile(one.file);
    assert.ok(entries.find((e) => e.name === 'big/large.txt')!.data.equals(readFileSync(inputs.find((i) => i.name === 'big/large.txt')!.source)));
    assert.equal(one.written.sha256, (await import('node:crypto')).createHash('sha256').update(one.bytes).digest('base64'), 'hash re-read after the patch');
    unzipTest(one.file);
  });

  test('past 65,535 entries the end record is ZIP64, and extractors read every entry', async () => {
    const source = inputs.find((i) => i.name === 'a/run')!.source;
    const many: ZipInput[] = Array.from({ length: 66_000 }, (_, i) => ({ name: `f/${String(i).padStart(5, '0')}`, source, size: 18, mode: 0o644 }));
    const { file } = await write('many.zip', {}, many);
    const entries = readZipFile(file);
    assert.equal(entries.length, 66_000);
    assert.equal(entries[65_999]!.name, 'f/65999');
    unzipTest(file);
  });

  test('refuses names that would escape the root or collide', async () => {
    const source = inputs[0]!.source;
    for (const name of ['../x', '/etc/x', 'a/../../x', 'a\\..\\x', 'a//b', './a', '']) {
      await assert.rejects(writeZip(join(dir, 'bad.zip'), [{ name, source, size: 1, mode: 0o644 }]), /not a plain relative path/, name);
    }
    await assert.rejects(
      writeZip(join(dir, 'dup.zip'), [
        { name: 'x', source, size: 1, mode: 0o644 },
        { name: 'x', source, size: 1, mode: 0o644 },
      ]),
      /duplicate zip entry x/,
    );
  });
});
