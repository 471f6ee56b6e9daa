// The four pool-balancing statements (max-lease-misbalance, max-lease-ownership, min-balance,
// max-balance): written into both mirrored peer blocks, read back without drift, accepted by the real
// `dhcpd -t`, and rebuilt from the blocks on refresh.
import { describe, expect, it } from "vitest";
import { extractSubnet, findFailoverPeer, parseWithIncludes, print, readFailoverPeer, type ConfTree } from "../../../src/backends/isc/conf";
import { joinPools } from "../../../src/backends/isc/edits";
import { actualPeerView, expectedPeerView, relationshipFromPeers, SIDES } from "../../../src/backends/isc/peerSpec";
import { iscMembership, iscRelationship, iscRelationshipTarget } from "../../../src/backends/isc/schema";
import { dhcpdCheck } from "./conf/helpers";

const ssh = { host: "127.0.0.1", username: "root", hostKeySha256: `SHA256:${"A".repeat(43)}`, privateKey: "k" };
const spec = iscRelationship.parse({
  vendor: "isc",
  name: "campus",
  primary: { name: "dhcp1", address: "192.0.2.11", ssh },
  secondary: { name: "dhcp2", address: "192.0.2.12", ssh, failover: { maxBalance: 900, minBalance: 30 } },
  isc: { mclt: 600, split: 128, maxLeaseMisbalance: 20, maxLeaseOwnership: 15, minBalance: 120, maxBalance: 1800 },
});

const SUBNET = `# access network
subnet 10.0.0.0 netmask 255.255.255.0 {
  option routers 10.0.0.1;
  pool {
    range 10.0.0.10 10.0.0.20;
  }
}
`;

const tree = (text: string): Promise<ConfTree> => parseWithIncludes("dhcpd.conf", () => text);

/** Each server's config after the first membership wrote the peer block with its pool. */
async function written(): Promise<Record<"primary" | "secondary", string>> {
  const membership = iscMembership.parse({ vendor: "isc", relationship: iscRelationshipTarget(spec), scope: "10.0.0.0/24" });
  const primary = await tree(SUBNET);
  const copy = { copy: extractSubnet(primary, "10.0.0.0", "255.255.255.0"), server: "dhcp1" };
  joinPools(membership, "primary", undefined).apply(primary);
  const secondary = await tree("# partner: nothing yet\n");
  joinPools(membership, "secondary", copy).apply(secondary);
  return { primary: print(primary.root), secondary: print(secondary.root) };
}

const block = (text: string) => text.slice(text.indexOf('failover peer "campus" {'), text.indexOf("}", text.indexOf('failover peer "campus" {')) + 1);

describe("pool-balancing statements", () => {
  it("are written as dhcpd.conf(5) spells them, the secondary's own values overriding the relationship's", async () => {
    const texts = await written();
    const primary = block(texts.primary);
    for (const line of ["max-lease-misbalance 20;", "max-lease-ownership 15;", "min-balance 120;", "max-balance 1800;", "mclt 600;", "split 128;"]) {
      expect(primary).toContain(`\n  ${line}\n`);
    }
    const secondary = block(texts.secondary);
    for (const line of ["max-lease-misbalance 20;", "max-lease-ownership 15;", "min-balance 30;", "max-balance 900;"]) {
      expect(secondary).toContain(`\n  ${line}\n`);
    }
    expect(secondary).not.toMatch(/mclt|split|min-balance 120|max-balance 1800/);
  });

  it("are accepted by the real dhcpd -t on both servers", async () => {
    const texts = await written();
    for (const side of SIDES) {
      const check = dhcpdCheck({ "dhcpd.conf": texts[side] }, "dhcpd.conf");
      expect(check.output, side).not.toMatch(/line \d+:/);
      expect(check.ok, side).toBe(true);
    }
  });

  it("dhcpd -t does parse them: a value that is not a number is refused", async () => {
    const texts = await written();
    const broken = texts.primary.replace("max-lease-ownership 15;", "max-lease-ownership fifteen;");
    expect(broken).not.toBe(texts.primary);
    const check = dhcpdCheck({ "dhcpd.conf": broken }, "dhcpd.conf");
    expect(check.ok).toBe(false);
    expect(check.output).toMatch(/dhcpd\.conf line \d+:/);
  });

  it("read back as exactly what the program wants (no drift in preview), and refresh rebuilds them", async () => {
    const texts = await written();
    const decls = await Promise.all(SIDES.map(async (side) => readFailoverPeer(findFailoverPeer(await tree(texts[side]), "campus")!.block)));
    SIDES.forEach((side, i) => expect(actualPeerView(decls[i]!), side).toEqual(expectedPeerView(spec, side)));
    const refreshed = relationshipFromPeers({ ...spec, isc: { ...spec.isc, maxLeaseMisbalance: 1, maxBalance: 2 } }, decls[0]!, decls[1]);
    expect(refreshed.isc).toMatchObject({ maxLeaseMisbalance: 20, maxLeaseOwnership: 15, minBalance: 120, maxBalance: 1800 });
    expect(refreshed.secondary.failover).toEqual({ minBalance: 30, maxBalance: 900 });
  });

  it("are refused at check time outside dhcpd's ranges", () => {
    for (const [key, value] of [["maxLeaseMisbalance", 101], ["maxLeaseOwnership", -1], ["minBalance", 1.5]] as const) {
      const result = iscRelationship.safeParse({ ...spec, isc: { ...spec.isc, [key]: value } });
      expect(result.success, key).toBe(false);
      expect(result.error?.issues[0]?.path, key).toEqual(["isc", key]);
    }
  });
});
