export interface Closable {
  close(): Promise<void> | void;
}

/**
 * Connections keyed by endpoint, opened on first use and reused by every operation of the run, so a run
 * opens one SSH connection (or API session) per server however many resources it touches.
 */
export class ConnectionPool {
  private readonly open = new Map<string, Promise<Closable>>();

  get<T extends Closable>(key: string, connect: () => Promise<T>): Promise<T> {
    let connection = this.open.get(key);
    if (!connection) {
      connection = connect();
      this.open.set(key, connection);
      // A failed connection is not cached: the next operation tries again and reports its own error.
      connection.catch(() => this.open.delete(key));
    }
    return connection as Promise<T>;
  }

  /** Forgets a connection that broke, so that the next use reconnects. */
  drop(key: string): void {
    this.open.delete(key);
  }

  async closeAll(): Promise<void> {
    const connections = [...this.open.values()];
    this.open.clear();
    await Promise.allSettled(connections.map(async (c) => (await c).close()));
  }
}
