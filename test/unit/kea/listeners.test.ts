import { describe, expect, it } from "vitest";
import { putRelationship } from "../../../src/backends/kea/configEdit";
import { relationshipEntry } from "../../../src/backends/kea/haConfig";
import { listenerClashes, runsDedicatedListener } from "../../../src/backends/kea/listeners";
import { relationshipOps } from "../../../src/backends/kea/relationship";
import { keaServerKey } from "../../../src/backends/kea/server";
import type { KeaRelationship } from "../../../src/backends/kea/schema";
import type { KeaVersion } from "../../../src/backends/kea/version";
import { operationContext } from "../../../src/provider/context";
import { SnapshotCache } from "../../../src/provider/snapshots";
import { HOOKS, KEA_2_2, KEA_2_6, KEA_3_0_4, pristineConfig, relationship, type JsonObject } from "./fixtures";

/** A server's Dhcp4 as config-get returns it on that version: 2.4+ runs kea-dhcp4 multi-threaded by default. */
function dhcp4For(version: KeaVersion): JsonObject {
  const root = structuredClone(pristineConfig().Dhcp4 as JsonObject);
  root["multi-threading"] = { "enable-multi-threading": version.major > 2 || version.minor >= 4, "packet-queue-size": 64, "thread-pool-size": 0 };
  return root;
}

/** The README's shape: each peer's url is its control API url (the Control Agent on port 8000). */
const readmeShape = (mode = "hot-standby", kea: Record<string, unknown> = {}) =>
  relationship(mode, { kea: { mode, heartbeatDelay: 2000, maxResponseDelay: 6000, ...kea } });

const API = "http://10.231.2.11:8000/";

describe("listenerClashes: the HA dedicated listener against the server's other listeners", () => {
  it("refuses the README's shape on Kea 2.6 and 3.0 (HA multi-threading on by default), not on 2.2", () => {
    const entry = relationshipEntry(readmeShape(), "kea1");
    for (const version of [KEA_2_6, KEA_3_0_4]) {
      const [problem, ...more] = listenerClashes([entry], dhcp4For(version), version, API);
      expect(more).toEqual([]);
      expect(problem).toContain(`the dedicated HA listener of kea1 would bind 10.231.2.11:8000 on Kea ${version.text}`);
      expect(problem).toContain(`where the control API (api.url ${API}) listens`);
      expect(problem).toMatch(/another port than the control API, or set kea\.multiThreading to \{ enableMultiThreading: true, httpDedicatedListener: false \}/);
    }
    expect(listenerClashes([entry], dhcp4For(KEA_2_2), KEA_2_2, API)).toEqual([]);
  });

  it("accepts the same URLs with the dedicated listener off, another port, or kea-dhcp4's multi-threading off", () => {
    const noListener = relationshipEntry(readmeShape("hot-standby", { multiThreading: { enableMultiThreading: true, httpDedicatedListener: false } }), "kea1");
    expect(listenerClashes([noListener], dhcp4For(KEA_2_6), KEA_2_6, API)).toEqual([]);
    const own = relationshipEntry(readmeShape(), "kea1");
    expect(listenerClashes([own], dhcp4For(KEA_2_6), KEA_2_6, "http://10.231.2.11:8080/")).toEqual([]);
    const single = { ...dhcp4For(KEA_2_6), "multi-threading": { "enable-multi-threading": false } };
    expect(runsDedicatedListener(own, single, KEA_2_6)).toBe(false);
    expect(listenerClashes([own], single, KEA_2_6, API)).toEqual([]);
  });

  it("Kea 3.0: a listener on the port of kea-dhcp4's own HTTP control socket clashes, also when the socket listens on every address", () => {
    const root = { ...dhcp4For(KEA_3_0_4), "control-sockets": [{ "socket-type": "http", "socket-address": "0.0.0.0", "socket-port": 8000 }] };
    const entry = relationshipEntry(readmeShape(), "kea1");
    const problems = listenerClashes([entry], root, KEA_3_0_4, "http://10.231.2.11:8001/");
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain("where kea-dhcp4's HTTP control socket listens");
  });

  it("hub-and-spoke: two relationships with dedicated listeners on the hub's one port clash; own ports or the control API do not", () => {
    const hubSide = (name: string, spoke: string, port: number, kea: Record<string, unknown> = {}): KeaRelationship =>
      relationship("hot-standby", {
        name: `rel-${spoke}`,
        peers: [
          { name, url: `http://10.0.0.1:${port}/`, role: "primary", api: { url: "http://10.0.0.1:8000/" }, configPath: "/etc/kea/hub.conf" },
          { name: spoke, url: `http://10.0.1.${port % 10}:8000/`, role: "standby", api: { url: `http://10.0.1.${port % 10}:8000/` }, configPath: "/etc/kea/s.conf" },
        ],
        kea: { mode: "hot-standby", ...kea },
      });
    const hub = "http://10.0.0.1:8000/";
    const same = [relationshipEntry(hubSide("hub-a", "spoke-a", 8001), "hub-a"), relationshipEntry(hubSide("hub-b", "spoke-b", 8001), "hub-b")];
    const problems = listenerClashes(same, dhcp4For(KEA_2_6), KEA_2_6, hub);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain("the dedicated HA listener of hub-b would bind 10.0.0.1:8001");
    expect(problems[0]).toContain("where the dedicated HA listener of hub-a listens");
    expect(problems[0]).toContain("give each relationship's peer url for this server its own port");
    const own = [relationshipEntry(hubSide("hub-a", "spoke-a", 8001), "hub-a"), relationshipEntry(hubSide("hub-b", "spoke-b", 8002), "hub-b")];
    expect(listenerClashes(own, dhcp4For(KEA_3_0_4), KEA_3_0_4, hub)).toEqual([]);
    const viaAgent = { multiThreading: { enableMultiThreading: false, httpDedicatedListener: false } };
    const shared = [relationshipEntry(hubSide("hub-a", "spoke-a", 8000, viaAgent), "hub-a"), relationshipEntry(hubSide("hub-b", "spoke-b", 8000, viaAgent), "hub-b")];
    expect(listenerClashes(shared, dhcp4For(KEA_2_6), KEA_2_6, hub)).toEqual([]);
  });
});

