import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { crc32, deflateRawSync } from 'node:zlib';
import { METHOD_DEFLATE, METHOD_STORE } from './format.js';

export interface Deflated {
  crc: number;
  size: number;
  method: number;
  body: Uint8Array;
}

// Files are read into one reused buffer (per thread): reading thousands of
// files would otherwise leave as many garbage buffers for the GC, and the
// RSS, to carry.
let scratch = Buffer.allocUnsafe(1 << 20);

function readWhole(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > scratch.length) scratch = Buffer.allocUnsafe(size);
    let done = 0;
    while (done < size) {
      const n = readSync(fd, scratch, done, size - done, done);
      if (n === 0) break;
      done += n;
    }
    return scratch.subarray(0, done);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads one file, computes its crc-32 and deflates it with zlib's
 * synchronous call (its async API costs ~40% more CPU here: a stream object
 * and a pool round trip per 16 KB of output). Stored instead when deflate
 * does not make it smaller, a choice made from the bytes alone, so still
 * reproducible. The body is a fresh buffer of its own (never the scratch
 * buffer), safe to keep or transfer.
 */
export function deflateFile(source: string, level: number): Deflated {
  const data = readWhole(source);
  const crc = crc32(data) >>> 0;
  if (data.length > 0) {
    const deflated = deflateRawSync(data, { level });
    if (deflated.length < data.length) return { crc, size: data.length, method: METHOD_DEFLATE, body: ownCopy(deflated) };
  }
  return { crc, size: data.length, method: METHOD_STORE, body: ownCopy(data) };
}

// A buffer from zlib or the scratch may share a larger backing store; a copy
// of its own keeps a transfer (or a retained entry) to exactly its bytes.
function ownCopy(bytes: Buffer): Uint8Array {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy;
}
