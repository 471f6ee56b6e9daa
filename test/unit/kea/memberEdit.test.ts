import { describe, expect, it } from "vitest";
import { desiredSubnet, joinSubnet, leaveSubnet, memberView } from "../../../src/backends/kea/memberEdit";
import { scopesToCopy } from "../../../src/backends/kea/replication";
import { keaReplication, keaTarget, type KeaTarget } from "../../../src/backends/kea/schema";
import { findSubnet, insertSubnet } from "../../../src/backends/kea/subnets";
import { keaRelationshipTarget } from "../../../src/backends/kea/schema";
import { KEA_2_2, KEA_2_6, KEA_3_0_4, pristineConfig, relationshipInput, type JsonObject } from "./fixtures";

const SCOPE = "10.231.2.0/24";

function target(mode = "load-balancing"): KeaTarget {
  return keaTarget.parse(keaRelationshipTarget(relationshipInput(mode)));
}

function subnet(config: JsonObject): JsonObject {
  return findSubnet(config, SCOPE)!.subnet;
}

function join(config: JsonObject, desired: JsonObject, source = pristineConfig(), adopt = false): JsonObject {
  return joinSubnet(config, desired, { relationship: "kea-lab", primary: "kea1", source: findSubnet(source, SCOPE)!, sourceNetwork: undefined, adopt, where: "kea2" });
}

function withoutSubnets(): JsonObject {
  const config = pristineConfig();
  (config.Dhcp4 as JsonObject).subnet4 = [];
  return config;
}

describe("a membership on one server", () => {
  it("load-balancing: splits the primary's pools; leaving gives back the original subnet exactly", () => {
    const desired = desiredSubnet(subnet(pristineConfig()), target(), KEA_2_2);
    const joined = join(pristineConfig(), desired);
    expect(memberView(subnet(joined), KEA_2_2)).toEqual({
      id: 1,
      pools: [
        { pool: "10.231.2.100-10.231.2.149", "client-classes": ["HA_kea1"] },
        { pool: "10.231.2.150-10.231.2.199", "client-classes": ["HA_kea2"] },
      ],
    });
    expect(join(joined, desired)).toEqual(joined);
    expect(leaveSubnet(joined, SCOPE, { relationship: "kea-lab", partnerCopy: "delete" })).toEqual(pristineConfig());
  });

  it("hot-standby after load-balancing: the pools are whole again", () => {
    const lb = join(pristineConfig(), desiredSubnet(subnet(pristineConfig()), target(), KEA_2_2));
    const hs = join(lb, desiredSubnet(subnet(lb), target("hot-standby"), KEA_2_2));
    expect(subnet(hs).pools).toEqual(subnet(pristineConfig()).pools);
  });

  it("a peer without the subnet gets the primary's copy, marked, and loses it again on leave (unless partnerCopy is keep)", () => {
    const desired = desiredSubnet(subnet(pristineConfig()), target(), KEA_2_2);
    const copied = join(withoutSubnets(), desired);
    expect(memberView(subnet(copied), KEA_2_2)).toEqual(memberView(desired, KEA_2_2));
    expect(subnet(copied)["option-data"]).toEqual(subnet(pristineConfig())["option-data"]);
    expect(leaveSubnet(copied, SCOPE, { relationship: "kea-lab", partnerCopy: "delete" })).toEqual(withoutSubnets());
    const kept = leaveSubnet(copied, SCOPE, { relationship: "kea-lab", partnerCopy: "keep" });
    expect(subnet(kept)).toEqual(subnet(pristineConfig()));
  });

  it("refuses a peer whose subnet has another id, a subnet id used by another prefix, and pools split by hand", () => {
    const desired = desiredSubnet(subnet(pristineConfig()), target(), KEA_2_2);
    const renumbered = pristineConfig();
    subnet(renumbered).id = 7;
    expect(() => join(renumbered, desired)).toThrow(/has id 7 here and 1 on kea1: Kea HA needs the same id on every peer/);
    const clash = withoutSubnets();
    (clash.Dhcp4 as JsonObject).subnet4 = [{ id: 1, subnet: "192.0.2.0/24", pools: [] }];
    expect(() => join(clash, desired)).toThrow(/subnet id 1 is already used here by 192.0.2.0\/24/);
    const hand = pristineConfig();
    subnet(hand).pools = [{ pool: "10.231.2.100-10.231.2.199", "client-class": "HA_kea1" }];
    expect(() => desiredSubnet(subnet(hand), target(), KEA_2_2)).toThrow(/already limited to an HA_ class by hand/);
    subnet(hand).pools = [{ pool: "10.231.2.100-10.231.2.199", "client-classes": ["HA_kea1"] }];
    expect(() => desiredSubnet(subnet(hand), target(), KEA_3_0_4)).toThrow(/already limited to an HA_ class by hand/);
  });

  it("Kea 3.0: a load-balancing membership read back (client-class rewritten to client-classes) is in place: no second write", () => {
    // What Kea 3.0's config-get does to a pool's client-class (DHCPSRV_CLIENT_CLASS_DEPRECATED).
    const readBack = (config: JsonObject): JsonObject => {
      const copy = structuredClone(config);
      for (const pool of subnet(copy).pools as JsonObject[]) {
        if (typeof pool["client-class"] === "string") {
          pool["client-classes"] = [pool["client-class"]];
          delete pool["client-class"];
        }
      }
      return copy;
    };
    const once = readBack(join(pristineConfig(), desiredSubnet(subnet(pristineConfig()), target(), KEA_3_0_4)));
    expect(join(once, desiredSubnet(subnet(once), target(), KEA_3_0_4), once)).toEqual(once);
    expect(memberView(subnet(once), KEA_3_0_4)).toEqual(memberView(desiredSubnet(subnet(pristineConfig()), target(), KEA_3_0_4), KEA_3_0_4));
  });

  it("copies a subnet of a shared network into the same shared network, creating it from the source's definition", () => {
    const source = pristineConfig();
    const inNetwork = (source.Dhcp4 as JsonObject)["subnet4"] as JsonObject[];
    (source.Dhcp4 as JsonObject)["shared-networks"] = [{ name: "lab-net", interface: "eth0", subnet4: inNetwork }];
    (source.Dhcp4 as JsonObject).subnet4 = [];
    const at = findSubnet(source, SCOPE)!;
    expect(at.sharedNetwork).toBe("lab-net");
    const copied = insertSubnet(withoutSubnets(), at, ((source.Dhcp4 as JsonObject)["shared-networks"] as JsonObject[])[0]);
    const networks = (copied.Dhcp4 as JsonObject)["shared-networks"] as JsonObject[];
    expect(networks.map((n) => [n.name, n.interface, (n.subnet4 as JsonObject[]).map((s) => s.subnet)])).toEqual([["lab-net", "eth0", [SCOPE]]]);
  });
});

