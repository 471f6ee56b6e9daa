import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findFailoverPeers, listPoolPeers, parse, parseWithIncludes, print, readFailoverPeer, type ConfTree } from "../../../src/backends/isc/conf";
import { joinPools, leavePools, putPeer, removePeer } from "../../../src/backends/isc/edits";
import { peerSpecFor } from "../../../src/backends/isc/peerSpec";
import { iscMembership, iscRelationship, iscRelationshipTarget, peerName, type IscRelationship } from "../../../src/backends/isc/schema";

const ssh = { host: "127.0.0.1", username: "root", hostKeySha256: `SHA256:${"A".repeat(43)}`, privateKey: "k" };
const relationship = (name: string, over: Record<string, unknown> = {}): IscRelationship =>
  iscRelationship.parse({
    vendor: "isc",
    name,
    primary: { name: "dhcp1", address: "192.0.2.11", ssh },
    secondary: { name: "dhcp2", address: "192.0.2.12", ssh },
    isc: { mclt: 600, split: 128 },
    ...over,
  });

const peerBlock = (name: string) =>
  `failover peer "${name}" {\n  primary;\n  address 192.0.2.11;\n  peer address 192.0.2.12;\n  max-response-delay 30;\n  max-unacked-updates 10;\n  mclt 600;\n  split 128;\n}\n`;

function config(peers: string[], poolPeers: Array<string | null>): string {
  const pools = poolPeers
    .map((peer, i) => `subnet 10.0.${i}.0 netmask 255.255.255.0 {\n  pool {\n${peer ? `    failover peer "${peer}";\n` : ""}    range 10.0.${i}.10 10.0.${i}.20;\n  }\n}\n`)
    .join("\n");
  return `# test\n${peers.map(peerBlock).join("\n")}\n${pools}`;
}

async function tree(text: string): Promise<ConfTree> {
  return parseWithIncludes("/etc/dhcp/dhcpd.conf", () => text);
}

const poolPeers = (conf: ConfTree) => listPoolPeers(conf).map((p) => p.peer);

describe("peer blocks", () => {
  it("mirrors the two sides: addresses and ports swapped, mclt and split on the primary only", () => {
    const spec = relationship("campus", { secondary: { name: "dhcp2", address: "192.0.2.12", port: 847, ssh, failover: { autoPartnerDown: 3600 } } });
    const primary = peerSpecFor(spec, "primary");
    expect(primary).toMatchObject({ role: "primary", address: "192.0.2.11", peerAddress: "192.0.2.12", peerPort: 847, mclt: 600, split: 128 });
    // The primary's port is not given: neither its `port` nor the secondary's `peer port` is written (dhcpd uses 647).
    expect(primary).not.toHaveProperty("port");
    const secondary = peerSpecFor(spec, "secondary");
    expect(secondary).toMatchObject({ role: "secondary", address: "192.0.2.12", port: 847, peerAddress: "192.0.2.11", autoPartnerDown: 3600 });
    expect(secondary).not.toHaveProperty("peerPort");
    expect(secondary).not.toHaveProperty("mclt");
    expect(secondary).not.toHaveProperty("split");
  });

  it("does not write a peer that no pool would refer to, and says why", async () => {
    const conf = await tree(config([], [null]));
    expect(putPeer(relationship("campus"), "primary", { claimAllPools: false }).apply(conf)[0]).toContain("dhcpd refuses a peer that no pool refers to");
    expect(findFailoverPeers(conf)).toEqual([]);
  });

  it("claims every pool when it is the server's first peer and claimAllPools is set", async () => {
    const conf = await tree(config([], [null, null]));
    putPeer(relationship("campus"), "primary", { claimAllPools: true }).apply(conf);
    expect(poolPeers(conf)).toEqual(["campus", "campus"]);
    const again = await tree(config(["other"], ["other", null]));
    expect(putPeer(relationship("campus"), "primary", { claimAllPools: true }).apply(again)[0]).toContain("not written yet");
  });
});

