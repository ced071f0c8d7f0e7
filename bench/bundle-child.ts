// One measured run of a zip writer over a folder, in a process of its own so
// that its peak memory is its own. Prints {ms, maxRssMiB, size, sha256} as JSON.
// Usage: node bundle-child.js <ours|archiver> <folder> <out.zip>
import { createHash } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { collectFiles } from '../src/bundle/collect.js';
import type { FileFilter } from '../src/bundle/filters.js';
import { compareNames, writeZip, type ZipInput } from '../src/bundle/zip/writer.js';
import { silentLogger } from '../src/log.js';

const everything: FileFilter = { ships: () => true, excludes: () => false, droppedBy: () => undefined };

async function ours(folder: string, out: string): Promise<{ size: number; sha256: string }> {
  return writeZip(out, collectFiles(folder, 'bench', everything, silentLogger));
}

/** archiver 8 the reproducible way LAMBDA.md §4.2 found: our sorted list, append(readFileSync), fixed UTC date. */
async function archiver(folder: string, out: string): Promise<{ size: number; sha256: string }> {
  const files: ZipInput[] = collectFiles(folder, 'bench', everything, silentLogger).sort((a, b) => compareNames(a.name, b.name));
  // Imported here, not at the top: loading archiver would add to the other variant's RSS.
  const { ZipArchive } = await import('archiver');
  const archive = new ZipArchive({ zlib: { level: 6 } });
  const sink = createWriteStream(out);
  const closed = new Promise<void>((resolve, reject) => {
    sink.on('close', resolve);
    archive.on('error', reject);
  });
  archive.pipe(sink);
  const date = new Date('1980-01-01T00:00:00Z');
  for (const f of files) archive.append(readFileSync(f.source), { name: f.name, date, mode: f.mode });
  await archive.finalize();
  await closed;
  const bytes = readFileSync(out);
  return { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('base64') };
}

export const VARIANTS = { ours, archiver } as const;

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [variant, folder, out] = process.argv.slice(2) as [keyof typeof VARIANTS, string, string];
  const started = performance.now();
  const result = await VARIANTS[variant](folder, out);
  const ms = performance.now() - started;
  const usage = process.resourceUsage();
  process.stdout.write(JSON.stringify({ ms, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, maxRssMiB: usage.maxRSS / 1024, ...result }));
}
