import { describe, expect, it } from "vitest";
import { CallCommits } from "../../../src/provider/callCommits";
import { CommitQueue, CommitQueues, decideBatch, type Settled } from "../../../src/provider/commitQueue";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("CommitQueue", () => {
  it("coalesces edits that arrive together into one batch, and keeps each edit's own result", async () => {
    const batches: number[][] = [];
    const queue = new CommitQueue<number, number>(async (edits) => {
      batches.push(edits);
      return edits.map((e): Settled<number> => (e === 3 ? { ok: false, error: new Error("three is refused") } : { ok: true, value: e * 10 }));
    }, { quietMs: 30, maxQuietMs: 30, maxWaitMs: 1000, stallMs: 0 });
    const results = await Promise.allSettled([1, 2, 3, 4].map((n) => queue.submit(n)));
    expect(batches).toEqual([[1, 2, 3, 4]]);
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as Error).message))).toEqual([10, 20, "three is refused", 40]);
  });

  it("never runs two batches for one server at the same time", async () => {
    let running = 0;
    let overlapped = false;
    const queue = new CommitQueue<number, number>(async (edits) => {
      running++;
      if (running > 1) overlapped = true;
      await sleep(40);
      running--;
      return edits.map((e) => ({ ok: true, value: e }));
    }, { quietMs: 5, maxQuietMs: 5, maxWaitMs: 50, stallMs: 0 });
    const first = queue.submit(1);
    await sleep(15);
    const second = queue.submit(2);
    await Promise.all([first, second]);
    expect(overlapped).toBe(false);
  });

  it("collects every edit that arrives while a batch is being committed into one next batch", async () => {
    const batches: number[][] = [];
    const queue = new CommitQueue<number, number>(async (edits) => {
      batches.push(edits);
      await sleep(150);
      return edits.map((e) => ({ ok: true, value: e }));
    }, { quietMs: 10, maxQuietMs: 10, maxWaitMs: 40, stallMs: 0 });
    const pending: Promise<number>[] = [queue.submit(0)];
    await sleep(30);
    // The first batch is being committed now: these trickle in over several windows, and all must wait.
    for (let i = 1; i <= 6; i++) {
      pending.push(queue.submit(i));
      await sleep(20);
    }
    expect(await Promise.all(pending)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(batches).toEqual([[0], [1, 2, 3, 4, 5, 6]]);
  });

  it("keeps collecting a trickle of edits whose pauses are longer than quietMs, and commits soon after the trickle stops", async () => {
    const batches: number[][] = [];
    let committedAt = 0;
    const queue = new CommitQueue<number, number>(async (edits) => {
      batches.push(edits);
      committedAt = Date.now();
      return edits.map((e) => ({ ok: true, value: e }));
    }, { quietMs: 30, maxQuietMs: 1000, maxWaitMs: 5000, stallMs: 0 });
    // Bursts and pauses, as the engine sends creates when it is busy: several pauses exceed quietMs.
    const gaps = [10, 20, 15, 45, 12, 50, 20, 55, 15, 40, 10, 45];
    const pending: Promise<number>[] = [queue.submit(0)];
    for (const [i, gap] of gaps.entries()) {
      await sleep(gap);
      pending.push(queue.submit(i + 1));
    }
    const lastAt = Date.now();
    await Promise.all(pending);
    expect(batches).toEqual([Array.from({ length: gaps.length + 1 }, (_, i) => i)]);
    // Eight times the recent gaps (about 30 ms) after the last edit: neither maxQuietMs nor maxWaitMs.
    expect(committedAt - lastAt).toBeLessThan(1000);
  });

  it("commits a lone edit after quietMs", async () => {
    const queue = new CommitQueue<number, number>(async (edits) => edits.map((e) => ({ ok: true, value: e })), { quietMs: 20, maxQuietMs: 400, maxWaitMs: 5000, stallMs: 0 });
    const started = Date.now();
    await queue.submit(1);
    expect(Date.now() - started).toBeLessThan(150);
  });

  it("commits when the first edit has waited maxWaitMs even if edits keep arriving", async () => {
    const batches: number[][] = [];
    const queue = new CommitQueue<number, number>(async (edits) => {
      batches.push(edits);
      return edits.map((e) => ({ ok: true, value: e }));
    }, { quietMs: 30, maxQuietMs: 30, maxWaitMs: 60, stallMs: 0 });
    const pending: Promise<number>[] = [];
    for (let i = 0; i < 8; i++) {
      pending.push(queue.submit(i));
      await sleep(15);
    }
    await Promise.all(pending);
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.flat()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("fails every edit of a batch whose commit throws, with its message", async () => {
    const queue = new CommitQueue<number, number>(async () => {
      throw new Error("dhcpd -t: line 3: semicolon expected");
    }, { quietMs: 1, maxQuietMs: 1, maxWaitMs: 10, stallMs: 0 });
    await expect(queue.submit(1)).rejects.toThrow("semicolon expected");
  });
});

const timing = { quietMs: 20, maxQuietMs: 40, maxWaitMs: 10_000, stallMs: 300 };

describe("decideBatch", () => {
  const base = { now: 1_000, firstArrival: 900, lastArrival: 990, gaps: [], announced: true, outstanding: 0, stalledForMs: 0, atWidth: false, planningQuietForMs: 1_000, planningGapMs: 1 };

  it("goes at once when every announced edit is in and the engine's checks have paused", () => {
    expect(decideBatch(base, timing)).toEqual({ commit: true, reason: "all announced edits are here" });
  });

  it("does not take 'every announced edit is in' for complete while the engine is still checking resources", () => {
    // The first creates arrive while later resources are still being checked: their edits are not announced yet.
    expect(decideBatch({ ...base, planningQuietForMs: 0 }, timing)).toEqual({ commit: false, recheckInMs: 20 });
    // Checks 4 ms apart paused for 10 ms: not yet (8 x 4 ms = 32 ms, more than quietMs).
    expect(decideBatch({ ...base, planningQuietForMs: 10, planningGapMs: 4 }, timing)).toEqual({ commit: false, recheckInMs: 22 });
    expect(decideBatch({ ...base, planningQuietForMs: 32, planningGapMs: 4 }, timing)).toEqual({ commit: true, reason: "all announced edits are here" });
  });

  it("waits for announced edits through a quiet longer than its own, while the engine is not waiting on it", () => {
    expect(decideBatch({ ...base, lastArrival: 0, firstArrival: 0, now: 5_000, outstanding: 3 }, timing)).toEqual({ commit: false, recheckInMs: 20 });
  });

  it("goes when the engine has waited on this process for stallMs, and says so", () => {
    expect(decideBatch({ ...base, outstanding: 3, stalledForMs: 100 }, timing)).toEqual({ commit: false, recheckInMs: 200 });
    expect(decideBatch({ ...base, outstanding: 3, stalledForMs: 300 }, timing)).toEqual({ commit: true, reason: "the engine waits", stalled: true });
  });

  it("needs only quietMs of a stall once the engine's width is known", () => {
    expect(decideBatch({ ...base, outstanding: 3, stalledForMs: 25, atWidth: true }, timing)).toEqual({ commit: true, reason: "the engine waits", stalled: false });
  });

  it("without announcements, goes after the adaptive quiet", () => {
    expect(decideBatch({ ...base, announced: false, lastArrival: 995 }, timing)).toEqual({ commit: false, recheckInMs: 15 });
    expect(decideBatch({ ...base, announced: false, lastArrival: 900, gaps: [4, 4] }, timing)).toEqual({ commit: true, reason: "quiet" });
  });

  it("never waits past maxWaitMs, announcements or not", () => {
    expect(decideBatch({ ...base, firstArrival: -10_000, outstanding: 5 }, timing)).toEqual({ commit: true, reason: "waited long enough" });
  });
});

describe("announced edits (CallCommits over CommitQueues)", () => {
  /** One create as the engine makes it: the call opens, claims what its check announced, submits after `planMs`, ends. */
  async function create(queues: CommitQueues, key: string, edit: number, planMs = 0, submits = true): Promise<void> {
    const call = new CallCommits(queues);
    queues.activity.callStarted();
    try {
      call.claim([key]);
      await sleep(planMs);
      if (submits) await call.queue<number, number>(key, commitTo(key)).submit(edit);
    } finally {
      call.end();
      queues.activity.callEnded();
    }
  }
  const batches = new Map<string, number[][]>();
  const commitTo = (key: string) => async (edits: number[]) => {
    batches.set(key, [...(batches.get(key) ?? []), edits]);
    await sleep(5);
    return edits.map((e): Settled<number> => ({ ok: true, value: e }));
  };

  it("keeps one batch through an engine's pauses longer than the quiet, until every announced edit is in", async () => {
    batches.clear();
    const queues = new CommitQueues(timing);
    queues.activity.announce(Array(6).fill("a"));
    const calls: Promise<void>[] = [];
    // Bursts with pauses of 100 ms: five times quietMs, twice the adaptive quiet's cap.
    for (const [i, pause] of [0, 5, 100, 5, 100, 5].entries()) {
      await sleep(pause);
      calls.push(create(queues, "a", i));
    }
    await Promise.all(calls);
    expect(batches.get("a")).toEqual([[0, 1, 2, 3, 4, 5]]);
  });

  it("goes without the edits a call gave up (it ended without submitting)", async () => {
    batches.clear();
    const queues = new CommitQueues(timing);
    queues.activity.announce(["a", "a", "a"]);
    await Promise.all([create(queues, "a", 0), create(queues, "a", 1), create(queues, "a", 2, 30, false)]);
    expect(batches.get("a")).toEqual([[0, 1]]);
  });

  it("does not wait forever for announced edits the engine holds back (its --parallel is smaller), and learns its width", async () => {
    batches.clear();
    const reasons: string[] = [];
    const queues = new CommitQueues(timing, undefined, (_key, size, decision) => reasons.push(`${size}: ${decision.reason}${decision.stalled ? " (stalled)" : ""}`));
    queues.activity.announce(Array(9).fill("a"));
    let next = 0;
    // At most three creates open at once, as `pulumi up --parallel 3` sends them.
    const worker = async () => {
      while (next < 9) await create(queues, "a", next++);
    };
    await Promise.all([worker(), worker(), worker()]);
    expect(batches.get("a")).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8]]);
    // The first batch waited stallMs to see the stall; the second went after quietMs, once three calls were
    // parked; the last holds every edit still announced.
    expect(reasons).toEqual(["3: the engine waits (stalled)", "3: the engine waits", "3: all announced edits are here"]);
  });

  it("waits for the resources still being checked while the first creates arrive", async () => {
    batches.clear();
    const queues = new CommitQueues(timing);
    // The engine checks one resource every 10 ms and starts each create as soon as its check is done.
    const calls: Promise<void>[] = [];
    for (let i = 0; i < 8; i++) {
      const check = new CallCommits(queues);
      check.plan();
      await sleep(10);
      check.announce(["a"]);
      check.end();
      calls.push(create(queues, "a", i));
    }
    await Promise.all(calls);
    expect(batches.get("a")).toEqual([[0, 1, 2, 3, 4, 5, 6, 7]]);
  });

  it("keeps collecting a peer's edits while another server's commit runs (they come when it is done)", async () => {
    batches.clear();
    const queues = new CommitQueues(timing);
    queues.activity.announce(["first", "first", "second", "second"]);
    // A Kea membership: the primary's batch, then the secondary's, in order.
    const member = async (edit: number, planMs: number) => {
      const call = new CallCommits(queues);
      queues.activity.callStarted();
      try {
        call.claim(["first", "second"]);
        await sleep(planMs);
        await call.queue<number, number>("first", commitTo("first")).submit(edit);
        await call.queue<number, number>("second", commitTo("second")).submit(edit);
      } finally {
        call.end();
        queues.activity.callEnded();
      }
    };
    await Promise.all([member(0, 0), member(1, 80)]);
    expect(batches.get("first")).toEqual([[0, 1]]);
    expect(batches.get("second")).toEqual([[0, 1]]);
  });
});
