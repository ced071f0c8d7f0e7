import { spawn } from 'node:child_process';
import { closeSync, fchmodSync, openSync, symlinkSync, writeSync } from 'node:fs';
import { OperationError } from '../errors.js';

export interface BlobJob {
  oid: string;
  /** Absolute path to create (its folder must exist). */
  file: string;
  kind: 'file' | 'symlink';
  /** For files: 0o644 or 0o755, set explicitly so the umask plays no part. */
  mode?: number;
}

/**
 * Writes git objects to disk through one `git cat-file --batch`: the raw
 * blobs, with no clean/smudge filter or end-of-line conversion, so the
 * result does not depend on the user's git config. Contents stream to their
 * files chunk by chunk; a large blob never sits in memory.
 */
export async function writeBlobs(gitRoot: string, jobs: readonly BlobJob[]): Promise<void> {
  if (jobs.length === 0) return;
  const child = spawn('git', ['cat-file', '--batch', '--buffer'], { cwd: gitRoot, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
  child.stdin.on('error', () => {}); // git exiting early surfaces through its exit code and stderr
  child.stdin.end(jobs.map((j) => `${j.oid}\n`).join(''));

  const reader = new BatchReader(jobs);
  try {
    for await (const chunk of child.stdout) reader.push(chunk as Buffer);
  } finally {
    reader.close();
  }
  const code = await exited;
  if (code !== 0) throw new OperationError(`git cat-file failed in ${gitRoot}: ${stderr.trim() || `exit ${code}`}`);
  if (reader.done < jobs.length) throw new OperationError(`git cat-file ended after ${reader.done} of ${jobs.length} objects`);
}

/** Parses `<oid> <type> <size>\n<content>\n` records and writes each to its job's file. */
class BatchReader {
  done = 0;
  private header = Buffer.alloc(0);
  private remaining = -1; // bytes of content still to come; -1 while reading a header
  private skipNewline = false;
  private fd: number | undefined;
  private linkParts: Buffer[] = [];

  constructor(private readonly jobs: readonly BlobJob[]) {}

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.skipNewline) {
        at++;
        this.skipNewline = false;
        this.finish();
        continue;
      }
      if (this.remaining < 0) {
        const end = chunk.indexOf(10, at);
        if (end < 0) {
          this.header = Buffer.concat([this.header, chunk.subarray(at)]);
          return;
        }
        this.start(Buffer.concat([this.header, chunk.subarray(at, end)]).toString('utf8'));
        this.header = Buffer.alloc(0);
        at = end + 1;
        continue;
      }
      const take = Math.min(this.remaining, chunk.length - at);
      this.consume(chunk.subarray(at, at + take));
      this.remaining -= take;
      at += take;
      if (this.remaining === 0) {
        this.remaining = -1;
        this.skipNewline = true;
      }
    }
  }

  private start(header: string): void {
    const job = this.jobs[this.done];
    if (!job) throw new OperationError(`git cat-file sent more objects than asked: ${header}`);
    const [oid, type, size] = header.split(' ');
    if (oid !== job.oid || type !== 'blob' || size === undefined) {
      throw new OperationError(`git cat-file: expected blob ${job.oid}, got ${JSON.stringify(header)}`);
    }
    this.remaining = Number(size);
    if (job.kind === 'file') this.fd = openSync(job.file, 'w', job.mode ?? 0o644);
    else this.linkParts = [];
    if (this.remaining === 0) {
      this.remaining = -1;
      this.skipNewline = true;
    }
  }

  private consume(part: Buffer): void {
    if (this.fd !== undefined) {
      let done = 0;
      while (done < part.length) done += writeSync(this.fd, part, done, part.length - done);
    } else {
      this.linkParts.push(Buffer.from(part));
    }
  }

  private finish(): void {
    const job = this.jobs[this.done]!;
    if (this.fd !== undefined) {
      fchmodSync(this.fd, job.mode ?? 0o644);
      closeSync(this.fd);
      this.fd = undefined;
    } else {
      symlinkSync(Buffer.concat(this.linkParts).toString('utf8'), job.file);
    }
    this.done++;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
