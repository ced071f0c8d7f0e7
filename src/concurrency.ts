// A bounded pool: at most `limit` calls of `work` in flight, in input order.
// The queue answers each createTask in tens of milliseconds; one request at
// a time (as taskcluster-github does) makes a 1,000-task graph take a
// minute, and unbounded would open 1,000 sockets at once.

/** Runs `work` on every item with at most `limit` running at once; results keep the items' order. */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency must be a positive integer, got ${limit}`);
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
