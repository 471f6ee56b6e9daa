import { typicalGap, withGap } from "./gaps";

/**
 * What the engine is doing with this provider process, as the commit queues need to know it.
 *
 * In an `up` the engine checks every new resource and diffs every existing one ahead of the creates and
 * updates it sends, but a busy engine (hundreds of resources on a few CPUs, saving its state after every
 * step) sends those creates over tens of seconds, with pauses. So a check or diff that will lead to a
 * write announces the queues it will submit to, and a queue keeps collecting until the edits it was
 * promised have come. Announced edits that will not come (the engine stopped after a failure, or its
 * --parallel is smaller than the resources, so it waits for the calls it has open) show as a stall: every
 * open call waits in a batch, no commit is running, and nothing new has happened for a while. The engine
 * may still be checking resources while the first creates arrive, so "every announced edit is here"
 * holds only once the checks and diffs have paused.
 */
export class RunActivity {
  /** Edits announced per queue key and not yet submitted (nor given up by their call). */
  private readonly expected = new Map<string, number>();
  private readonly listeners = new Set<(key: string) => void>();
  /** Handler calls in progress, of every kind. */
  private open = 0;
  /** Of those, the calls that have an edit waiting in a batch that is not being committed yet. */
  private parked = 0;
  private committing = 0;
  private lastEvent = Date.now();
  /** How many calls the engine had open when it last stalled: its --parallel, learned. */
  private width: number | undefined;
  /** Checks and diffs in progress, when the last one started or ended, and the recent gaps between their starts. */
  private planning = 0;
  private lastPlanning = 0;
  private planningGaps: number[] = [];

  announce(keys: readonly string[]): void {
    for (const key of keys) this.expected.set(key, (this.expected.get(key) ?? 0) + 1);
  }

  /** One announced edit for this key has come, or its call ended without it. */
  settle(key: string): void {
    const count = this.expected.get(key) ?? 0;
    if (count <= 1) this.expected.delete(key);
    else this.expected.set(key, count - 1);
    for (const listener of this.listeners) listener(key);
  }

  outstanding(key: string): number {
    return this.expected.get(key) ?? 0;
  }

  onSettle(listener: (key: string) => void): void {
    this.listeners.add(listener);
  }

  callStarted(): void {
    this.open++;
    this.touch();
  }

  callEnded(): void {
    this.open = Math.max(0, this.open - 1);
    this.touch();
  }

  /** A check or diff started: the engine is still planning, and may announce more. */
  planningStarted(): void {
    const now = Date.now();
    if (this.lastPlanning > 0) this.planningGaps = withGap(this.planningGaps, now - this.lastPlanning);
    this.planning++;
    this.lastPlanning = now;
  }

  planningEnded(): void {
    this.planning = Math.max(0, this.planning - 1);
    this.lastPlanning = Date.now();
  }

  /** How long no check or diff has been running (0 while one is), and the typical gap between their starts. */
  planningQuiet(): { forMs: number; typicalGapMs: number } {
    const typicalGapMs = typicalGap(this.planningGaps);
    if (this.planning > 0) return { forMs: 0, typicalGapMs };
    return { forMs: this.lastPlanning === 0 ? Number.POSITIVE_INFINITY : Date.now() - this.lastPlanning, typicalGapMs };
  }

  callParked(): void {
    this.parked++;
  }

  callUnparked(): void {
    this.parked = Math.max(0, this.parked - 1);
  }

  commitStarted(): void {
    this.committing++;
  }

  commitEnded(): void {
    this.committing = Math.max(0, this.committing - 1);
    this.touch();
  }

  /** How long the engine has been waiting on this process: 0 unless every open call waits in a batch and no commit runs. */
  stalledForMs(): number {
    if (this.open === 0 || this.parked < this.open || this.committing > 0) return 0;
    return Math.max(1, Date.now() - this.lastEvent);
  }

  /** A stall was seen: remember how many calls the engine had open, so that the next time it has as many the batch need not wait to see it. */
  learnWidth(): void {
    this.width = this.open;
  }

  /** Every call the engine can have open is open and waits in a batch: nothing more can come until one is committed. */
  atWidth(): boolean {
    return this.width !== undefined && this.open === this.width && this.stalledForMs() > 0;
  }

  private touch(): void {
    this.lastEvent = Date.now();
  }
}
