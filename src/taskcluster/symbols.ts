// Treeherder job symbols for the packages: short, derived from the package
// folder's name, unique within the graph. Treeherder shows the symbol in a
// small box and the job name (`deploy <path>`) on selection, so the symbol
// only needs to be recognisable next to its neighbours.

/** Treeherder's schema allows 25 characters; we keep to the characters its other fields allow. */
export const MAX_SYMBOL_LENGTH = 25;
const SYMBOL_PATTERN = /^[A-Za-z0-9_-]{1,25}$/;
/** Longest base symbol for a one-word folder name. */
const MAX_WORD = 6;
/** Most initials taken from a many-word folder name. */
const MAX_INITIALS = 6;

export function isValidSymbol(symbol: string): boolean {
  return SYMBOL_PATTERN.test(symbol);
}

/** Words of a folder name: split on anything not a letter or digit, and on camelCase humps. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '');
}

/**
 * The symbol a package would get alone: the initials of its folder name's
 * words (`resize-images` -> `ri`), or for a one-word name its first six
 * characters (`thumbnailer` -> `thumbn`), lower case.
 */
export function baseSymbol(packagePath: string): string {
  const folder = packagePath.split('/').pop() ?? '';
  const parts = words(folder);
  if (parts.length === 0) return 'p';
  const symbol = parts.length === 1 ? parts[0]!.slice(0, MAX_WORD) : parts.slice(0, MAX_INITIALS).map((w) => w[0]).join('');
  return symbol.toLowerCase();
}

/**
 * Symbols for all packages, unique: in path order, the first package with a
 * base symbol gets it bare, later ones get the lowest numeric suffix (2, 3, ...)
 * that no other package uses or would use as its own base symbol. Depends
 * only on the set of paths, so a rerun or a retrigger at the same revision
 * gives every package the same symbol.
 */
export function assignSymbols(packagePaths: readonly string[]): Map<string, string> {
  const sorted = [...new Set(packagePaths)].sort();
  const bases = new Map(sorted.map((path) => [path, baseSymbol(path)]));
  const reserved = new Set(bases.values());
  const taken = new Set<string>();
  const result = new Map<string, string>();
  for (const path of sorted) {
    const base = bases.get(path)!;
    let symbol = base;
    if (taken.has(symbol)) {
      for (let n = 2; ; n++) {
        symbol = `${base}${n}`;
        if (!taken.has(symbol) && !reserved.has(symbol)) break;
      }
    }
    taken.add(symbol);
    result.set(path, symbol);
  }
  return result;
}
