import { createHash, type Hash } from 'node:crypto';
import { closeSync, createReadStream, openSync, writeSync } from 'node:fs';

const FLUSH_AT = 1 << 20;

/**
 * The zip file being written: appends are buffered and written with
 * synchronous calls on purpose. The libuv pool is busy deflating entries, and
 * a write there would queue behind them; a write into the page cache on the
 * main thread costs microseconds (LAMBDA.md §4.3 measured the same for reads).
 *
 * The SHA-256 is computed while writing. A streamed entry's sizes are only
 * known after its data, so its header is patched in place afterwards; once
 * that has happened the running hash is void and `sha256()` reads the file
 * back instead.
 */
export class ZipOutput {
  position = 0;
  private readonly fd: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private readonly hash: Hash = createHash('sha256');
  private patched = false;

  constructor(readonly file: string) {
    this.fd = openSync(file, 'w', 0o644);
  }

  write(chunk: Buffer): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    this.position += chunk.length;
    if (this.pendingBytes >= FLUSH_AT) this.flush();
  }

  flush(): void {
    if (this.pendingBytes === 0) return;
    const data = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.hash.update(data);
    let done = 0;
    while (done < data.length) done += writeSync(this.fd, data, done, data.length - done);
  }

  /** Overwrites bytes already written (a header's sizes). */
  patch(at: number, bytes: Buffer): void {
    this.flush();
    this.patched = true;
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done, at + done);
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  /** Base64 SHA-256 of the whole file, as Lambda's CodeSha256. Call after close(). */
  async sha256(): Promise<string> {
    if (!this.patched) return this.hash.digest('base64');
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(this.file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
    return hash.digest('base64');
  }
}
