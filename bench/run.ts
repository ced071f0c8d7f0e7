/**
 * `npm run bench`: runs every benchmark module in this folder (each exports
 * `run(): Promise<void>` and prints its own ratio lines), or only those whose
 * file name contains one of the arguments: `npm run bench -- revisions`.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const filters = process.argv.slice(2);
const modules = readdirSync(here)
  .filter((name) => name.endsWith('.js') && name !== 'run.js' && !name.startsWith('_'))
  .filter((name) => filters.length === 0 || filters.some((f) => name.includes(f)))
  .sort();

for (const name of modules) {
  const module = (await import(new URL(name, import.meta.url).href)) as { run?: () => Promise<void> };
  if (typeof module.run !== 'function') continue;
  console.log(`\n== ${name.replace(/\.js$/, '')} ==`);
  await module.run();
}
