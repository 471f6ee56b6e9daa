// Every realistic config under test/fixtures/dhcpd: round-tripped byte for byte, edited the way
// the ISC backend edits (add a peer, reference it from a pool, remove both), re-parsed and
// compared, and the edited text validated by the real `dhcpd -t`.
import { describe, expect, it } from "vitest";
import type { ConfTree, FailoverPeerSpec } from "../../../../src/backends/isc/conf";
import {
  createFailoverPeer,
  findFailoverPeer,
  listIncludes,
  listPoolPeers,
  parseWithIncludes,
  print,
  readFailoverPeer,
  removeFailoverPeer,
  replaceFailoverPeer,
  setPoolFailoverPeer,
} from "../../../../src/backends/isc/conf";
import { dhcpdCheck, filesOf, fixtureNames, fixtureReader, meaning, readFixture, reparse } from "./helpers";

const SPEC: FailoverPeerSpec = {
  name: "pulumi-test",
  role: "primary",
  address: "192.0.2.1",
  port: 847,
  peerAddress: "192.0.2.2",
  peerPort: 847,
  maxResponseDelay: 30,
  maxUnackedUpdates: 10,
  mclt: 10,
  split: 128,
  loadBalanceMaxSeconds: 3,
};

const load = (name: string): Promise<ConfTree> => parseWithIncludes(name, fixtureReader);

describe("fixture corpus", () => {
  const names = fixtureNames();

  it("has at least 8 realistic configs", () => {
    expect(names.length).toBeGreaterThanOrEqual(8);
  });

  describe.each(names)("%s", (name) => {
    it("is accepted by dhcpd -t as it is", async () => {
      const check = dhcpdCheck(filesOf(await load(name)), name);
      expect(check.output).not.toMatch(/line \d+:/);
      expect(check.ok).toBe(true);
    });

    it("round-trips byte for byte, included files too", async () => {
      const tree = await load(name);
      expect(print(tree.root)).toBe(readFixture(name));
      for (const file of tree.files.values()) expect(print(file)).toBe(readFixture(file.path));
      expect(listIncludes(tree).every((ref) => ref.followed)).toBe(true);
    });

    it("takes a new peer referenced from a pool, which dhcpd -t accepts, and gives the original back when both are removed", async () => {
      const tree = await load(name);
      const before = new Map([...tree.files].map(([path, file]) => [path, meaning(file)]));
      const poolsBefore = listPoolPeers(tree);
      const target = poolsBefore.findIndex((p) => p.peer === null);
      expect(target, "each fixture has a pool without a peer").toBeGreaterThanOrEqual(0);

      createFailoverPeer(tree, SPEC);
      setPoolFailoverPeer(tree, poolsBefore[target]?.pool ?? fail(), SPEC.name);
      const edited = filesOf(tree);

      // Re-parse every edited file: the peer and the reference are there, everything else is as before.
      const again = await parseWithIncludes(name, (path) => edited[path] ?? fixtureReader(path));
      for (const file of again.files.values()) expect(print(file)).toBe(edited[file.path]);
      const peer = findFailoverPeer(again, SPEC.name);
      expect(peer?.scope).toBe("outer");
      expect(readFailoverPeer(peer?.block ?? fail())).toEqual({
        name: SPEC.name,
        settings: { ...(({ name: _name, ...settings }) => settings)(SPEC) },
        statements: expect.any(Array),
        unrecognized: [],
      });
      expect(listPoolPeers(again).map((p) => p.peer)).toEqual(poolsBefore.map((p, i) => (i === target ? SPEC.name : p.peer)));
      const peerIndex = again.root.body.indexOf(peer?.block ?? fail());
      const firstPoolHolder = again.root.body.findIndex((s) => s.type === "block" && /^(subnet|shared-network|group)$/i.test(s.head[0]?.raw ?? ""));
      expect(peerIndex).toBeLessThan(firstPoolHolder < 0 ? Infinity : firstPoolHolder);

      const check = dhcpdCheck(edited, name);
      expect(check.output).not.toMatch(/line \d+:/);
      expect(check.ok).toBe(true);

      setPoolFailoverPeer(again, listPoolPeers(again)[target]?.pool ?? fail(), null);
      expect(removeFailoverPeer(again, SPEC.name)).toEqual({ removed: true, references: [] });
      for (const [path, file] of again.files) {
        expect(print(file)).toBe(readFixture(file.path));
        expect(meaning(reparse(file))).toBe(before.get(path));
      }
    });

    it("updates an existing peer in place, which dhcpd -t accepts", async () => {
      const tree = await load(name);
      createFailoverPeer(tree, SPEC);
      setPoolFailoverPeer(tree, listPoolPeers(tree).find((p) => p.peer === null)?.pool ?? fail(), SPEC.name);
      replaceFailoverPeer(tree, { ...SPEC, mclt: 3600, split: undefined, hba: "ff:".repeat(31) + "ff", autoPartnerDown: 300 });
      const decl = readFailoverPeer(findFailoverPeer(tree, SPEC.name)?.block ?? fail());
      expect(decl.settings).toMatchObject({ mclt: 3600, hba: "ff:".repeat(31) + "ff", autoPartnerDown: 300 });
      expect(decl.settings.split).toBeUndefined();
      const check = dhcpdCheck(filesOf(tree), name);
      expect(check.output).not.toMatch(/line \d+:/);
      expect(check.ok).toBe(true);
    });
  });

  it("the dhcpd -t check can fail: a pool naming an undeclared peer is rejected", async () => {
    const tree = await load("failover-primary.conf");
    removeFailoverPeer(tree, "dc-west");
    const check = dhcpdCheck(filesOf(tree), "failover-primary.conf");
    expect(check.ok).toBe(false);
    expect(check.output).toMatch(/failover peer dc-west: not found/);
  });
});

function fail(): never {
  throw new Error("expected a value");
}
