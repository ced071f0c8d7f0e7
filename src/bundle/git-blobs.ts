import { closeSync, fchmodSync, openSync, symlinkSync, writeSync } from 'node:fs';
import { OperationError } from '../errors.js';
import { catFileBatch } from '../repo/cat-file.js';

export interface BlobJob {
  oid: string;
  /** Absolute path to create (its folder must exist). */
  file: string;
  kind: 'file' | 'symlink';
  /** For files: 0o644 or 0o755, set explicitly so the umask plays no part. */
  mode?: number;
}

/**
 * Writes git blobs to disk through one `git cat-file --batch` (src/repo/cat-file.ts):
 * raw contents, streamed to their files chunk by chunk.
 */
export async function writeBlobs(gitRoot: string, jobs: readonly BlobJob[]): Promise<void> {
  let fd: number | undefined;
  let linkParts: Buffer[] = [];
  let job: BlobJob | undefined;
  try {
    await catFileBatch(gitRoot, jobs.map((j) => j.oid), {
      begin(index, found) {
        job = jobs[index]!;
        if (found?.type !== 'blob') throw new OperationError(`git cat-file: expected blob ${job.oid}, got ${found ? found.type : 'nothing'}`);
        if (job.kind === 'file') fd = openSync(job.file, 'w', job.mode ?? 0o644);
        else linkParts = [];
      },
      data(part) {
        if (fd !== undefined) {
          let done = 0;
          while (done < part.length) done += writeSync(fd, part, done, part.length - done);
        } else {
          linkParts.push(Buffer.from(part));
        }
      },
      end() {
        if (fd !== undefined) {
          fchmodSync(fd, job!.mode ?? 0o644);
          closeSync(fd);
          fd = undefined;
        } else {
          symlinkSync(Buffer.concat(linkParts).toString('utf8'), job!.file);
        }
      },
    });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