describe("deleting a peer (Micetro's rules)", () => {
  it("removes the references when it was the last peer", async () => {
    const conf = await tree(config(["campus"], ["campus", "campus"]));
    removePeer(relationship("campus"), "primary").apply(conf);
    expect(poolPeers(conf)).toEqual([null, null]);
    expect(findFailoverPeers(conf)).toEqual([]);
  });

  it("moves the references to the one remaining peer", async () => {
    const conf = await tree(config(["campus", "lab"], ["campus", "lab"]));
    removePeer(relationship("campus"), "primary").apply(conf);
    expect(poolPeers(conf)).toEqual(["lab", "lab"]);
  });

  it("requires the program to name the target when two or more remain", async () => {
    const conf = await tree(config(["campus", "lab", "dorm"], ["campus", "lab", "dorm"]));
    expect(() => removePeer(relationship("campus"), "primary").apply(conf)).toThrow(
      /1 pool\(s\) on dhcp1 refer to "campus" and 2 other failover peers remain \("lab", "dorm"\): set reassignPoolsTo/,
    );
    removePeer(relationship("campus", { reassignPoolsTo: "dorm" }), "primary").apply(conf);
    expect(poolPeers(conf)).toEqual(["dorm", "lab", "dorm"]);
  });
});

describe("memberships", () => {
  const membership = (name: string, scope: string) =>
    iscMembership.parse({ vendor: "isc", relationship: iscRelationshipTarget(relationship(name)), scope });

  it("writes the peer with the first pool, and removes it with the last (Micetro: the peer is deleted)", async () => {
    const text = config([], [null]);
    const conf = await tree(text);
    joinPools(membership("campus", "10.0.0.0/24"), "primary", undefined).apply(conf);
    expect(findFailoverPeers(conf).map((p) => p.name)).toEqual(["campus"]);
    expect(readFailoverPeer(findFailoverPeers(conf)[0]!.block).settings).toMatchObject({ role: "primary", mclt: 600 });
    const warnings = leavePools(membership("campus", "10.0.0.0/24"), "primary", { removeCopy: false }).apply(conf);
    expect(warnings.join()).toContain('failover peer "campus" is now used by no pool');
    expect(print(conf.root)).toBe(text);
  });

  it("moving a peer's last pool to another peer removes the old peer with a warning", async () => {
    const conf = await tree(config(["old"], ["old"]));
    const warnings = joinPools(membership("campus", "10.0.0.0/24"), "primary", undefined).apply(conf);
    expect(poolPeers(conf)).toEqual(["campus"]);
    expect(findFailoverPeers(conf).map((p) => p.name)).toEqual(["campus"]);
    expect(warnings.join()).toContain('"old" is now used by no pool');
  });

  it("names the pools it cannot find", async () => {
    const conf = await tree(config([], [null]));
    const m = iscMembership.parse({ ...membership("campus", "10.0.0.0/24"), pools: [3] });
    expect(() => joinPools(m, "primary", undefined).apply(conf)).toThrow("pools[3]: subnet 10.0.0.0/24 on dhcp1 has 1 pool(s) (indices 0 to 0)");
  });
});

describe("injection", () => {
  it("whatever the name, the config holds exactly the one peer it names, or the edit is refused untouched", async () => {
    const safe = fc.string({ unit: fc.constantFrom(..."aZ09 _.:@+-"), minLength: 1, maxLength: 24 }).map((n) => `p${n}`);
    const hostile = fc.oneof(safe, fc.string({ unit: fc.constantFrom(..."aZ09 _.:@+-", ..."\"{};#\\\n\r\t'$`", "é", "𝔘"), maxLength: 24 }));
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(hostile, async (name) => {
        const text = config([], [null]);
        const conf = parse(text);
        // Names the schema rejects are pushed through anyway: the quoting layer must still hold.
        const target = { ...iscRelationshipTarget(relationship("placeholder")), name };
        const edit = joinPools({ ...membershipOf("placeholder"), relationship: target } as never, "primary", undefined);
        let applied = false;
        try {
          edit.apply(conf as never);
          applied = true;
        } catch (error) {
          expect((error as Error).name).toMatch(/Conf(Value|Edit)Error/);
          expect(print(conf)).toBe(text);
        }
        if (!applied) return;
        const reparsed = parse(print(conf));
        expect(findFailoverPeers(reparsed).map((p) => p.name)).toEqual([name]);
        expect(listPoolPeers(reparsed).map((p) => p.peer)).toEqual([name]);
        expect(reparsed.body.map((st) => st.type)).toEqual(conf.body.map((st) => st.type));
        if (peerName.safeParse(name).success) accepted++;
      }),
      { numRuns: 400 },
    );
    expect(accepted).toBeGreaterThan(100);
    function membershipOf(name: string) {
      return iscMembership.parse({ vendor: "isc", relationship: iscRelationshipTarget(relationship(name)), scope: "10.0.0.0/24" });
    }
  });

  it("refuses names that could break out of the quoted string, before anything is written", () => {
    for (const name of ['a"b', "a\nb", "a;b", "a{b", "a#b", "a\\b", "", " lead"]) {
      expect(peerName.safeParse(name).success, JSON.stringify(name)).toBe(false);
    }
  });
});
