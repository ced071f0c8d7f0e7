import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';

/** Reads a JSON file of the staged tree; invalid JSON names the file (`shown`, repository-relative). */
export function readJsonFile<T>(abs: string, shown: string): T {
  try {
    return JSON.parse(readFileSync(abs, 'utf8')) as T;
  } catch (error) {
    throw new ConfigError(shown, '', `is not valid JSON: ${(error as Error).message}`);
  }
}
