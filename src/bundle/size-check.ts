import { UnzippedTooLargeError } from './errors.js';
import type { ZipInput } from './zip/writer.js';

/** The folder a file is charged to: the top folder, or a dependency's folder (`node_modules/x`, `node_modules/@s/x`). */
function chargedFolder(name: string): string {
  const parts = name.split('/').slice(0, -1);
  if (parts.length === 0) return '.';
  if (parts[0] === 'node_modules' && parts.length > 1) return parts.slice(0, parts[1]!.startsWith('@') ? 3 : 2).join('/');
  return parts[0]!;
}

export function largestFolders(files: readonly ZipInput[], count = 5): { folder: string; bytes: number }[] {
  const totals = new Map<string, number>();
  for (const file of files) {
    const folder = chargedFolder(file.name);
    totals.set(folder, (totals.get(folder) ?? 0) + file.size);
  }
  return [...totals]
    .map(([folder, bytes]) => ({ folder, bytes }))
    .sort((a, b) => b.bytes - a.bytes || (a.folder < b.folder ? -1 : 1))
    .slice(0, count);
}

/** Returns the unzipped size; over `limit`, throws naming the largest folders. */
export function checkUnzippedSize(packagePath: string, files: readonly ZipInput[], limit: number): number {
  const total = files.reduce((sum, f) => sum + f.size, 0);
  if (total > limit) throw new UnzippedTooLargeError(packagePath, total, limit, largestFolders(files));
  return total;
}
