import { describe, expect, it } from "vitest";
import { membershipOps } from "../../../src/backends/kea/membership";
import { keaMembership, keaRelationship, keaRelationshipTarget, keaReplication, keaTarget, type KeaMembership } from "../../../src/backends/kea/schema";
import { validate } from "../../../src/model/validate";
import { peer, relationshipInput } from "./fixtures";

function failures(input: Record<string, unknown>): string[] {
  const result = validate(keaRelationship, input);
  return result.ok ? [] : result.failures.map((f) => `${f.property}: ${f.reason}`);
}

describe("keaRelationship", () => {
  it("accepts the lab's load-balancing, hot-standby and passive-backup relationships and fills Kea's defaults", () => {
    for (const mode of ["load-balancing", "hot-standby", "passive-backup"]) expect(failures(relationshipInput(mode))).toEqual([]);
    const parsed = keaRelationship.parse(relationshipInput("hot-standby", { kea: { mode: "hot-standby" } }));
    expect(parsed.kea).toMatchObject({ heartbeatDelay: 10000, maxResponseDelay: 60000, maxAckDelay: 10000, maxUnackedClients: 10, syncLeases: true, syncTimeout: 60000, syncPageLimit: 10000, sendLeaseUpdates: true, waitBackupAck: false, waitSeconds: 60 });
    expect(parsed.peers[0]!.autoFailover).toBe(true);
    expect(parsed.adopt).toBe(false);
  });

  it("names the property and the fix for each of Kea's rules", () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [relationshipInput("load-balancing", { peers: [peer("a", "10.0.0.1", "primary"), peer("b", "10.0.0.2", "primary")] }), 'peers: needs exactly one peer with role "primary" (found 2)'],
      [relationshipInput("load-balancing", { peers: [peer("a", "10.0.0.1", "primary"), peer("b", "10.0.0.2", "standby")] }), 'peers[1].role: "standby" is not allowed in load-balancing'],
      [relationshipInput("load-balancing", { peers: [peer("a", "10.0.0.1", "primary"), peer("b", "10.0.0.2", "backup")] }), 'peers: load-balancing needs a peer with role "secondary"'],
      [relationshipInput("hot-standby", { peers: [peer("a", "10.0.0.1", "primary"), peer("b", "10.0.0.2", "secondary")] }), 'peers[1].role: "secondary" is not allowed in hot-standby'],
      [relationshipInput("passive-backup", { peers: [peer("a", "10.0.0.1", "primary"), peer("b", "10.0.0.2", "standby")] }), 'peers[1].role: "standby" is not allowed in passive-backup'],
      [relationshipInput("load-balancing", { peers: [peer("a", "10.0.0.1", "primary", { url: "http://kea1.example:8000/" }), peer("b", "10.0.0.2", "secondary")] }), "peers[0].url: must name its host by IP address (Kea refuses host names in HA URLs)"],
      [relationshipInput("load-balancing", { peers: [peer("a", "10.0.0.1", "primary"), peer("a", "10.0.0.2", "secondary")] }), "peers[1].name: peer names must be unique (same as peers[0])"],
      [relationshipInput("load-balancing", { peers: [peer("a", "10.0.0.1", "primary"), peer("b", "10.0.0.2", "secondary", { api: { url: "http://10.0.0.1:8000/" } })] }), "peers[1].api.url: two peers cannot be the same server"],
      [relationshipInput("hot-standby", { kea: { mode: "hot-standby", waitBackupAck: true } }), "kea.waitBackupAck: Kea refuses wait-backup-ack in hot-standby"],
      [relationshipInput("hot-standby", { kea: { mode: "hot-standby", delayedUpdatesLimit: 5 } }), "kea.delayedUpdatesLimit: must be 0 in hot-standby"],
      [relationshipInput("load-balancing", { kea: { mode: "load-balancing", heartbeatDelay: 70000 } }), "kea.heartbeatDelay: must be at most 65535"],
      [relationshipInput("load-balancing", { kea: { mode: "load-balancing", multiThreading: { enableMultiThreading: false, httpDedicatedListener: true } } }), "kea.multiThreading.httpDedicatedListener: needs enableMultiThreading: true"],
      [relationshipInput("load-balancing", { kea: { mode: "load-balancing", multiThreading: { enableMultiThreading: true, httpDedicatedListener: true } } }), "peers[0].url: with a dedicated HA listener, the peer URL must use another port than the control API"],
      [relationshipInput("load-balancing", { kea: { mode: "load-balancing", tls: { trustAnchor: "/etc/kea/ca.pem" } } }), "peers[0].tls: TLS needs trustAnchor, certFile and keyFile together (Kea: all or none): add certFile, keyFile here or in kea.tls"],
      [relationshipInput("load-balancing", { peers: [peer("a", "10.0.0.1", "primary", { url: "https://10.0.0.1:8001/" }), peer("b", "10.0.0.2", "secondary")] }), "peers[0].url: uses https but no TLS files are configured"],
      [relationshipInput("load-balancing", { peers: [peer("a", "10.0.0.1", "primary", { basicAuthUser: undefined }), peer("b", "10.0.0.2", "secondary")] }), "peers[0].basicAuthUser: is required with basicAuthPassword"],
      [relationshipInput("load-balancing", { kea: { mode: "bogus" } }), 'kea.mode: must be one of "load-balancing", "hot-standby", "passive-backup"'],
      [relationshipInput("load-balancing", { kea: { mode: "load-balancing", statePauses: { "not-a-state": "once" } } }), "kea.statePauses.not-a-state"],
      [relationshipInput("load-balancing", { kea: { mode: "load-balancing", heartbeatDelay: 2000, maxResponseDelay: 6000, heartbeatDelai: 1 } }), 'kea.heartbeatDelai: is not a known property (did you mean "heartbeatDelay"?'],
    ];
    for (const [input, expected] of cases) expect(failures(input).join("\n")).toContain(expected);
  });

  it("accepts maxResponseDelay equal to heartbeatDelay, as Kea does (ha_config.cc has no rule between them)", () => {
    expect(failures(relationshipInput("load-balancing", { kea: { mode: "load-balancing", heartbeatDelay: 5000, maxResponseDelay: 5000 } }))).toEqual([]);
    expect(failures(relationshipInput("load-balancing", { kea: { mode: "load-balancing", heartbeatDelay: 10000, maxResponseDelay: 5000 } }))).toEqual([]);
  });

  it("accepts TLS files with http URLs, as Kea does (it refuses only https without TLS)", () => {
    const tls = { trustAnchor: "/etc/kea/ca.pem", certFile: "/etc/kea/cert.pem", keyFile: "/etc/kea/key.pem" };
    expect(failures(relationshipInput("hot-standby", { kea: { mode: "hot-standby", tls } }))).toEqual([]);
  });

  it("accepts TLS when every peer gets all three files, from kea.tls or its own", () => {
    const tls = { trustAnchor: "/etc/kea/ca.pem", certFile: "/etc/kea/cert.pem", keyFile: "/etc/kea/key.pem" };
    const input = relationshipInput("hot-standby", {
      peers: [peer("a", "10.0.0.1", "primary", { url: "https://10.0.0.1:8001/" }), peer("b", "10.0.0.2", "standby", { url: "https://10.0.0.2:8001/", tls: { certFile: "/etc/kea/b.pem" } })],
      kea: { mode: "hot-standby", tls },
    });
    expect(failures(input)).toEqual([]);
  });
});

