import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { deflateFile, type Deflated } from './deflate-file.js';

export type { Deflated } from './deflate-file.js';

/** Several files per message: one message per file costs more CPU than deflating a small file. */
export interface DeflateJob {
  id: number;
  sources: string[];
  level: number;
}

export type DeflateReply = { id: number; results: Deflated[]; error?: undefined } | { id: number; error: string };

export interface Deflater {
  deflate(sources: string[], level: number): Promise<Deflated[]>;
  close(): Promise<void>;
}

/** Deflates on the calling thread: for small packages, where starting workers (~0.1 s of CPU each) costs more than it saves. */
export class InlineDeflater implements Deflater {
  async deflate(sources: string[], level: number): Promise<Deflated[]> {
    return sources.map((source) => deflateFile(source, level));
  }
  async close(): Promise<void> {}
}

/**
 * Worker threads that read and deflate files (deflate-worker.ts), one per
 * CPU up to 4. Batches of files go to the least busy worker; results come
 * back as transferred buffers, so no copy crosses threads.
 */
export class DeflatePool implements Deflater {
  private readonly workers: { worker: Worker; busy: number }[] = [];
  private readonly waiting = new Map<number, { resolve: (d: Deflated[]) => void; reject: (e: Error) => void }>();
  private nextId = 0;

  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(new URL('./deflate-worker.js', import.meta.url));
      const slot = { worker, busy: 0 };
      worker.on('message', (reply: DeflateReply) => {
        slot.busy--;
        const waiter = this.waiting.get(reply.id);
        this.waiting.delete(reply.id);
        if (!waiter) return;
        if (reply.error !== undefined) waiter.reject(new Error(reply.error));
        else waiter.resolve(reply.results);
      });
      worker.on('error', (error) => {
        for (const waiter of this.waiting.values()) waiter.reject(error);
        this.waiting.clear();
      });
      this.workers.push(slot);
    }
  }

  deflate(sources: string[], level: number): Promise<Deflated[]> {
    const id = this.nextId++;
    const slot = this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
    slot.busy++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      slot.worker.postMessage({ id, sources, level } satisfies DeflateJob);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}

/** Workers only when there is enough to deflate and more than one CPU to do it on. */
export function createDeflater(bytes: number, threads = Math.min(4, availableParallelism()), minBytesForWorkers = 4 * 1024 * 1024): Deflater {
  return threads > 1 && bytes >= minBytesForWorkers ? new DeflatePool(threads) : new InlineDeflater();
}
