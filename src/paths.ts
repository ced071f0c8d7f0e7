import { fileURLToPath } from 'node:url';

/** The installed tool's own folder (compiled files live in <root>/dist/src/). */
export const TOOL_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function toolPath(...segments: string[]): string {
  return fileURLToPath(new URL(segments.join('/'), new URL('../../', import.meta.url)));
}
