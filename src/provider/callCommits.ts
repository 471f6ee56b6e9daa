import type { CommitBatch, CommitQueues } from "./commitQueue";

/** A server's commit queue as one handler call sees it. */
export interface CallQueue<E, R> {
  submit(edit: E): Promise<R>;
}

/**
 * One handler call's view of the run's commit queues. A check or diff that will lead to a write
 * announces the queues it will submit to; the create or update that follows claims them, so that its
 * submits count as the announced edits, and the ones it never makes are given up when the call ends.
 */
export class CallCommits {
  /** Claimed keys this call has not submitted to yet. */
  private readonly claimed = new Set<string>();
  /** Edits of this call waiting in a batch that is not being committed yet. */
  private parked = 0;
  private planning = false;

  constructor(private readonly queues: CommitQueues) {}

  queue<E, R>(key: string, commit: CommitBatch<E, R>): CallQueue<E, R> {
    return {
      submit: (edit: E) => {
        const announced = this.claimed.delete(key);
        let waiting = true;
        const unpark = () => {
          if (!waiting) return;
          waiting = false;
          if (--this.parked === 0) this.queues.activity.callUnparked();
        };
        if (this.parked++ === 0) this.queues.activity.callParked();
        const result = this.queues.queue(key, commit).submit(edit, { announced, onCommitStart: unpark });
        // After the submit, so that the queue sees this edit when it learns that nothing more is missing.
        if (announced) this.queues.activity.settle(key);
        return result.finally(unpark);
      },
    };
  }

  /** This call is a check or a diff: while they run, the engine may announce more writes. */
  plan(): void {
    if (this.planning) return;
    this.planning = true;
    this.queues.activity.planningStarted();
  }

  /** A write to these queues will follow (check of a new resource, diff with changes). */
  announce(keys: readonly string[]): void {
    this.queues.activity.announce(keys);
  }

  /** This call is the write a check or diff announced for these queues. */
  claim(keys: readonly string[]): void {
    for (const key of keys) this.claimed.add(key);
  }

  /** The call is over: the announced edits it did not make will not come. */
  end(): void {
    for (const key of this.claimed) this.queues.activity.settle(key);
    this.claimed.clear();
    if (this.planning) this.queues.activity.planningEnded();
    this.planning = false;
  }
}
