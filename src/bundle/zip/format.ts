// Byte layouts of the zip records we write (APPNOTE.TXT 6.3.10). Every field
// that could carry machine state (time, uid/gid, extra fields, comments) is a
// constant here, which is what makes the archive reproducible.

/** 1980-01-01 00:00:00, the earliest DOS date: no time zone can shift it, since it is not derived from a clock. */
export const DOS_TIME = 0;
export const DOS_DATE = (0 << 9) | (1 << 5) | 1;

/** "Made by" Unix (3), spec version 2.0, so that extractors honour the Unix mode in the external attributes. */
const VERSION_MADE_BY = (3 << 8) | 20;
const VERSION_NEEDED = 20;
const VERSION_NEEDED_ZIP64 = 45;
/** Bit 11: names are UTF-8. Set on every entry so the flag never depends on the name. */
const FLAG_UTF8 = 0x0800;

export const METHOD_STORE = 0;
export const METHOD_DEFLATE = 8;

const S_IFREG = 0o100000;

export const LOCAL_HEADER_SIZE = 30;
/** Offset of the crc-32 field inside a local header (crc, compressed size, size follow). */
export const LOCAL_HEADER_CRC_OFFSET = 14;

export const MAX_UINT32 = 0xffffffff;
const MAX_UINT16 = 0xffff;

export interface EntryRecord {
  name: Buffer;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  /** 0o644 or 0o755. */
  mode: number;
  localHeaderOffset: number;
}

export function localHeader(e: Omit<EntryRecord, 'localHeaderOffset'>): Buffer {
  const b = Buffer.alloc(LOCAL_HEADER_SIZE + e.name.length);
  b.writeUInt32LE(0x04034b50, 0);
  b.writeUInt16LE(VERSION_NEEDED, 4);
  b.writeUInt16LE(FLAG_UTF8, 6);
  b.writeUInt16LE(e.method, 8);
  b.writeUInt16LE(DOS_TIME, 10);
  b.writeUInt16LE(DOS_DATE, 12);
  writeSizes(b, LOCAL_HEADER_CRC_OFFSET, e.crc, e.compressedSize, e.size);
  b.writeUInt16LE(e.name.length, 26);
  b.writeUInt16LE(0, 28); // no extra field
  e.name.copy(b, LOCAL_HEADER_SIZE);
  return b;
}

/** crc-32, compressed size, size: 12 bytes, the part of a local header known only after compression. */
export function sizesField(crc: number, compressedSize: number, size: number): Buffer {
  const b = Buffer.alloc(12);
  writeSizes(b, 0, crc, compressedSize, size);
  return b;
}

function writeSizes(b: Buffer, at: number, crc: number, compressedSize: number, size: number): void {
  b.writeUInt32LE(crc >>> 0, at);
  b.writeUInt32LE(compressedSize, at + 4);
  b.writeUInt32LE(size, at + 8);
}

export function centralHeader(e: EntryRecord): Buffer {
  const b = Buffer.alloc(46 + e.name.length);
  b.writeUInt32LE(0x02014b50, 0);
  b.writeUInt16LE(VERSION_MADE_BY, 4);
  b.writeUInt16LE(VERSION_NEEDED, 6);
  b.writeUInt16LE(FLAG_UTF8, 8);
  b.writeUInt16LE(e.method, 10);
  b.writeUInt16LE(DOS_TIME, 12);
  b.writeUInt16LE(DOS_DATE, 14);
  writeSizes(b, 16, e.crc, e.compressedSize, e.size);
  b.writeUInt16LE(e.name.length, 28);
  // extra length, comment length, disk number, internal attributes: all 0
  b.writeUInt32LE(((S_IFREG | e.mode) << 16) >>> 0, 38);
  b.writeUInt32LE(e.localHeaderOffset, 42);
  e.name.copy(b, 46);
  return b;
}

/**
 * End of central directory. Past 65,535 entries it is preceded by the ZIP64
 * record and locator (sizes and offsets stay 32-bit: the unzipped-size limit
 * keeps every archive far below 4 GiB, and the writer refuses otherwise).
 */
export function endOfCentralDirectory(count: number, cdOffset: number, cdSize: number): Buffer {
  const parts: Buffer[] = [];
  const zip64 = count > MAX_UINT16;
  if (zip64) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4); // size of the rest of the record
    record.writeUInt16LE(VERSION_MADE_BY, 12);
    record.writeUInt16LE(VERSION_NEEDED_ZIP64, 14);
    record.writeBigUInt64LE(BigInt(count), 24);
    record.writeBigUInt64LE(BigInt(count), 32);
    record.writeBigUInt64LE(BigInt(cdSize), 40);
    record.writeBigUInt64LE(BigInt(cdOffset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(cdOffset + cdSize), 8);
    locator.writeUInt32LE(1, 16); // total number of disks
    parts.push(record, locator);
  }
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(zip64 ? MAX_UINT16 : count, 8);
  eocd.writeUInt16LE(zip64 ? MAX_UINT16 : count, 10);
  eocd.writeUInt32LE(cdSize, 12);
  eocd.writeUInt32LE(cdOffset, 16);
  parts.push(eocd);
  return Buffer.concat(parts);
}
