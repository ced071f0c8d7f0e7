/**
 * Maps repository paths to the watchers (packages) that own them: a watcher
 * owns a folder and everything below it, or a single file. Lookup walks the
 * ancestors of a changed path, so one history pass costs O(depth) per changed
 * file whatever the number of packages.
 */
export class PathIndex<K> {
  private readonly owners = new Map<string, K[]>();

  add(path: string, key: K): void {
    const normalised = path.replace(/\/+$/, '');
    const list = this.owners.get(normalised);
    if (list) {
      if (!list.includes(key)) list.push(key);
    } else {
      this.owners.set(normalised, [key]);
    }
  }

  /** Every key that owns `path` (the path itself or one of its ancestor folders). */
  *ownersOf(path: string): Generator<K> {
    let current = path;
    for (;;) {
      const list = this.owners.get(current);
      if (list) yield* list;
      const slash = current.lastIndexOf('/');
      if (slash < 0) return;
      current = current.slice(0, slash);
    }
  }
}
