// Marker/NextMarker pagination as Lambda's list operations do it: opaque
// markers, at most 50 items per page whatever MaxItems asks for.
import { Problems, invalidParameter } from './errors.js';

export const PAGE_LIMIT = 50;

export function readPaging(query: URLSearchParams): { marker?: string; maxItems?: number } {
  const p = new Problems();
  const raw = query.get('MaxItems');
  const maxItems = raw === null ? undefined : Number(raw);
  if (maxItems !== undefined && !Number.isInteger(maxItems)) throw invalidParameter(`Invalid MaxItems: ${raw}`);
  p.range('maxItems', maxItems, 1, 10000);
  p.throwIfAny();
  const marker = query.get('Marker') ?? undefined;
  return { ...(marker ? { marker } : {}), ...(maxItems ? { maxItems } : {}) };
}

/** Items must be sorted by key; the marker names the last key returned. */
export function paginate<T>(items: T[], key: (t: T) => string, q: { marker?: string; maxItems?: number }): { page: T[]; next?: string } {
  let start = 0;
  if (q.marker) {
    let after: unknown;
    try {
      after = JSON.parse(Buffer.from(q.marker, 'base64url').toString('utf8'));
    } catch {
      throw invalidParameter('Invalid pagination marker.');
    }
    if (typeof after !== 'string') throw invalidParameter('Invalid pagination marker.');
    start = items.findIndex((t) => key(t) > after);
    if (start < 0) start = items.length;
  }
  const size = Math.min(q.maxItems ?? PAGE_LIMIT, PAGE_LIMIT);
  const page = items.slice(start, start + size);
  const more = start + size < items.length;
  return more ? { page, next: Buffer.from(JSON.stringify(key(page.at(-1)!))).toString('base64url') } : { page };
}