describe("check (checkLive) refuses a listener clash before anything is written", () => {
  async function check(spec: KeaRelationship, version: KeaVersion, live: (peer: string) => JsonObject) {
    // Live reads of this check only: the run's shared cache would keep another test's servers.
    const ctx = { ...operationContext("test", []).ctx, snapshots: new SnapshotCache() };
    for (const peer of spec.peers) {
      const key = keaServerKey(peer.api);
      await ctx.snapshots.get(`${key}:version`, async () => version);
      await ctx.snapshots.get(`${key}:config`, async () => live(peer.name));
    }
    return relationshipOps.checkLive!(ctx, spec);
  }
  const configFor = (version: KeaVersion) => () => ({ ...pristineConfig(), Dhcp4: dhcp4For(version) });

  it("names each peer, its url and the fix on Kea 2.6; passes the same program on Kea 2.2", async () => {
    const spec = readmeShape();
    const failures = await check(spec, KEA_2_6, configFor(KEA_2_6));
    expect(failures.map((f) => f.property)).toEqual(["peers[0].url", "peers[1].url"]);
    expect(failures[0]!.reason).toMatch(/^kea1: the dedicated HA listener of kea1 would bind 10\.231\.2\.11:8000 on Kea 2\.6\.1/);
    expect(await check(spec, KEA_2_2, configFor(KEA_2_2))).toEqual([]);
  });

  it("hub-and-spoke: a second relationship on the hub's port of an existing one", async () => {
    const existing = relationship("hot-standby", {
      name: "rel-a",
      peers: [
        { name: "hub-a", url: "http://10.231.2.11:8001/", role: "primary", api: { url: "http://10.231.2.11:8000/" }, configPath: "/etc/kea/kea1.conf" },
        { name: "spoke-a", url: "http://10.231.2.13:8001/", role: "standby", api: { url: "http://10.231.2.13:8000/" }, configPath: "/etc/kea/s.conf" },
      ],
    });
    const second = relationship("hot-standby", {
      name: "rel-b",
      peers: [
        { name: "hub-b", url: "http://10.231.2.11:8001/", role: "primary", api: { url: "http://10.231.2.11:8000/" }, configPath: "/etc/kea/kea1.conf" },
        { name: "spoke-b", url: "http://10.231.2.14:8001/", role: "standby", api: { url: "http://10.231.2.14:8000/" }, configPath: "/etc/kea/s.conf" },
      ],
    });
    const hubConfig = putRelationship(configFor(KEA_2_6)(), relationshipEntry(existing, "hub-a"), { owner: "rel-a", hooksDirectory: HOOKS });
    const failures = await check(second, KEA_2_6, (name) => (name === "hub-b" ? hubConfig : configFor(KEA_2_6)()));
    expect(failures).toEqual([
      { property: "peers[0].url", reason: expect.stringContaining("hub-b: the dedicated HA listener of hub-b would bind 10.231.2.11:8001 on Kea 2.6.1") as string },
    ]);
  });
});
