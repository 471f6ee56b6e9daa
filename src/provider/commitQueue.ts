import { typicalGap, withGap } from "./gaps";
import { RunActivity } from "./runActivity";

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
  /** While announced edits are missing: commit when the engine has waited on this process this long (see RunActivity). */
  stallMs: number;
}

/**
 * Edits trickle in when the engine is busy (hundreds of resources on a few CPUs: one every 100-300 ms,
 * in bursts): a batch keeps collecting until the quiet lasts this many times the recent gaps between
 * edits, so that a trickle forms one batch, not one per pause.
 */
const GAP_FACTOR = 8;

/** What a pending batch knows when it decides whether to go. */
export interface BatchState {
  now: number;
  firstArrival: number;
  lastArrival: number;
  /** The last gaps between arrivals in the batch, in ms. */
  gaps: readonly number[];
  /** The batch holds at least one edit a check or diff announced. */
  announced: boolean;
  /** Announced edits for this queue that have not come yet. */
  outstanding: number;
  /** How long the engine has been waiting on this process (0: it is not). */
  stalledForMs: number;
  /** The engine has as many calls open as when it last stalled, and all wait. */
  atWidth: boolean;
  /** How long no check or diff has run (0 while one does; Infinity: none ran), and the typical gap between them. */
  planningQuietForMs: number;
  planningGapMs: number;
}

export type CommitReason = "all announced edits are here" | "the engine waits" | "quiet" | "waited long enough";
export type BatchDecision = { commit: true; reason: CommitReason; stalled?: boolean } | { commit: false; recheckInMs: number };
/** Told of every batch as it closes: its queue, size and why it went (the benchmark records it). */
export type BatchObserver = (key: string, size: number, decision: Extract<BatchDecision, { commit: true }>) => void;

/**
 * When a pending batch goes. With announced edits missing it waits for them, unless the engine is waiting
 * on us (they cannot come before this batch is committed); without announcements, it goes after a quiet
 * that adapts to the gaps between arrivals. Never later than maxWaitMs after its first edit.
 */
export function decideBatch(state: BatchState, timing: BatchTiming): BatchDecision {
  const left = timing.maxWaitMs - (state.now - state.firstArrival);
  if (left <= 0) return { commit: true, reason: "waited long enough" };
  const quiet = Math.min(timing.maxQuietMs, Math.max(timing.quietMs, GAP_FACTOR * typicalGap(state.gaps)));
  if (state.outstanding === 0) {
    if (state.announced) {
      // The engine may still be checking resources whose edits belong here: only a pause in its checks says it is done.
      const pause = Math.min(timing.maxQuietMs, Math.max(timing.quietMs, GAP_FACTOR * state.planningGapMs));
      if (state.planningQuietForMs >= pause) return { commit: true, reason: "all announced edits are here" };
      return { commit: false, recheckInMs: Math.max(1, Math.min(state.planningQuietForMs > 0 ? pause - state.planningQuietForMs : timing.quietMs, left)) };
    }
    const sinceLast = state.now - state.lastArrival;
    return sinceLast >= quiet ? { commit: true, reason: "quiet" } : { commit: false, recheckInMs: Math.min(quiet - sinceLast, left) };
  }
  // At the engine's learned --parallel a short stall is enough; otherwise wait long enough not to take a busy engine's pause for one.
  const threshold = state.atWidth ? timing.quietMs : Math.max(quiet, timing.stallMs);
  if (state.stalledForMs >= threshold) return { commit: true, reason: "the engine waits", stalled: !state.atWidth };
  const recheck = state.stalledForMs > 0 ? threshold - state.stalledForMs : timing.quietMs;
  return { commit: false, recheckInMs: Math.max(1, Math.min(recheck, left)) };
}

export interface SubmitOptions {
  /** The edit is one a check or diff announced (see RunActivity). */
  announced?: boolean;
  /** Called when the edit's batch starts being committed. */
  onCommitStart?: () => void;
}

