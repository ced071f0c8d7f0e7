import type { Package } from './package.js';

const SHOWN = 10;

/** What a deploy of a dirty package leaves out: it deploys the committed files and config only. */
export function leftOut(pkg: Pick<Package, 'path' | 'uncommittedFiles'>, revision: string | undefined): string {
  const files = pkg.uncommittedFiles;
  const list = `${files.slice(0, SHOWN).join(', ')}${files.length > SHOWN ? `, ... (${files.length} files)` : ''}`;
  return `${pkg.path} has uncommitted changes, left out: ${list}; what deploys is ${revision ? `revision ${revision.slice(0, 12)}` : 'its last commit'}, code and config as committed`;
}
