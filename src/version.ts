import { readFileSync } from 'node:fs';
import { toolPath } from './paths.js';

let cached: string | undefined;

/** The tool's own version, read from its package.json. */
export function toolVersion(): string {
  cached ??= (JSON.parse(readFileSync(toolPath('package.json'), 'utf8')) as { version: string }).version;
  return cached;
}
