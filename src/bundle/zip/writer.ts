import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { crc32, createDeflateRaw } from 'node:zlib';
import { OperationError } from '../../errors.js';
import { createDeflater, type Deflated } from './deflate-pool.js';
import {
  centralHeader,
  endOfCentralDirectory,
  LOCAL_HEADER_CRC_OFFSET,
  localHeader,
  MAX_UINT32,
  METHOD_DEFLATE,
  sizesField,
  type EntryRecord,
} from './format.js';
import { ZipOutput } from './output.js';

// A batch of small files per worker message: fewer messages, less CPU.
const BATCH_FILES = 32;
const BATCH_BYTES = 256 * 1024;

/** One file to put in the zip. */
export interface ZipInput {
  /** Path inside the zip, `/`-separated, relative. */
  name: string;
  /** Where to read it (symlinks are followed). */
  source: string;
  size: number;
  mode: 0o644 | 0o755;
}

export interface ZipOptions {
  /** Deflate level; default 6, as Info-ZIP's default. */
  level?: number;
  /** Files larger than this are streamed through one deflate stream instead of read whole. Default 4 MiB. */
  streamThreshold?: number;
  /** Worker threads that read and deflate; default the CPU count, at most 4; 1 deflates on the calling thread. Small packages never start workers. */
  threads?: number;
  /** Bytes of (non-streamed) file data from which workers are worth starting. Default 4 MiB. */
  minBytesForWorkers?: number;
  /** Most files read and being deflated ahead of the one being written. Default 256. */
  window?: number;
  /** Most bytes of file data held ahead of the one being written. Default 8 MiB. */
  windowBytes?: number;
}

export interface ZipWritten {
  /** Bytes of the zip file. */
  size: number;
  /** Base64 SHA-256 of the zip file. */
  sha256: string;
}

/** Orders names by their UTF-8 bytes, so the order never depends on locale or walk order. */
export function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * Writes a reproducible zip of `inputs` to `file`: entries in byte order of
 * their names, a fixed date, modes 0644/0755, no directory entries, no extra
 * fields, no comment. Files are read and deflated in parallel by worker
 * threads and written strictly in order; large files are streamed, so memory stays
 * bounded by the window whatever the package's size. Each entry is stored
 * instead when deflate does not make it smaller (a choice made from the
 * bytes alone, so still reproducible).
 */
export async function writeZip(file: string, inputs: readonly ZipInput[], options: ZipOptions = {}): Promise<ZipWritten> {
  const level = options.level ?? 6;
  const streamThreshold = options.streamThreshold ?? 4 * 1024 * 1024;
  const window = options.window ?? 256;
  const windowBytes = options.windowBytes ?? 8 * 1024 * 1024;

  const entries = [...inputs].sort((a, b) => compareNames(a.name, b.name));
  checkNames(entries);
  const streamed = (i: number): boolean => entries[i]!.size > streamThreshold;

  const out = new ZipOutput(file);
  const deflater = createDeflater(
    entries.reduce((sum, e, i) => (streamed(i) ? sum : sum + e.size), 0),
    options.threads,
    options.minBytesForWorkers,
  );
  const records: EntryRecord[] = [];
  const ahead = new Map<number, Promise<Deflated>>();
  let next = 0;
  let aheadBytes = 0;

  // Starts reading and deflating the next entries, in batches, up to the window.
  const fill = (): void => {
    while (next < entries.length && ahead.size < window && (ahead.size === 0 || aheadBytes < windowBytes)) {
      const batch: number[] = [];
      let batchBytes = 0;
      while (next < entries.length && batch.length < BATCH_FILES && batchBytes < BATCH_BYTES) {
        const i = next++;
        if (streamed(i)) continue;
        batch.push(i);
        batchBytes += entries[i]!.size;
      }
      if (batch.length === 0) continue;
      const work = deflater.deflate(batch.map((i) => entries[i]!.source), level);
      batch.forEach((i, k) => {
        const one = work.then((results) => results[k]!);
        one.catch(() => {}); // awaited in order below; this only keeps an early failure from being "unhandled"
        ahead.set(i, one);
      });
      aheadBytes += batchBytes;
    }
  };

  try {
    for (let i = 0; i < entries.length; i++) {
      fill();
      const input = entries[i]!;
      const name = Buffer.from(input.name, 'utf8');
      const offset = out.position;
      if (streamed(i)) {
        const sizes = await streamEntry(out, input, name, level);
        records.push({ name, mode: input.mode, localHeaderOffset: offset, method: METHOD_DEFLATE, ...sizes });
      } else {
        const prepared = await ahead.get(i)!;
        ahead.delete(i);
        aheadBytes -= input.size;
        const record = { name, mode: input.mode, localHeaderOffset: offset, method: prepared.method, crc: prepared.crc, compressedSize: prepared.body.length, size: prepared.size };
        out.write(localHeader(record));
        out.write(Buffer.from(prepared.body.buffer, prepared.body.byteOffset, prepared.body.byteLength));
        records.push(record);
      }
      if (out.position > MAX_UINT32) throw new Error(`zip would exceed 4 GiB at ${input.name}; zip64 entries are not written`);
    }
    const cdOffset = out.position;
    for (const record of records) out.write(centralHeader(record));
    out.write(endOfCentralDirectory(records.length, cdOffset, out.position - cdOffset));
  } finally {
    out.close();
    await deflater.close();
  }
  return { size: out.position, sha256: await out.sha256() };
}


async function streamEntry(out: ZipOutput, input: ZipInput, name: Buffer, level: number): Promise<{ crc: number; compressedSize: number; size: number }> {
  const headerAt = out.position;
  out.write(localHeader({ name, mode: input.mode, method: METHOD_DEFLATE, crc: 0, compressedSize: 0, size: 0 }));
  let crc = 0;
  let size = 0;
  let compressedSize = 0;
  // A fixed read size keeps the deflate stream's input identical from run to run.
  await pipeline(
    createReadStream(input.source, { highWaterMark: 1 << 20 }),
    async function* (chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        crc = crc32(chunk, crc) >>> 0;
        size += chunk.length;
        yield chunk;
      }
    },
    createDeflateRaw({ level }),
    async (compressed: AsyncIterable<Buffer>) => {
      for await (const chunk of compressed) {
        out.write(chunk);
        compressedSize += chunk.length;
      }
    },
  );
  if (size > MAX_UINT32 || compressedSize > MAX_UINT32) throw new Error(`${input.name} is over 4 GiB; zip64 entries are not written`);
  out.patch(headerAt + LOCAL_HEADER_CRC_OFFSET, sizesField(crc, compressedSize, size));
  return { crc, compressedSize, size };
}

/** The last guard: no entry may escape the root when unzipped, and names must be unique. */
function checkNames(entries: readonly ZipInput[]): void {
  let previous: string | undefined;
  for (const { name } of entries) {
    if (name === '' || name.startsWith('/') || name.includes('\\') || name.split('/').some((s) => s === '' || s === '.' || s === '..')) {
      throw new OperationError(`refusing zip entry name ${JSON.stringify(name)}: not a plain relative path (a backslash, for one, is a folder separator to some unzip tools)`, 'rename the file');
    }
    if (Buffer.byteLength(name) > 0xffff) throw new OperationError(`zip entry name too long: ${name.slice(0, 80)}...`);
    if (name === previous) throw new OperationError(`duplicate zip entry ${name}`);
    previous = name;
  }
}
