import { fileURLToPath } from 'node:url';

/** A path inside the installed tool's own folder (compiled files live in <root>/dist/src/). */
export function toolPath(...segments: string[]): string {
  return fileURLToPath(new URL(segments.join('/'), new URL('../../', import.meta.url)));
}