describe("hub-and-spoke (Kea 2.6+): the subnet's ha-server-name", () => {
  it("ties the subnet to the relationship on 2.6 and takes it away on leave; Kea 2.2 gets none", () => {
    const desired = desiredSubnet(subnet(pristineConfig()), target("hot-standby"), KEA_2_6);
    expect((desired["user-context"] as JsonObject)["ha-server-name"]).toBe("kea1");
    expect(desiredSubnet(subnet(pristineConfig()), target("hot-standby"), KEA_2_2)["user-context"]).toBeUndefined();
    const joined = join(pristineConfig(), desired);
    expect(memberView(subnet(joined), KEA_2_6)).toEqual({ id: 1, pools: [{ pool: "10.231.2.100-10.231.2.199" }], "ha-server-name": "kea1" });
    expect(leaveSubnet(joined, SCOPE, { relationship: "kea-lab", partnerCopy: "delete" })).toEqual(pristineConfig());
  });

  it("moves a subnet of another relationship only with adopt, and gives the old name back on leave", () => {
    const other = pristineConfig();
    subnet(other)["user-context"] = { "ha-server-name": "hub-b", site: "north" };
    const desired = desiredSubnet(subnet(pristineConfig()), target("hot-standby"), KEA_2_6);
    expect(() => join(other, desired)).toThrow(/has ha-server-name "hub-b" \(another relationship\): set adopt: true/);
    const adopted = join(other, desired, pristineConfig(), true);
    expect((subnet(adopted)["user-context"] as JsonObject)["ha-server-name"]).toBe("kea1");
    expect(leaveSubnet(adopted, SCOPE, { relationship: "kea-lab", partnerCopy: "delete" })).toEqual(other);
  });

  it("replicates, at relationship level on a hub, only the subnets tied to this relationship's peers", () => {
    const hub = pristineConfig();
    const subnets = (hub.Dhcp4 as JsonObject).subnet4 as JsonObject[];
    subnets[0]!["user-context"] = { "ha-server-name": "kea1" };
    subnets.push({ id: 2, subnet: "10.9.0.0/24", "user-context": { "ha-server-name": "hub-b" }, pools: [] });
    const hooks = [{ library: "/x/libdhcp_ha.so", parameters: { "high-availability": [{ "this-server-name": "kea1" }, { "this-server-name": "hub-b" }] } }];
    (hub.Dhcp4 as JsonObject)["hooks-libraries"] = hooks;
    const spec = keaReplication.parse({ vendor: "kea", relationship: keaRelationshipTarget(relationshipInput("hot-standby")), source: "kea1", level: "relationship" });
    expect(scopesToCopy(spec, hub)).toEqual([SCOPE]);
    expect(scopesToCopy({ ...spec, level: "server" }, hub)).toEqual([SCOPE, "10.9.0.0/24"]);
  });
});