describe("keaRelationshipTarget", () => {
  it("carries identity, mode and how to reach each peer, never the timers, and validates as a keaTarget", () => {
    const target = keaRelationshipTarget(relationshipInput("load-balancing"));
    expect(Object.keys(target).sort()).toEqual(["mode", "name", "peers", "vendor"]);
    expect((target.peers as Array<Record<string, unknown>>)[0]).toEqual({
      name: "kea1",
      role: "primary",
      api: { url: "http://10.231.2.11:8000/", username: "user-kea1", password: "password-of-kea1" },
      configPath: "/etc/kea/kea1.conf",
    });
    expect(keaTarget.safeParse(target).success).toBe(true);
    const slower = keaRelationshipTarget(relationshipInput("load-balancing", { kea: { mode: "load-balancing", heartbeatDelay: 3000, maxResponseDelay: 9000 } }));
    expect(slower).toEqual(target);
  });

  it("carries kea.waitSeconds when the program sets it, for the membership's wait; memberships leave it out of their comparison", () => {
    const input = relationshipInput("load-balancing");
    const waiting = keaRelationshipTarget({ ...input, kea: { ...(input.kea as object), waitSeconds: 0 } });
    expect(waiting.waitSeconds).toBe(0);
    expect(keaRelationshipTarget(input)).not.toHaveProperty("waitSeconds");
    const membership = keaMembership.parse({ vendor: "kea", relationship: waiting, scope: "10.231.2.0/24" });
    expect(membership.relationship.waitSeconds).toBe(0);
    expect(keaMembership.parse({ vendor: "kea", relationship: keaRelationshipTarget(input), scope: "10.231.2.0/24" }).relationship.waitSeconds).toBeUndefined();
    expect(validate(keaMembership, { vendor: "kea", relationship: { ...waiting, waitSeconds: 601 }, scope: "10.231.2.0/24" }).ok).toBe(false);
    const comparable = (spec: KeaMembership) => membershipOps.comparable!(spec);
    expect(comparable(membership)).toEqual(comparable({ ...membership, relationship: { ...membership.relationship, waitSeconds: 120 } }));
    expect(comparable(membership)).not.toEqual(comparable({ ...membership, scope: "10.231.3.0/24" }));
  });

  it("membership and replication schemas carry the target and check their own rules", () => {
    const relationship = keaRelationshipTarget(relationshipInput("load-balancing"));
    expect(keaMembership.parse({ vendor: "kea", relationship, scope: "10.231.2.0/24" }).partnerCopy).toBe("delete");
    expect(validate(keaMembership, { vendor: "kea", relationship, scope: "10.231.2.1/24" }).ok).toBe(false);
    const bad = validate(keaReplication, { vendor: "kea", relationship, source: "kea3", level: "scope" });
    expect(bad.ok ? [] : bad.failures.map((f) => `${f.property}: ${f.reason}`)).toEqual(["source: must be one of the relationship's peers: kea1, kea2", 'scopes: is required when level is "scope"']);
  });
});
