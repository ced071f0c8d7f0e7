import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** The tool's own version, read from its package.json (dist/src/ -> ../../). */
export function toolVersion(): string {
  cached ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return cached;
}
