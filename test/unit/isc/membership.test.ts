// A membership of one pool of a subnet (not the whole subnet), and its removal with partnerCopy
// "keep" or "delete": the edits on both servers, each result checked by the real dhcpd -t.
import { describe, expect, it } from "vitest";
import { extractSubnet, findFailoverPeers, findSubnet, listPoolPeers, listPools, parseWithIncludes, print, type ConfTree } from "../../../src/backends/isc/conf";
import { expectedPoolPeers, poolPeersView } from "../../../src/backends/isc/membership";
import { compareViews, describeDifference } from "../../../src/provider/differences";
import { COPY_MARKER, joinPools, membershipRemoval } from "../../../src/backends/isc/edits";
import { iscMembership, iscRelationship, iscRelationshipTarget, type IscMembership } from "../../../src/backends/isc/schema";
import { dhcpdCheck } from "./conf/helpers";

const ssh = { host: "127.0.0.1", username: "root", hostKeySha256: `SHA256:${"A".repeat(43)}`, privateKey: "k" };
const target = iscRelationshipTarget(
  iscRelationship.parse({
    vendor: "isc",
    name: "campus",
    primary: { name: "dhcp1", address: "192.0.2.11", ssh },
    secondary: { name: "dhcp2", address: "192.0.2.12", ssh },
    isc: { mclt: 600, split: 128 },
  }),
);
const membership = (over: Record<string, unknown> = {}): IscMembership =>
  iscMembership.parse({ vendor: "isc", relationship: target, scope: "10.0.0.0/24", ...over });

const PRIMARY = `# dhcp1
subnet 10.0.0.0 netmask 255.255.255.0 {
  option routers 10.0.0.1;
  pool {
    range 10.0.0.10 10.0.0.19;
  }
  pool {
    range 10.0.0.30 10.0.0.39;
  }
}
`;
const SECONDARY = "# dhcp2: the subnet is not declared here yet\n";

const tree = (text: string): Promise<ConfTree> => parseWithIncludes("dhcpd.conf", () => text);
const valid = (conf: ConfTree) => {
  const check = dhcpdCheck({ "dhcpd.conf": print(conf.root) }, "dhcpd.conf");
  expect(check.output).not.toMatch(/line \d+:/);
  expect(check.ok).toBe(true);
};

/** Both servers after the membership joined: the secondary got the primary's subnet. */
async function joined(m: IscMembership): Promise<{ primary: ConfTree; secondary: ConfTree }> {
  const primary = await tree(PRIMARY);
  const copy = { copy: extractSubnet(primary, "10.0.0.0", "255.255.255.0"), server: "dhcp1" };
  joinPools(m, "primary", undefined).apply(primary);
  const secondary = await tree(SECONDARY);
  joinPools(m, "secondary", copy).apply(secondary);
  return { primary, secondary };
}

describe("a membership of one pool", () => {
  it("puts only that pool into failover on both servers, the partner's copy carrying both pools; dhcpd -t accepts both", async () => {
    const { primary, secondary } = await joined(membership({ pools: [1] }));
    for (const conf of [primary, secondary]) {
      expect(listPoolPeers(conf).map((p) => p.peer)).toEqual([null, "campus"]);
      expect(findFailoverPeers(conf).map((p) => p.name)).toEqual(["campus"]);
      valid(conf);
    }
    expect(print(secondary.root)).toContain("range 10.0.0.10 10.0.0.19;");
  });

  it("leaves only that pool on removal, and with it the peer it was the last user of", async () => {
    const m = membership({ pools: [1] });
    const { primary, secondary } = await joined(m);
    const removal = membershipRemoval(m);
    removal.primary.apply(primary);
    removal.secondary.apply(secondary);
    expect(print(primary.root)).toBe(PRIMARY);
    expect(print(secondary.root)).toBe(SECONDARY);
  });

  it("leaves the other pool's peer alone when only one of the subnet's pools is the membership's", async () => {
    const m = membership({ pools: [1] });
    const primary = await tree(PRIMARY);
    joinPools(membership({ pools: [0] }), "primary", undefined).apply(primary);
    joinPools(m, "primary", undefined).apply(primary);
    membershipRemoval(m).primary.apply(primary);
    expect(listPoolPeers(primary).map((p) => p.peer)).toEqual(["campus", null]);
    expect(findFailoverPeers(primary).map((p) => p.name)).toEqual(["campus"]);
    valid(primary);
  });
});

describe("removal and the partner's copy", () => {
  it('partnerCopy "keep": the copied subnet stays on the partner, out of failover, and dhcpd -t accepts it without the peer', async () => {
    const m = membership({ partnerCopy: "keep" });
    const { primary, secondary } = await joined(m);
    const removal = membershipRemoval(m);
    removal.primary.apply(primary);
    const warnings = removal.secondary.apply(secondary);
    expect(print(primary.root)).toBe(PRIMARY);
    const kept = findSubnet(secondary, "10.0.0.0", "255.255.255.0");
    expect(kept).toBeDefined();
    expect(listPoolPeers(secondary).map((p) => p.peer)).toEqual([null, null]);
    expect(findFailoverPeers(secondary)).toEqual([]);
    expect(warnings.join("\n")).not.toContain("removed the copy");
    // Still marked: a later membership of the same subnet that is removed with "delete" takes it away.
    expect(kept!.subnet.leading).toContain(COPY_MARKER);
    valid(secondary);
  });

  it('partnerCopy "delete" (the default): the partner returns to its bytes', async () => {
    const m = membership();
    expect(m.partnerCopy).toBe("delete");
    const { secondary } = await joined(m);
    const warnings = membershipRemoval(m).secondary.apply(secondary);
    expect(print(secondary.root)).toBe(SECONDARY);
    expect(warnings).toContain("dhcp2: removed the copy of subnet 10.0.0.0/24 this library had made");
  });

  it("the primary's own subnet is never removed, whatever partnerCopy says", async () => {
    for (const partnerCopy of ["keep", "delete"]) {
      const m = membership({ partnerCopy });
      const { primary } = await joined(m);
      membershipRemoval(m).primary.apply(primary);
      expect(print(primary.root)).toBe(PRIMARY);
    }
  });
});

describe("drift wording of a membership's pools", () => {
  it("a pool that lost its failover peer line reads as not set, naming the pool and the peer the program wants", async () => {
    const conf = await tree(PRIMARY.replace("range 10.0.0.10 10.0.0.19;", 'failover peer "campus";\n    range 10.0.0.10 10.0.0.19;'));
    const pools = listPools(findSubnet(conf, "10.0.0.0", "255.255.255.0")!.subnet);
    const views = [{ server: "dhcp2", expected: expectedPoolPeers([0, 1, 2], "campus"), actual: poolPeersView(pools, [0, 1, 2]) }];
    expect(compareViews(views).map(describeDifference)).toEqual([
      `on dhcp2, pool 1's failover peer is not set, the program wants "campus"`,
      `on dhcp2, pool 2's failover peer is missing, the program wants "campus"`,
    ]);
  });
});
