// The wait after a change, as memberships and relationships share it: real KeaServer objects over the run's
// snapshot cache, with an in-memory control API in the connection pool in place of HTTP.
import { describe, expect, it } from "vitest";
import type { KeaAnswer } from "../../../src/backends/kea/controlApi";
import { KeaServer } from "../../../src/backends/kea/server";
import { readStates, waitForStates, watchPeers } from "../../../src/backends/kea/status";
import type { KeaTargetPeer } from "../../../src/backends/kea/schema";
import { ConnectionPool } from "../../../src/provider/pool";
import { SnapshotCache } from "../../../src/provider/snapshots";
import { operationContext, type OperationContext } from "../../../src/provider/context";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A Kea whose HA state the test sets; counts the status-get it answers. */
class FakeApi {
  state = "waiting";
  statusGets = 0;
  constructor(private readonly partnerOf: () => string) {}
  async send(_server: string, command: string): Promise<KeaAnswer> {
    if (command !== "status-get") return { result: 0, text: "ok" };
    this.statusGets++;
    await sleep(2);
    return { result: 0, arguments: { "high-availability": [{ "ha-mode": "load-balancing", "ha-servers": { local: { state: this.state }, remote: { "last-state": this.partnerOf() } } }] } };
  }
  close(): void {}
}

function lab(): { ctx: OperationContext; peers: KeaTargetPeer[]; kea1: FakeApi; kea2: FakeApi } {
  // A fresh context per test: the run's context is shared by every call in this process.
  const base = operationContext("test", []).ctx;
  const ctx: OperationContext = { ...base, snapshots: new SnapshotCache(), connections: new ConnectionPool() };
  const peer = (name: string, role: "primary" | "secondary"): KeaTargetPeer => ({
    name,
    role,
    api: { url: `http://${name}.test:8000/`, username: "api", timeoutSeconds: 30 },
    configPath: `/etc/kea/${name}.conf`,
  });
  const peers = [peer("kea1", "primary"), peer("kea2", "secondary")];
  const kea1: FakeApi = new FakeApi(() => kea2.state);
  const kea2: FakeApi = new FakeApi(() => kea1.state);
  for (const [p, api] of [[peers[0]!, kea1], [peers[1]!, kea2]] as const) {
    const server = KeaServer.of(ctx, p);
    void ctx.connections.get(`${server.key}|api`, async () => api);
  }
  return { ctx, peers, kea1, kea2 };
}

describe("waiting for HA states after a change", () => {
  it("shares one status-get per server per poll interval among every membership waiting on the pair", async () => {
    const { ctx, peers, kea1, kea2 } = lab();
    setTimeout(() => {
      kea1.state = "load-balancing";
      kea2.state = "load-balancing";
    }, 250);
    const waits = Array.from({ length: 50 }, async (_, i) => {
      await sleep(i % 10);
      return waitForStates(watchPeers(ctx, "load-balancing", peers), 5, "hint", 40);
    });
    const results = await Promise.all(waits);
    for (const { status, warnings } of results) {
      expect(warnings).toEqual([]);
      expect(status.kea1).toMatchObject({ state: "load-balancing", partnerState: "load-balancing" });
    }
    // 250 ms at one read per 40 ms interval is about 7 reads per server, whatever the number of waiters;
    // one read per waiter per interval would be over 300.
    expect(kea1.statusGets).toBeGreaterThanOrEqual(5);
    expect(kea1.statusGets).toBeLessThanOrEqual(16);
    expect(kea2.statusGets).toBeLessThanOrEqual(16);
  });

  it("never takes a state read before the wait began, nor one read before our last write", async () => {
    const { ctx, peers, kea1, kea2 } = lab();
    kea1.state = "load-balancing";
    kea2.state = "load-balancing";
    const watched = watchPeers(ctx, "load-balancing", peers);
    expect((await readStates(watched, "cached")).kea1?.state).toBe("load-balancing");
    expect(kea1.statusGets).toBe(1);
    // A change restarts the state machine; the wait must see that, not the state cached a moment ago.
    kea1.state = "waiting";
    kea2.state = "waiting";
    KeaServer.of(ctx, peers[0]!).written({ Dhcp4: {} });
    KeaServer.of(ctx, peers[1]!).written({ Dhcp4: {} });
    setTimeout(() => {
      kea1.state = "load-balancing";
      kea2.state = "load-balancing";
    }, 60);
    const { status, warnings } = await waitForStates(watched, 5, "hint", 20);
    expect(warnings).toEqual([]);
    expect(status.kea1?.state).toBe("load-balancing");
    expect(kea1.statusGets).toBeGreaterThanOrEqual(3);
  });

  it("reads for a diff use the run's cache: N memberships cost one status-get per server", async () => {
    const { ctx, peers, kea1, kea2 } = lab();
    await Promise.all(Array.from({ length: 20 }, () => readStates(watchPeers(ctx, "load-balancing", peers), "cached")));
    expect([kea1.statusGets, kea2.statusGets]).toEqual([1, 1]);
  });

  it("gives up after the time given and says which peer lags", async () => {
    const { ctx, peers, kea2 } = lab();
    kea2.state = "load-balancing";
    const { status, warnings } = await waitForStates(watchPeers(ctx, "load-balancing", peers), 0.1, "Check the peers.", 20);
    expect(status.kea1?.state).toBe("waiting");
    expect(warnings).toEqual(["after 0.1 s, kea1 is waiting (expected load-balancing); kea2 last heard its partner in waiting (expected load-balancing). Check the peers."]);
  });
});
