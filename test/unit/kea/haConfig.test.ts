import { describe, expect, it } from "vitest";
import { comparableEntry, declaredPasswords, relationshipEntry, SECRET_AS_DECLARED, SECRET_DIFFERENT, settingsFromEntry } from "../../../src/backends/kea/haConfig";
import { keaRelationship } from "../../../src/backends/kea/schema";
import { compareViews } from "../../../src/provider/differences";
import { KEA_2_2, KEA_2_6, keaExpandedEntry, relationship, relationshipInput } from "./fixtures";

describe("relationshipEntry", () => {
  it("writes every knob explicitly in Kea's names, the same entry on each peer except this-server-name", () => {
    const spec = relationship("load-balancing");
    const kea1 = relationshipEntry(spec, "kea1");
    expect(kea1).toEqual({
      "this-server-name": "kea1",
      mode: "load-balancing",
      "heartbeat-delay": 2000,
      "max-response-delay": 6000,
      "max-ack-delay": 5000,
      "max-unacked-clients": 0,
      "send-lease-updates": true,
      "sync-leases": true,
      "sync-timeout": 30000,
      "sync-page-limit": 10000,
      "wait-backup-ack": false,
      peers: [
        { name: "kea1", url: "http://10.231.2.11:8000/", role: "primary", "auto-failover": true, "basic-auth-user": "user-kea1", "basic-auth-password": "password-of-kea1" },
        { name: "kea2", url: "http://10.231.2.12:8000/", role: "secondary", "auto-failover": true, "basic-auth-user": "user-kea2", "basic-auth-password": "password-of-kea2" },
      ],
    });
    expect({ ...relationshipEntry(spec, "kea2"), "this-server-name": "kea1" }).toEqual(kea1);
  });

  it("writes the optional sections only when given: multi-threading, pauses, TLS, restrict-commands, limits", () => {
    const spec = keaRelationship.parse(
      relationshipInput("hot-standby", {
        peers: [
          { ...(relationshipInput().peers as Array<Record<string, unknown>>)[0], url: "https://10.231.2.11:8001/" },
          { ...(relationshipInput().peers as Array<Record<string, unknown>>)[1], role: "standby", url: "https://10.231.2.12:8001/", tls: { certFile: "/etc/kea/kea2.pem" } },
        ],
        kea: {
          mode: "hot-standby",
          maxRejectedLeaseUpdates: 20,
          multiThreading: { enableMultiThreading: true, httpDedicatedListener: true, httpListenerThreads: 2 },
          statePauses: { waiting: "once" },
          tls: { trustAnchor: "/etc/kea/ca.pem", certFile: "/etc/kea/cert.pem", keyFile: "/etc/kea/key.pem", requireClientCerts: false },
          restrictCommands: true,
        },
      }),
    );
    const entry = relationshipEntry(spec, "kea1");
    expect(entry).toMatchObject({
      "max-rejected-lease-updates": 20,
      "multi-threading": { "enable-multi-threading": true, "http-dedicated-listener": true, "http-listener-threads": 2, "http-client-threads": 0 },
      "state-machine": { states: [{ state: "waiting", pause: "once" }] },
      "trust-anchor": "/etc/kea/ca.pem",
      "cert-file": "/etc/kea/cert.pem",
      "key-file": "/etc/kea/key.pem",
      "require-client-certs": false,
      "restrict-commands": true,
    });
    expect((entry.peers as Array<Record<string, unknown>>)[1]!["cert-file"]).toBe("/etc/kea/kea2.pem");
    expect(entry["delayed-updates-limit"]).toBeUndefined();
  });
});

describe("comparableEntry", () => {
  it("sees no difference between what this library writes and what Kea 2.2 returns after filling its defaults", () => {
    const spec = relationship("load-balancing");
    const passwords = declaredPasswords(spec);
    for (const name of ["kea1", "kea2"]) {
      const expected = comparableEntry(relationshipEntry(spec, name), KEA_2_2, passwords);
      const actual = comparableEntry(keaExpandedEntry(name), KEA_2_2, passwords);
      expect(compareViews([{ server: name, expected, actual }])).toEqual([]);
    }
  });

  it("shows a hand-changed timer and a changed password without ever showing a password", () => {
    const spec = relationship("load-balancing");
    const passwords = declaredPasswords(spec);
    const edited = keaExpandedEntry("kea2");
    edited["heartbeat-delay"] = 3000;
    (edited.peers as Array<Record<string, unknown>>)[0]!["basic-auth-password"] = "someone-changed-it";
    const expected = comparableEntry(relationshipEntry(spec, "kea2"), KEA_2_2, passwords);
    const actual = comparableEntry(edited, KEA_2_2, passwords);
    const differences = compareViews([{ server: "kea2", expected, actual }]);
    expect(differences.map((d) => [d.path, d.expected, d.actual])).toEqual([
      ["heartbeat-delay", 2000, 3000],
      ["peers.kea1.basic-auth-password", SECRET_AS_DECLARED, SECRET_DIFFERENT],
    ]);
    expect(JSON.stringify([expected, actual])).not.toMatch(/password-of|someone-changed-it/);
  });

  it("fills the defaults of the server's version: multi-threading on from 2.4, max-rejected-lease-updates from 2.4", () => {
    const spec = relationship("hot-standby");
    const onOld = comparableEntry(relationshipEntry(spec, "kea1"), KEA_2_2, {});
    const onNew = comparableEntry(relationshipEntry(spec, "kea1"), KEA_2_6, {});
    expect(onOld["multi-threading"]).toMatchObject({ "enable-multi-threading": false, "http-dedicated-listener": false });
    expect(onNew["multi-threading"]).toMatchObject({ "enable-multi-threading": true, "http-dedicated-listener": true });
    expect(onOld["max-rejected-lease-updates"]).toBeUndefined();
    expect(onNew["max-rejected-lease-updates"]).toBe(10);
    expect(onOld["delayed-updates-limit"]).toBe(0);
  });
});

describe("settingsFromEntry", () => {
  it("reads a live entry back into the program's terms, keeping the connection settings Kea does not hold", () => {
    const spec = relationship("load-balancing");
    const live = keaExpandedEntry("kea1");
    live["max-ack-delay"] = 7000;
    const { peers, kea } = settingsFromEntry(live, spec);
    expect(kea).toMatchObject({ mode: "load-balancing", heartbeatDelay: 2000, maxAckDelay: 7000, maxUnackedClients: 0, syncTimeout: 30000 });
    expect(kea.multiThreading).toBeUndefined();
    expect(peers.map((p) => [p.name, p.role, p.api.url, p.configPath, p.basicAuthPassword])).toEqual([
      ["kea1", "primary", "http://10.231.2.11:8000/", "/etc/kea/kea1.conf", "password-of-kea1"],
      ["kea2", "secondary", "http://10.231.2.12:8000/", "/etc/kea/kea2.conf", "password-of-kea2"],
    ]);
    expect(keaRelationship.safeParse({ ...spec, peers, kea }).success).toBe(true);
  });
});
