import { describe, expect, it } from "vitest";
import { configTestUnsafe, haProblems, libraries, MARK, putRelationship, relationshipOf, relationships, removeRelationship } from "../../../src/backends/kea/configEdit";
import { relationshipEntry } from "../../../src/backends/kea/haConfig";
import { parseVersion } from "../../../src/backends/kea/version";
import { HOOKS, KEA_2_2, KEA_2_6, KEA_3_0_4, pristineConfig, relationship, type JsonObject } from "./fixtures";

const userLibrary = { library: `${HOOKS}/libdhcp_stat_cmds.so` };

function withLibraries(config: JsonObject, hooks: JsonObject[]): JsonObject {
  const copy = structuredClone(config);
  (copy.Dhcp4 as JsonObject)["hooks-libraries"] = hooks;
  return copy;
}

describe("putRelationship / removeRelationship", () => {
  it("adds lease_cmds then HA, marked, with the relationship; removal gives back exactly the original configuration", () => {
    const original = withLibraries(pristineConfig(), [userLibrary]);
    const entry = relationshipEntry(relationship("load-balancing"), "kea1");
    const put = putRelationship(original, entry, { owner: "kea-lab" });
    expect(libraries(put).map((l) => l.library)).toEqual([`${HOOKS}/libdhcp_stat_cmds.so`, `${HOOKS}/libdhcp_lease_cmds.so`, `${HOOKS}/libdhcp_ha.so`]);
    expect(libraries(put)[1]!.parameters).toEqual({ [MARK]: { "added-by": "kea-lab" } });
    expect(relationshipOf(put, "kea1")).toEqual(entry);
    expect(original).toEqual(withLibraries(pristineConfig(), [userLibrary]));
    expect(removeRelationship(put, "kea1")).toEqual(original);
  });

  it("needs to know where the hook libraries are when the server loads none", () => {
    const entry = relationshipEntry(relationship("load-balancing"), "kea1");
    expect(() => putRelationship(pristineConfig(), entry, { owner: "kea-lab" })).toThrow(/set hooksDirectory on this peer/);
    const put = putRelationship(pristineConfig(), entry, { owner: "kea-lab", hooksDirectory: "/opt/kea/hooks/" });
    expect(libraries(put).map((l) => l.library)).toEqual(["/opt/kea/hooks/libdhcp_lease_cmds.so", "/opt/kea/hooks/libdhcp_ha.so"]);
  });

  it("keeps a lease_cmds the server already loaded (and its parameters) when the relationship goes", () => {
    const lease = { library: `${HOOKS}/libdhcp_lease_cmds.so`, parameters: { "some-user-setting": 1 } };
    const original = withLibraries(pristineConfig(), [lease]);
    const put = putRelationship(original, relationshipEntry(relationship("hot-standby"), "kea2"), { owner: "kea-lab" });
    expect(libraries(put)).toHaveLength(2);
    expect(libraries(put)[0]).toEqual(lease);
    expect(removeRelationship(put, "kea2")).toEqual(original);
  });

  it("replaces the entry of the same this-server-name in place and is idempotent", () => {
    const lb = putRelationship(withLibraries(pristineConfig(), [userLibrary]), relationshipEntry(relationship("load-balancing"), "kea1"), { owner: "kea-lab" });
    const hs = putRelationship(lb, relationshipEntry(relationship("hot-standby"), "kea1"), { owner: "kea-lab" });
    expect(relationships(hs)).toHaveLength(1);
    expect(relationshipOf(hs, "kea1")?.mode).toBe("hot-standby");
    expect(putRelationship(hs, relationshipEntry(relationship("hot-standby"), "kea1"), { owner: "kea-lab" })).toEqual(hs);
    expect(removeRelationship(pristineConfig(), "kea1")).toEqual(pristineConfig());
  });
});

