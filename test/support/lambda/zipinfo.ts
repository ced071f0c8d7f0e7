// Reads a zip the way Lambda must before it can unpack it: find the end of
// central directory (ZIP64 too), walk the central directory, and check that
// each entry's local header is where the directory says. Small archives are
// also inflated and CRC-checked, because Lambda really unzips the upload and a
// truncated or corrupted deflate stream is refused, not stored.
import { crc32, inflateRawSync } from 'node:zlib';

export class ZipError extends Error {}

export interface ZipEntryInfo {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

export interface ZipInfo {
  entries: ZipEntryInfo[];
  uncompressedSize: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

function findEocd(buf: Buffer): number {
  // The record is 22 bytes plus a comment of at most 65535 bytes.
  const stop = Math.max(0, buf.length - 22 - 0xffff);
  for (let i = buf.length - 22; i >= stop; i--) {
    if (buf.readUInt32LE(i) === EOCD && i + 22 + buf.readUInt16LE(i + 20) === buf.length) return i;
  }
  throw new ZipError('no end of central directory record');
}

export function readZip(buf: Buffer): ZipInfo {
  if (buf.length < 22) throw new ZipError('too short to be a zip');
  const eocd = findEocd(buf);
  let count = buf.readUInt16LE(eocd + 10);
  let cdSize = buf.readUInt32LE(eocd + 12);
  let cdOffset = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || buf.readUInt32LE(loc) !== ZIP64_LOCATOR) throw new ZipError('missing ZIP64 locator');
    const z64 = Number(buf.readBigUInt64LE(loc + 8));
    if (z64 + 56 > buf.length || buf.readUInt32LE(z64) !== ZIP64_EOCD) throw new ZipError('bad ZIP64 record');
    count = Number(buf.readBigUInt64LE(z64 + 32));
    cdSize = Number(buf.readBigUInt64LE(z64 + 40));
    cdOffset = Number(buf.readBigUInt64LE(z64 + 48));
  }
  if (cdOffset + cdSize > eocd) throw new ZipError('central directory outside the file');

  const entries: ZipEntryInfo[] = [];
  let total = 0;
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cdOffset + cdSize || buf.readUInt32LE(p) !== CENTRAL) throw new ZipError(`bad central header ${i}`);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const entry: ZipEntryInfo = {
      name: buf.toString('utf8', p + 46, p + 46 + nameLen),
      method: buf.readUInt16LE(p + 10),
      crc: buf.readUInt32LE(p + 16),
      compressedSize: buf.readUInt32LE(p + 20),
      uncompressedSize: buf.readUInt32LE(p + 24),
      localHeaderOffset: buf.readUInt32LE(p + 42),
    };
    readZip64Extra(buf, p + 46 + nameLen, extraLen, entry);
    if (entry.localHeaderOffset + 30 > cdOffset || buf.readUInt32LE(entry.localHeaderOffset) !== LOCAL) {
      throw new ZipError(`bad local header for ${entry.name}`);
    }
    total += entry.uncompressedSize;
    entries.push(entry);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return { entries, uncompressedSize: total };
}

// ZIP64 extra field (id 1) holds, in order, only the fields whose 32-bit
// slot is saturated.
function readZip64Extra(buf: Buffer, start: number, len: number, e: ZipEntryInfo): void {
  let q = start;
  while (q + 4 <= start + len) {
    const id = buf.readUInt16LE(q);
    const size = buf.readUInt16LE(q + 2);
    if (id === 1) {
      let r = q + 4;
      if (e.uncompressedSize === 0xffffffff) { e.uncompressedSize = Number(buf.readBigUInt64LE(r)); r += 8; }
      if (e.compressedSize === 0xffffffff) { e.compressedSize = Number(buf.readBigUInt64LE(r)); r += 8; }
      if (e.localHeaderOffset === 0xffffffff) { e.localHeaderOffset = Number(buf.readBigUInt64LE(r)); }
    }
    q += 4 + size;
  }
}

/** Inflates every entry and checks sizes and CRCs. Call only on small archives. */
export function verifyContents(buf: Buffer, info: ZipInfo): void {
  for (const e of info.entries) {
    const h = e.localHeaderOffset;
    const dataStart = h + 30 + buf.readUInt16LE(h + 26) + buf.readUInt16LE(h + 28);
    const raw = buf.subarray(dataStart, dataStart + e.compressedSize);
    if (raw.length !== e.compressedSize) throw new ZipError(`truncated data for ${e.name}`);
    let data: Buffer;
    if (e.method === 0) data = raw;
    else if (e.method === 8) {
      try {
        data = inflateRawSync(raw);
      } catch {
        throw new ZipError(`corrupt deflate data for ${e.name}`);
      }
    } else throw new ZipError(`unsupported compression method ${e.method}`);
    if (data.length !== e.uncompressedSize || (crc32(data) >>> 0) !== e.crc) {
      throw new ZipError(`size or CRC mismatch for ${e.name}`);
    }
  }
}
