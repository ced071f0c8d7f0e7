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

/** Most characters of a folder name taken whole, when the parents' abbreviations cannot tell packages apart. */
const MAX_WHOLE_FOLDER = 12;

/**
 * A parent folder as it stands in front of a symbol, tried in this order:
 * abbreviated like a package folder, its whole name (cut), or the initials of
 * all its words (for long names that differ only past the cut).
 */
const FOLDER_FORMS = ['abbreviated', 'whole', 'initials'] as const;
type FolderForm = (typeof FOLDER_FORMS)[number];

function folderPart(folder: string, form: FolderForm): string {
  if (form === 'abbreviated') return baseSymbol(folder);
  if (form === 'initials') return words(folder).map((w) => w[0]).join('').toLowerCase() || 'p';
  const whole = words(folder).join('-').toLowerCase().slice(0, MAX_WHOLE_FOLDER).replace(/-+$/, '');
  return whole || 'p';
}

/**
 * The symbol with `depth` parent folders in front of the base, joined by `-`
 * (`api/authorizer` at depth 1: `api-author`). A path with fewer parents
 * uses all it has.
 */
function symbolWithParents(path: string, base: string, depth: number, form: FolderForm): string {
  const parents = path.split('/').slice(0, -1);
  const used = parents.slice(Math.max(0, parents.length - depth));
  return [...used.map((f) => folderPart(f, form)), base].join('-');
}

/**
 * Symbols for all packages, unique and readable. A package whose base symbol
 * no other package has gets it bare. Packages that share one get their parent
 * folders in front, as few as tell each apart (`api/authorizer` and
 * `web/authorizer`: `api-author`, `web-author`), first as abbreviations, then
 * as whole names when the abbreviations agree (`resize-images/x`,
 * `rot-images/x`), then as the initials of all their words. Only packages
 * that no parent tells apart within Treeherder's 25 characters get a numeric
 * suffix (2, 3, ...) that no other package uses or would use as its own base
 * symbol. Depends only on the set of paths, so a
 * rerun or a retrigger at the same revision gives every package the same
 * symbol.
 */
export function assignSymbols(packagePaths: readonly string[]): Map<string, string> {
  const sorted = [...new Set(packagePaths)].sort();
  const groups = new Map<string, string[]>();
  for (const path of sorted) {
    const base = baseSymbol(path);
    groups.set(base, [...(groups.get(base) ?? []), path]);
  }
  const result = new Map<string, string>();
  const unresolved: Array<[path: string, base: string]> = [];
  for (const [base, paths] of groups) {
    for (const path of resolveWithParents(base, paths, result)) unresolved.push([path, base]);
  }
  // A symbol with parents holds a `-` and ends with its base, which holds none: it can
  // equal neither a base nor a symbol of another group; the suffixes below hold no `-`.
  const reserved = new Set(groups.keys());
  const taken = new Set(result.values());
  for (const [path, base] of unresolved) {
    let symbol = base;
    for (let n = 2; taken.has(symbol) || (symbol !== base && reserved.has(symbol)); n++) symbol = `${base}${n}`;
    taken.add(symbol);
    result.set(path, symbol);
  }
  return result;
}

/**
 * Gives each of `paths` (sharing `base`) the first symbol, by more and more
 * parents, that none of the others has at the same step and that fits;
 * returns the paths no parent tells apart. A single path keeps the bare base.
 */
function resolveWithParents(base: string, paths: readonly string[], result: Map<string, string>): string[] {
  if (paths.length === 1) {
    result.set(paths[0]!, base);
    return [];
  }
  const deepest = Math.max(...paths.map((p) => p.split('/').length - 1));
  let open = [...paths];
  for (const form of FOLDER_FORMS) {
    for (let depth = 1; depth <= deepest && open.length > 0; depth++) {
      const candidates = new Map(paths.map((p) => [p, symbolWithParents(p, base, depth, form)]));
      const counts = new Map<string, number>();
      for (const symbol of candidates.values()) counts.set(symbol, (counts.get(symbol) ?? 0) + 1);
      const taken = new Set(result.values());
      open = open.filter((path) => {
        const symbol = candidates.get(path)!;
        if (counts.get(symbol) !== 1 || symbol.length > MAX_SYMBOL_LENGTH || taken.has(symbol)) return true;
        result.set(path, symbol);
        taken.add(symbol);
        return false;
      });
    }
  }
  return open;
}
