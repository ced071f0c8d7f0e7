// A synthetic package for the bundling benchmark: a node_modules-like tree of
// text files (JavaScript-like, compressing ~3-4x as real code does) and some
// incompressible binaries, the same bytes on every run (seeded generator).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TreeShape {
  files: number;
  bytes: number;
  /** Share of the bytes in incompressible files. */
  binaryShare: number;
}

export const DEFAULT_SHAPE: TreeShape = { files: 5000, bytes: 50 * 1024 * 1024, binaryShare: 0.15 };

function random(seed: number): () => number {
  // mulberry32: tiny, seeded, good enough for test data
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ('function return const let var if else for while require module exports this new class extends async await ' +
  'value options callback error result data index length push map filter reduce Object keys assign prototype ' +
  'undefined null true false string number typeof throw catch try finally ( ) { } ; , . = === !== => + - * / ' +
  "'use strict' console.log buffer stream emit listener promise resolve reject").split(' ');

function textCorpus(rand: () => number, bytes: number): Buffer {
  const parts: string[] = [];
  let size = 0;
  while (size < bytes) {
    const line: string[] = [];
    const indent = '  '.repeat(Math.floor(rand() * 4));
    const words = 3 + Math.floor(rand() * 10);
    for (let i = 0; i < words; i++) {
      const w = WORDS[Math.floor(rand() * WORDS.length)]!;
      line.push(rand() < 0.15 ? `${w}${Math.floor(rand() * 1000)}` : w);
    }
    const text = `${indent}${line.join(' ')}\n`;
    parts.push(text);
    size += text.length;
  }
  return Buffer.from(parts.join(''), 'latin1');
}

/** Writes the tree under `dir` and returns its file count and bytes. */
export function writeBenchTree(dir: string, shape: TreeShape = DEFAULT_SHAPE): { files: number; bytes: number } {
  const rand = random(42);
  const binaries = Math.max(1, Math.round(shape.files * 0.02));
  const texts = shape.files - binaries;
  const textBytes = shape.bytes * (1 - shape.binaryShare);
  const binaryBytes = shape.bytes - textBytes;
  const corpus = textCorpus(rand, 4 * 1024 * 1024);

  // Log-uniform sizes (many small files, a few large), scaled to the byte budget.
  const raw = Array.from({ length: texts }, () => Math.exp(Math.log(200) + rand() * (Math.log(60_000) - Math.log(200))));
  const scale = textBytes / raw.reduce((a, b) => a + b, 0);
  let total = 0;
  for (let i = 0; i < texts; i++) {
    const size = Math.max(1, Math.round(raw[i]! * scale));
    const start = Math.floor(rand() * (corpus.length - size));
    const path = join(dir, 'node_modules', `pkg-${String(Math.floor(i / 20)).padStart(3, '0')}`, i % 20 === 0 ? 'package.json' : `lib/file-${i % 20}.js`);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, corpus.subarray(start, start + size));
    total += size;
  }
  const binarySize = Math.round(binaryBytes / binaries / 4) * 4;
  for (let i = 0; i < binaries; i++) {
    const data = Buffer.alloc(binarySize);
    for (let j = 0; j < data.length; j += 4) data.writeUInt32LE(Math.floor(rand() * 4294967296), j);
    const path = join(dir, 'assets', `blob-${String(i).padStart(3, '0')}.bin`);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, data);
    total += data.length;
  }
  writeFileSync(join(dir, 'main.js'), 'exports.handler = async () => "bench";\n');
  return { files: texts + binaries + 1, bytes: total + 40 };
}
