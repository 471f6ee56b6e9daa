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
 * one restart, instead of one per resource. Batches for one server never overlap, and while one is being
 * committed the next keeps collecting: edits that must wait anyway join it rather than form batches of
 * their own.
 */
export class CommitQueue<E, R> {
  private pending: Array<{ edit: E; resolve: (value: R) => void; reject: (error: Error) => void }> = [];
  private firstArrival = 0;
  private timer: NodeJS.Timeout | undefined;
  /** The pending batch's window has closed: it goes as soon as the server is free. */
  private due = false;
  private committing = false;

  constructor(
    private readonly commit: CommitBatch<E, R>,
    private readonly timing: BatchTiming,
  ) {}

  submit(edit: E): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      if (this.pending.length === 0) this.firstArrival = Date.now();
      this.pending.push({ edit, resolve, reject });
      if (!this.due) this.schedule();
    });
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    const waited = Date.now() - this.firstArrival;
    const delay = Math.max(0, Math.min(this.timing.quietMs, this.timing.maxWaitMs - waited));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.due = true;
      void this.flush();
    }, delay);
  }

  private async flush(): Promise<void> {
    if (this.committing || !this.due) return;
    const batch = this.pending;
    this.pending = [];
    this.due = false;
    this.committing = true;
    let results: Array<Settled<R>>;
    try {
      results = await this.commit(batch.map((entry) => entry.edit));
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      results = batch.map(() => ({ ok: false, error: failure }));
    }
    this.committing = false;
    batch.forEach((entry, index) => {
      const result = results[index];
      if (!result) entry.reject(new Error("internal error: the commit returned no result for an edit"));
      else if (result.ok) entry.resolve(result.value);
      else entry.reject(result.error);
    });
    void this.flush();
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
