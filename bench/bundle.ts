/**
 * Bundling benchmark (issue 3): a package of ~5,000 files and ~50 MB (see
 * bundle-tree.ts), zipped by
 *   - Info-ZIP `zip -qrX` (the baseline; installed with apt-get when missing),
 *   - lambda-sync's writer (walk + reproducible zip, src/bundle/zip),
 *   - archiver 8 used reproducibly (sorted append(readFileSync), fixed date),
 * each in its own process, rounds interleaved so that a noisy neighbour
 * hurts all alike; medians printed as ratios against zip. Then one 200 MB
 * file, to show that memory does not grow with the package.
 * Targets: at most 1.5x zip, peak RSS under 150 MB.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SHAPE, writeBenchTree } from './bundle-tree.js';

const ROUNDS = 3;
const CHILD = fileURLToPath(new URL('./bundle-child.js', import.meta.url));

interface Measure {
  ms: number;
  maxRssMiB?: number;
  size: number;
}

function hasZip(): boolean {
  return spawnSync('zip', ['-v'], { stdio: 'ignore' }).status === 0;
}

function ensureZip(): boolean {
  if (hasZip()) return true;
  console.log('bundle: Info-ZIP zip is missing; installing it (apt-get install -y zip)');
  spawnSync('apt-get', ['install', '-y', '-q', 'zip'], { stdio: 'inherit' });
  if (hasZip()) return true;
  console.log('bundle: could not install zip (not root? no apt-get? try: apt-get update && apt-get install -y zip); ratios against zip are skipped');
  return false;
}

function runZip(folder: string, out: string): Measure {
  rmSync(out, { force: true });
  const started = performance.now();
  execFileSync('zip', ['-qrX', out, '.'], { cwd: folder });
  return { ms: performance.now() - started, size: statSync(out).size };
}

function runChild(variant: string, folder: string, out: string): Measure {
  rmSync(out, { force: true });
  const stdout = execFileSync(process.execPath, [CHILD, variant, folder, out], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as Measure;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** A file of `bytes` made of a repeating 1 MiB pattern (compresses, but must be read and deflated in full). */
function writeLargeFile(path: string, bytes: number): void {
  const chunk = Buffer.alloc(1 << 20);
  for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 31 + (i >> 9)) & 0xff;
  const fd = openSync(path, 'w');
  for (let written = 0; written < bytes; written += chunk.length) writeSync(fd, chunk, 0, Math.min(chunk.length, bytes - written));
  closeSync(fd);
}

export async function run(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'lambda-sync-bench-bundle-'));
  try {
    const tree = join(work, 'tree');
    const shape = writeBenchTree(tree, DEFAULT_SHAPE);
    const withZip = ensureZip();
    console.log(`bundle: package of ${shape.files} files, ${mib(shape.bytes)}; median of ${ROUNDS} rounds, each run in its own process`);

    const results: Record<string, Measure[]> = { zip: [], ours: [], archiver: [] };
    for (let round = 0; round < ROUNDS; round++) {
      if (withZip) results.zip!.push(runZip(tree, join(work, 'zip.zip')));
      results.ours!.push(runChild('ours', tree, join(work, 'ours.zip')));
      results.archiver!.push(runChild('archiver', tree, join(work, 'archiver.zip')));
    }
    if (withZip) execFileSync('unzip', ['-tq', join(work, 'ours.zip')], { stdio: 'ignore' });

    const base = withZip ? median(results.zip!.map((m) => m.ms)) : undefined;
    const line = (label: string, measures: Measure[]): string => {
      const ms = median(measures.map((m) => m.ms));
      const rss = measures[0]!.maxRssMiB === undefined ? '' : `  peak RSS ${Math.max(...measures.map((m) => m.maxRssMiB!)).toFixed(0)} MiB`;
      const ratio = base ? `  ${(ms / base).toFixed(2)}x zip` : '';
      return `bundle: ${label.padEnd(26)} ${seconds(ms).padStart(8)}  zip ${mib(measures[0]!.size).padStart(9)}${ratio}${rss}`;
    };
    if (withZip) console.log(line('zip -qrX (baseline)', results.zip!));
    console.log(`${line('lambda-sync writer', results.ours!)}   (target: <= 1.50x zip, < 150 MiB)`);
    console.log(line('archiver 8 append()', results.archiver!));

    const big = join(work, 'big');
    execFileSync('mkdir', ['-p', big]);
    writeLargeFile(join(big, 'data.bin'), 200 * 1024 * 1024);
    const large = runChild('ours', big, join(work, 'big.zip'));
    const zipLarge = withZip ? runZip(big, join(work, 'big-zip.zip')) : undefined;
    console.log(
      `bundle: one 200 MiB file, lambda-sync writer ${seconds(large.ms)}${zipLarge ? ` (${(large.ms / zipLarge.ms).toFixed(2)}x zip)` : ''}, peak RSS ${large.maxRssMiB!.toFixed(0)} MiB (streamed: must not grow with the file)`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
