/**
 * Live reads cached for the run, keyed by what was read (a server's config, its failover state), so that
 * previewing N resources reads each server once. Writers invalidate what they change.
 */
export class SnapshotCache {
  private readonly entries = new Map<string, { value: Promise<unknown>; startedAt: number }>();

  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    return (this.entries.get(key)?.value ?? this.load(key, load)) as Promise<T>;
  }

  /**
   * A read started at `startedAfter` or later (in flight or done), else a new one: callers polling the
   * same thing share one read per interval instead of sending one each.
   */
  since<T>(key: string, startedAfter: number, load: () => Promise<T>): Promise<T> {
    const entry = this.entries.get(key);
    return (entry && entry.startedAt >= startedAfter ? entry.value : this.load(key, load)) as Promise<T>;
  }

  private load<T>(key: string, load: () => Promise<T>): Promise<T> {
    const entry = { startedAt: Date.now(), value: load() };
    this.entries.set(key, entry);
    // A failed read is not kept; a newer read that replaced this one is left alone.
    entry.value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return entry.value;
  }

  invalidate(key: string): void {
    this.entries.delete(key);
  }

  invalidatePrefix(prefix: string): void {
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.entries.delete(key);
  }
}
