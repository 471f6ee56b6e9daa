/**
 * Live reads cached for the run, keyed by what was read (a server's config, its failover state), so that
 * previewing N resources reads each server once. Writers invalidate what they change.
 */
export class SnapshotCache {
  private readonly entries = new Map<string, Promise<unknown>>();

  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = load();
      this.entries.set(key, entry);
      entry.catch(() => this.entries.delete(key));
    }
    return entry as Promise<T>;
  }

  invalidate(key: string): void {
    this.entries.delete(key);
  }

  invalidatePrefix(prefix: string): void {
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.entries.delete(key);
  }
}
