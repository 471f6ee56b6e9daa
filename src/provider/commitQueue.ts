/** One edit's outcome inside a committed batch. */
export type Settled<R> = { ok: true; value: R } | { ok: false; error: Error };

export type CommitBatch<E, R> = (edits: E[]) => Promise<Array<Settled<R>>>;

export interface BatchTiming {
  /** Commit once no new edit has arrived for this long. */
  quietMs: number;
  /** ... or once the first edit of the batch has waited this long. */
  maxWaitMs: number;
}

/**
 * Coalesces edits for one server. The engine calls create/update/delete for many resources at once
 * (up to its --parallel); edits that arrive together become one batch: one read, one validated write and
 * one restart, instead of one per resource. Batches for one server never overlap.
 */
export class CommitQueue<E, R> {
  private pending: Array<{ edit: E; resolve: (value: R) => void; reject: (error: Error) => void }> = [];
  private firstArrival = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly commit: CommitBatch<E, R>,
    private readonly timing: BatchTiming,
  ) {}

  submit(edit: E): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      if (this.pending.length === 0) this.firstArrival = Date.now();
      this.pending.push({ edit, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    const waited = Date.now() - this.firstArrival;
    const delay = Math.max(0, Math.min(this.timing.quietMs, this.timing.maxWaitMs - waited));
    this.timer = setTimeout(() => this.flush(), delay);
  }

  private flush(): void {
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    this.running = this.running.then(async () => {
      let results: Array<Settled<R>>;
      try {
        results = await this.commit(batch.map((entry) => entry.edit));
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        results = batch.map(() => ({ ok: false, error: failure }));
      }
      batch.forEach((entry, index) => {
        const result = results[index];
        if (!result) entry.reject(new Error("internal error: the commit returned no result for an edit"));
        else if (result.ok) entry.resolve(result.value);
        else entry.reject(result.error);
      });
    });
  }
}

/** Commit queues by server key, created on first use. */
export class CommitQueues {
  private readonly queues = new Map<string, CommitQueue<unknown, unknown>>();

  constructor(private readonly timing: BatchTiming) {}

  queue<E, R>(key: string, commit: CommitBatch<E, R>): CommitQueue<E, R> {
    let queue = this.queues.get(key);
    if (!queue) {
      queue = new CommitQueue(commit as CommitBatch<unknown, unknown>, this.timing);
      this.queues.set(key, queue);
    }
    return queue as CommitQueue<E, R>;
  }
}
