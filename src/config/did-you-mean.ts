import { closestMatch } from 'leven';

/** Shortest key (or typed stem) worth completing: `env` -> `environment`, not `a` -> `alias`. */
const MIN_STEM = 3;

/**
 * The allowed key an unknown one most likely meant, or undefined: the same
 * key in other letter case (`Handler`), a few typos away (`memroy`,
 * `architectures`), or one starting with the other (`memorySize`, the name
 * other Lambda tools use, -> `memory`; `env` -> `environment`). Case is
 * ignored throughout, since tools disagree on it.
 */
export function didYouMean(unknown: string, allowed: readonly string[]): string | undefined {
  const lower = unknown.toLowerCase();
  const byLower = new Map(allowed.map((key) => [key.toLowerCase(), key]));
  const exact = byLower.get(lower);
  if (exact !== undefined) return exact;
  // A third of the length, at least one: `memroy` (2 away) is a typo, `role` -> `alias` is not.
  const maxDistance = Math.max(1, Math.floor(lower.length / 3));
  const close = closestMatch(lower, [...byLower.keys()], { maxDistance });
  if (close !== undefined) return byLower.get(close);
  const stems = [...byLower.keys()].filter((key) => Math.min(key.length, lower.length) >= MIN_STEM && (lower.startsWith(key) || key.startsWith(lower)));
  // The longest shared stem is the most specific (`memorySize` is `memory`, never a shorter key).
  stems.sort((a, b) => b.length - a.length);
  return stems[0] === undefined ? undefined : byLower.get(stems[0]);
}
