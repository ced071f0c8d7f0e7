// An independent zip reader for the bundle tests: it shares no code with the
// writer under test, so a bug there cannot hide itself here.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { crc32, inflateRawSync } from 'node:zlib';

export interface ReadEntry {
  name: string;
  method: number;
  dosTime: number;
  dosDate: number;
  /** Unix mode from the external attributes, type bits included (0o100644). */
  unixMode: number;
  madeBy: number;
  flags: number;
  centralExtraLength: number;
  localExtraLength: number;
  commentLength: number;
  data: Buffer;
}

export function readZipFile(file: string): ReadEntry[] {
  const buf = readFileSync(file);
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error('no end of central directory');
  if (buf.readUInt16LE(eocd + 20) !== 0) throw new Error('zip has a comment');
  let count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff) {
    // ZIP64: the locator sits just before the end record and points at the ZIP64 record.
    const locator = eocd - 20;
    if (buf.readUInt32LE(locator) !== 0x07064b50) throw new Error('65,535 entries but no ZIP64 locator');
    const record = Number(buf.readBigUInt64LE(locator + 8));
    if (buf.readUInt32LE(record) !== 0x06064b50) throw new Error('bad ZIP64 end record');
    count = Number(buf.readBigUInt64LE(record + 32));
    p = Number(buf.readBigUInt64LE(record + 48));
  }
  const entries: ReadEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`bad central header ${i}`);
    const nameLength = buf.readUInt16LE(p + 28);
    const extraLength = buf.readUInt16LE(p + 30);
    const commentLength = buf.readUInt16LE(p + 32);
    const compressedSize = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const crc = buf.readUInt32LE(p + 16);
    const method = buf.readUInt16LE(p + 10);
    const offset = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLength);
    if (buf.readUInt32LE(offset) !== 0x04034b50) throw new Error(`bad local header for ${name}`);
    const localNameLength = buf.readUInt16LE(offset + 26);
    const localExtraLength = buf.readUInt16LE(offset + 28);
    if (buf.toString('utf8', offset + 30, offset + 30 + localNameLength) !== name) throw new Error(`local name differs for ${name}`);
    if (buf.readUInt32LE(offset + 14) !== crc || buf.readUInt32LE(offset + 18) !== compressedSize || buf.readUInt32LE(offset + 22) !== size) {
      throw new Error(`local sizes differ from the central directory for ${name}`);
    }
    const start = offset + 30 + localNameLength + localExtraLength;
    const raw = buf.subarray(start, start + compressedSize);
    const data = method === 0 ? Buffer.from(raw) : inflateRawSync(raw);
    if (data.length !== size || (crc32(data) >>> 0) !== crc) throw new Error(`size or crc mismatch for ${name}`);
    entries.push({
      name,
      method,
      dosTime: buf.readUInt16LE(p + 12),
      dosDate: buf.readUInt16LE(p + 14),
      unixMode: buf.readUInt32LE(p + 38) >>> 16,
      madeBy: buf.readUInt16LE(p + 4),
      flags: buf.readUInt16LE(p + 8),
      centralExtraLength: extraLength,
      localExtraLength,
      commentLength,
      data,
    });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

export function names(file: string): string[] {
  return readZipFile(file).map((e) => e.name);
}

export function entryText(file: string, name: string): string | undefined {
  return readZipFile(file).find((e) => e.name === name)?.data.toString('utf8');
}

/** `unzip -t` when Info-ZIP's unzip is installed: a second opinion from a real extractor. Returns false when it is missing. */
export function unzipTest(file: string): boolean {
  try {
    execFileSync('unzip', ['-v'], { stdio: 'ignore' });
  } catch {
    return false;
  }
  execFileSync('unzip', ['-tq', file], { stdio: 'pipe' });
  return true;
}
