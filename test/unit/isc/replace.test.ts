// Which changes of a relationship replace it (a peer block cannot be renamed or moved in place) and
// which are updates; and whether the old one must go first because the new one would collide with it.
import { describe, expect, it } from "vitest";
import { iscRelationshipOps } from "../../../src/backends/isc/relationship";
import { iscRelationship, type IscRelationship } from "../../../src/backends/isc/schema";

const ssh = (port: number) => ({ host: "127.0.0.1", port, username: "root", hostKeySha256: `SHA256:${"A".repeat(43)}`, privateKey: "k" });
const dhcp1 = { name: "dhcp1", address: "192.0.2.11", ssh: ssh(22) };
const dhcp2 = { name: "dhcp2", address: "192.0.2.12", ssh: ssh(2222) };
const dhcp3 = { name: "dhcp3", address: "192.0.2.13", ssh: ssh(2223) };

const relationship = (over: Record<string, unknown> = {}): IscRelationship =>
  iscRelationship.parse({ vendor: "isc", name: "campus", primary: dhcp1, secondary: dhcp2, isc: { mclt: 600, split: 128 }, ...over });

const decide = (next: Record<string, unknown>) => iscRelationshipOps.replaceDecision(relationship(), relationship(next));

describe("replaceDecision", () => {
  it("updates in place what a peer block can change: statements, addresses, ports, side overrides", () => {
    for (const next of [
      { isc: { mclt: 30, split: 200 } },
      { isc: { mclt: 600, hba: "ff:".repeat(31) + "ff" } },
      { primary: { ...dhcp1, address: "192.0.2.21", port: 847 } },
      { secondary: { ...dhcp2, failover: { maxResponseDelay: 90 } } },
      { waitForNormalSeconds: 5, claimAllPools: true },
    ]) {
      expect(decide(next), JSON.stringify(next)).toEqual({ replaces: [], deleteBeforeReplace: false });
    }
  });

  it("replaces a renamed relationship, creating the new peer before deleting the old (the names do not collide)", () => {
    expect(decide({ name: "campus-2" })).toEqual({ replaces: ["name"], deleteBeforeReplace: false });
  });

  it("replaces a relationship whose partner moves to another server; the old goes first, its name is taken on the server they share", () => {
    expect(decide({ secondary: dhcp3 })).toEqual({ replaces: ["secondary"], deleteBeforeReplace: true });
    expect(decide({ secondary: { ...dhcp2, configPath: "/etc/dhcp/other.conf" } })).toEqual({ replaces: ["secondary"], deleteBeforeReplace: true });
  });

  it("replaces a relationship whose roles swap, deleting first: both servers already hold the name", () => {
    expect(decide({ primary: dhcp2, secondary: dhcp1 })).toEqual({ replaces: ["primary", "secondary"], deleteBeforeReplace: true });
  });

  it("replaces without deleting first when both name and servers change", () => {
    expect(decide({ name: "campus-2", secondary: dhcp3 })).toEqual({ replaces: ["name", "secondary"], deleteBeforeReplace: false });
  });

  it("moves to two new servers without deleting first: nothing is shared", () => {
    expect(decide({ primary: { ...dhcp3, name: "dhcp3" }, secondary: { ...dhcp1, name: "dhcp4", ssh: ssh(2224) } })).toEqual({
      replaces: ["primary", "secondary"],
      deleteBeforeReplace: false,
    });
  });
});