describe("hub-and-spoke (Kea 2.6+): the generated configuration of a hub", () => {
  const hubSide = (name: string, spoke: string, address: string) =>
    relationship("hot-standby", {
      name: `rel-${spoke}`,
      peers: [
        { name, url: `http://10.0.0.1:${address}/`, role: "primary", api: { url: "http://10.0.0.1:8000/" }, configPath: "/etc/kea/hub.conf" },
        { name: spoke, url: `http://10.0.1.${address.slice(-1)}:8000/`, role: "standby", api: { url: `http://10.0.1.${address.slice(-1)}:8000/` }, configPath: "/etc/kea/spoke.conf" },
      ],
      kea: { mode: "hot-standby" },
    });

  it("holds one hot-standby entry per relationship, each with its own this-server-name, and Kea 2.6 accepts it", () => {
    let hub = withLibraries(pristineConfig(), [userLibrary]);
    hub = putRelationship(hub, relationshipEntry(hubSide("hub-a", "spoke-a", "8001"), "hub-a"), { owner: "rel-spoke-a" });
    hub = putRelationship(hub, relationshipEntry(hubSide("hub-b", "spoke-b", "8002"), "hub-b"), { owner: "rel-spoke-b" });
    expect(relationships(hub).map((e) => [e["this-server-name"], e.mode, (e.peers as JsonObject[]).map((p) => p.name)])).toEqual([
      ["hub-a", "hot-standby", ["hub-a", "spoke-a"]],
      ["hub-b", "hot-standby", ["hub-b", "spoke-b"]],
    ]);
    expect(libraries(hub).filter((l) => String(l.library).endsWith("libdhcp_ha.so"))).toHaveLength(1);
    expect(haProblems(hub, KEA_2_6)).toEqual([]);
    expect(haProblems(hub, KEA_2_2).join()).toMatch(/Kea 2\.2\.0 runs one HA relationship per server.*hub-and-spoke\) need Kea 2\.6/);
    const afterOne = removeRelationship(hub, "hub-a");
    expect(relationships(afterOne).map((e) => e["this-server-name"])).toEqual(["hub-b"]);
    expect(removeRelationship(afterOne, "hub-b")).toEqual(withLibraries(pristineConfig(), [userLibrary]));
  });

  it("refuses several relationships unless all are hot-standby, and peer names shared between relationships", () => {
    let hub = withLibraries(pristineConfig(), [userLibrary]);
    hub = putRelationship(hub, relationshipEntry(hubSide("hub-a", "spoke-a", "8001"), "hub-a"), { owner: "a" });
    const lb = { ...relationshipEntry(hubSide("hub-b", "spoke-a", "8002"), "hub-b"), mode: "load-balancing" };
    const problems = haProblems(putRelationship(hub, lb, { owner: "b" }), KEA_2_6);
    expect(problems.join("\n")).toContain("must all be hot-standby, but hub-b is load-balancing");
    expect(problems.join("\n")).toContain("peer name spoke-a appears in two relationships (hub-a and hub-b)");
  });
});

describe("configTestUnsafe", () => {
  const mt = (enabled: boolean, listener: boolean) =>
    putRelationship(withLibraries(pristineConfig(), [userLibrary]), { ...relationshipEntry(relationship("hot-standby"), "kea1"), "multi-threading": { "enable-multi-threading": enabled, "http-dedicated-listener": listener } }, { owner: "x" });

  it("skips config-test only on a live HA peer with a dedicated listener, on versions with the listener bug", () => {
    expect(configTestUnsafe(pristineConfig(), KEA_2_6)).toBe(false);
    expect(configTestUnsafe(mt(true, true), KEA_2_6)).toBe(true);
    expect(configTestUnsafe(mt(true, true), KEA_2_2)).toBe(true);
    expect(configTestUnsafe(mt(false, false), KEA_2_6)).toBe(false);
    expect(configTestUnsafe(mt(true, true), KEA_3_0_4)).toBe(false);
    expect(configTestUnsafe(mt(true, true), parseVersion("3.1.2"))).toBe(true);
    expect(configTestUnsafe(mt(true, true), parseVersion("3.1.3"))).toBe(false);
    // Kea 2.4+ turns the listener on by default: an entry that does not say so has one.
    const defaults = putRelationship(withLibraries(pristineConfig(), [userLibrary]), relationshipEntry(relationship("hot-standby"), "kea1"), { owner: "x" });
    expect(configTestUnsafe(defaults, parseVersion("2.4.1"))).toBe(true);
    expect(configTestUnsafe(defaults, KEA_2_2)).toBe(false);
  });
});
