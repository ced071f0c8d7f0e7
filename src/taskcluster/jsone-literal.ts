// Values from the config (image, env, routes, owner, ...) go into the
// actions' json-e templates. json-e would interpolate a `${...}` inside a
// string and treat a key starting with `$` as an operator, so such values
// are escaped to render back to themselves.

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** `value` escaped so that json-e renders it unchanged. */
export function jsoneLiteral<T extends Json>(value: T): T {
  // A function replacer: in a replacement string `$$` would mean one `$`.
  if (typeof value === 'string') return value.replace(/\$\{/g, () => '$${') as T;
  if (Array.isArray(value)) return value.map((v) => jsoneLiteral(v)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, v]) => [key.startsWith('$') ? `$${key}` : key, jsoneLiteral(v)]),
    ) as T;
  }
  return value;
}
