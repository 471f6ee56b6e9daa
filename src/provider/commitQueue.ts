/** One edit's outcome inside a committed batch. */
export type Settled<R> = { ok: true; value: R } | { ok: false; error: Error };

export type CommitBatch<E, R> = (edits: E[]) => Promise<Array<Settled<R>>>;

export interface BatchTiming {
  /** Commit once no new edit has arrived for this long (at least; see GAP_FACTOR)... */
  quietMs: number;
  /** ... never waiting longer than this for the next edit... */
  maxQuietMs: number;
  /** ... and once the first edit of the batch has waited this long, whatever still arrives. */
  maxWaitMs: number;
}

/**
 * Edits trickle in when the engine is busy (hundreds of resources on a few CPUs: one every 100-300 ms,
 * in bursts): a batch keeps collecting until the quiet lasts this many times the recent gaps between
 * edits, so that a trickle forms one batch, not one per pause.
 */
const GAP_FACTOR = 8;
const RECENT_GAPS = 8;

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
  private lastArrival = 0;
  /** The last gaps between arrivals in the pending batch, in ms. */
  private gaps: number[] = [];
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
      const now = Date.now();
      if (this.pending.length === 0) this.firstArrival = now;
      else this.gaps = [...this.gaps, now - this.lastArrival].slice(-RECENT_GAPS);
      this.lastArrival = now;
      this.pending.push({ edit, resolve, reject });
      if (!this.due) this.schedule();
    });
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    const waited = Date.now() - this.firstArrival;
    const typicalGap = this.gaps.length === 0 ? 0 : this.gaps.reduce((sum, gap) => sum + gap, 0) / this.gaps.length;
    const quiet = Math.min(this.timing.maxQuietMs, Math.max(this.timing.quietMs, GAP_FACTOR * typicalGap));
    const delay = Math.max(0, Math.min(quiet, this.timing.maxWaitMs - waited));
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
    this.gaps = [];
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