interface Entry<E, R> {
  edit: E;
  options: SubmitOptions;
  resolve: (value: R) => void;
  reject: (error: Error) => void;
}

/**
 * Coalesces edits for one server. The engine calls create/update/delete for many resources at once
 * (up to its --parallel); edits that arrive together become one batch: one read, one validated write and
 * one restart, instead of one per resource. Batches for one server never overlap, and while one is being
 * committed the next keeps collecting: edits that must wait anyway join it rather than form batches of
 * their own.
 */
export class CommitQueue<E, R> {
  private pending: Array<Entry<E, R>> = [];
  private firstArrival = 0;
  private lastArrival = 0;
  private gaps: number[] = [];
  private announced = false;
  private timer: NodeJS.Timeout | undefined;
  /** The pending batch's window has closed: it goes as soon as the server is free. */
  private due = false;
  private committing = false;

  constructor(
    private readonly commit: CommitBatch<E, R>,
    private readonly timing: BatchTiming,
    private readonly key = "",
    private readonly activity = new RunActivity(),
    private readonly observe?: BatchObserver,
  ) {}

  submit(edit: E, options: SubmitOptions = {}): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const now = Date.now();
      if (this.pending.length === 0) this.firstArrival = now;
      else this.gaps = withGap(this.gaps, now - this.lastArrival);
      this.lastArrival = now;
      if (options.announced) this.announced = true;
      this.pending.push({ edit, options, resolve, reject });
      this.evaluate();
    });
  }

  /** Looks again at the pending batch: something it waits for may have changed. */
  evaluate(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.due || this.pending.length === 0) return;
    const planning = this.activity.planningQuiet();
    const decision = decideBatch(
      {
        now: Date.now(),
        firstArrival: this.firstArrival,
        lastArrival: this.lastArrival,
        gaps: this.gaps,
        announced: this.announced,
        outstanding: this.activity.outstanding(this.key),
        stalledForMs: this.activity.stalledForMs(),
        atWidth: this.activity.atWidth(),
        planningQuietForMs: planning.forMs,
        planningGapMs: planning.typicalGapMs,
      },
      this.timing,
    );
    if (!decision.commit) {
      this.timer = setTimeout(() => this.evaluate(), decision.recheckInMs);
      return;
    }
    if (decision.stalled) this.activity.learnWidth();
    this.observe?.(this.key, this.pending.length, decision);
    this.due = true;
    void this.flush();
  }

  private async flush(): Promise<void> {
    if (this.committing || !this.due) return;
    const batch = this.pending;
    this.pending = [];
    this.gaps = [];
    this.announced = false;
    this.due = false;
    this.committing = true;
    this.activity.commitStarted();
    for (const entry of batch) entry.options.onCommitStart?.();
    let results: Array<Settled<R>>;
    try {
      results = await this.commit(batch.map((entry) => entry.edit));
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      results = batch.map(() => ({ ok: false, error: failure }));
    }
    this.committing = false;
    this.activity.commitEnded();
    batch.forEach((entry, index) => {
      const result = results[index];
      if (!result) entry.reject(new Error("internal error: the commit returned no result for an edit"));
      else if (result.ok) entry.resolve(result.value);
      else entry.reject(result.error);
    });
    void this.flush();
  }
}

/** Commit queues by server key, created on first use; they share what the run knows of the engine. */
export class CommitQueues {
  private readonly queues = new Map<string, CommitQueue<unknown, unknown>>();

  constructor(
    private readonly timing: BatchTiming,
    readonly activity = new RunActivity(),
    private readonly observe?: BatchObserver,
  ) {
    activity.onSettle((key) => this.queues.get(key)?.evaluate());
  }

  queue<E, R>(key: string, commit: CommitBatch<E, R>): CommitQueue<E, R> {
    let queue = this.queues.get(key);
    if (!queue) {
      queue = new CommitQueue(commit as CommitBatch<unknown, unknown>, this.timing, key, this.activity, this.observe);
      this.queues.set(key, queue);
    }
    return queue as CommitQueue<E, R>;
  }
}
