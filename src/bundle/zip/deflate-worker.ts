// Runs in a worker thread of DeflatePool: deflates the files it is sent.
import { parentPort } from 'node:worker_threads';
import { deflateFile } from './deflate-file.js';
import type { DeflateJob, DeflateReply } from './deflate-pool.js';

parentPort!.on('message', (job: DeflateJob) => {
  try {
    const results = job.sources.map((source) => deflateFile(source, job.level));
    parentPort!.postMessage({ id: job.id, results } satisfies DeflateReply, results.map((r) => r.body.buffer as ArrayBuffer));
  } catch (error) {
    parentPort!.postMessage({ id: job.id, error: (error as Error).message } satisfies DeflateReply);
  }
});
