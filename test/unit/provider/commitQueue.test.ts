import { describe, expect, it } from "vitest";
import { CommitQueue, type Settled } from "../../../src/provider/commitQueue";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("CommitQueue", () => {
  it("coalesces edits that arrive together into one batch, and keeps each edit's own result", async () => {
    const batches: number[][] = [];
    const queue = new CommitQueue<number, number>(async (edits) => {
      batches.push(edits);
      return edits.map((e): Settled<number> => (e === 3 ? { ok: false, error: new Error("three is refused") } : { ok: true, value: e * 10 }));
    }, { quietMs: 30, maxQuietMs: 30, maxWaitMs: 1000 });
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
    }, { quietMs: 5, maxQuietMs: 5, maxWaitMs: 50 });
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
    }, { quietMs: 10, maxQuietMs: 10, maxWaitMs: 40 });
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
    }, { quietMs: 30, maxQuietMs: 1000, maxWaitMs: 5000 });
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
    const queue = new CommitQueue<number, number>(async (edits) => edits.map((e) => ({ ok: true, value: e })), { quietMs: 20, maxQuietMs: 400, maxWaitMs: 5000 });
    const started = Date.now();
    await queue.submit(1);
    expect(Date.now() - started).toBeLessThan(150);
  });

  it("commits when the first edit has waited maxWaitMs even if edits keep arriving", async () => {
    const batches: number[][] = [];
    const queue = new CommitQueue<number, number>(async (edits) => {
      batches.push(edits);
      return edits.map((e) => ({ ok: true, value: e }));
    }, { quietMs: 30, maxQuietMs: 30, maxWaitMs: 60 });
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
    }, { quietMs: 1, maxQuietMs: 1, maxWaitMs: 10 });
    await expect(queue.submit(1)).rejects.toThrow("semicolon expected");
  });
});
