// Every Kea configuration under test/fixtures/kea (our own, see SOURCES.md for the public source of each
// construct): passes the real `kea-dhcp4 -t` (Debian 12's Kea 2.2, which does not parse hook parameters,
// so the HA entry is checked by the schema here); round-trips as JSON; its HA entry is a valid program
// (nothing Kea accepts is refused) that the library writes back with no drift; and a one-parameter
// change differs from the server's entry in that parameter only, in a configuration Kea still accepts.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { putRelationship, relationshipOf } from "../../../src/backends/kea/configEdit";
import { comparableEntry, declaredPasswords, relationshipEntry, type JsonObject } from "../../../src/backends/kea/haConfig";
import { keaRelationship } from "../../../src/backends/kea/schema";
import { KEA_2_2 } from "./fixtures";

const FIXTURES = path.resolve(__dirname, "../../fixtures/kea");
const KEA = "/usr/sbin/kea-dhcp4";

const names = fs.readdirSync(FIXTURES).filter((name) => name.endsWith(".json")).sort();
const read = (name: string): JsonObject => JSON.parse(fs.readFileSync(path.join(FIXTURES, name), "utf8")) as JsonObject;

function keaCheck(config: JsonObject): { ok: boolean; output: string } {
  if (!fs.existsSync(KEA)) throw new Error(`${KEA} not found: install kea-dhcp4-server so the corpus is checked by Kea itself`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kea-corpus-"));
  try {
    const file = path.join(dir, "kea-dhcp4.conf");
    fs.writeFileSync(file, JSON.stringify(config, null, 2));
    const run = spawnSync(KEA, ["-t", file], { encoding: "utf8", timeout: 20_000 });
    return { ok: run.status === 0, output: `${run.stdout ?? ""}${run.stderr ?? ""}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function haEntry(config: JsonObject): JsonObject {
  const hooks = (config.Dhcp4 as JsonObject)["hooks-libraries"] as JsonObject[];
  const ha = hooks.find((h) => String(h.library).endsWith("libdhcp_ha.so"));
  return ((ha?.parameters as JsonObject)["high-availability"] as JsonObject[])[0]!;
}

/** The program a user writes to take the entry over: Kea's names in the program's terms, connections added. */
function programFor(entry: JsonObject): Record<string, unknown> {
  const pick = (key: string) => entry[key];
  const mt = entry["multi-threading"] as JsonObject | undefined;
  const states = ((entry["state-machine"] as JsonObject | undefined)?.states ?? []) as JsonObject[];
  const tls = { trustAnchor: pick("trust-anchor"), certFile: pick("cert-file"), keyFile: pick("key-file"), requireClientCerts: pick("require-client-certs") };
  const kea = {
    mode: pick("mode"),
    heartbeatDelay: pick("heartbeat-delay"),
    maxResponseDelay: pick("max-response-delay"),
    maxAckDelay: pick("max-ack-delay"),
    maxUnackedClients: pick("max-unacked-clients"),
    sendLeaseUpdates: pick("send-lease-updates"),
    syncLeases: pick("sync-leases"),
    syncTimeout: pick("sync-timeout"),
    syncPageLimit: pick("sync-page-limit"),
    waitBackupAck: pick("wait-backup-ack"),
    multiThreading: mt && {
      enableMultiThreading: mt["enable-multi-threading"],
      httpDedicatedListener: mt["http-dedicated-listener"],
      httpListenerThreads: mt["http-listener-threads"],
      httpClientThreads: mt["http-client-threads"],
    },
    statePauses: states.length > 0 ? Object.fromEntries(states.map((s) => [s.state, s.pause])) : undefined,
    tls: tls.trustAnchor === undefined ? undefined : tls,
  };
  const peers = (entry.peers as JsonObject[]).map((peer, i) => ({
    name: peer.name,
    url: peer.url,
    role: peer.role,
    autoFailover: peer["auto-failover"],
    basicAuthUser: peer["basic-auth-user"],
    basicAuthPassword: peer["basic-auth-password"],
    api: { url: `http://127.0.0.${i + 1}:8000/`, username: "admin", password: "api-password" },
    configPath: "/etc/kea/kea-dhcp4.conf",
  }));
  return JSON.parse(JSON.stringify({ vendor: "kea", name: "adopted", peers, kea, adopt: true })) as Record<string, unknown>;
}

describe("Kea configuration corpus", () => {
  it("has at least 10 configurations", () => {
    expect(names.length).toBeGreaterThanOrEqual(10);
  });

  it("the kea-dhcp4 -t check can fail", () => {
    const config = read(names[0]!);
    (config.Dhcp4 as JsonObject)["valid-lifetime"] = "an hour";
    expect(keaCheck(config).ok).toBe(false);
  });

  describe.each(names)("%s", (name) => {
    it("is accepted by kea-dhcp4 -t and round-trips as JSON", () => {
      const text = fs.readFileSync(path.join(FIXTURES, name), "utf8");
      expect(`${JSON.stringify(JSON.parse(text), null, 2)}\n`).toBe(text);
      const check = keaCheck(read(name));
      expect(check.output).not.toMatch(/error|failed/i);
      expect(check.ok).toBe(true);
    });

    it("is a valid program, written back with no drift, and Kea accepts what is written", () => {
      const config = read(name);
      const entry = haEntry(config);
      const parsed = keaRelationship.safeParse(programFor(entry));
      expect(parsed.error?.issues ?? []).toEqual([]);
      const spec = parsed.data!;
      const thisServer = String(entry["this-server-name"]);
      const written = relationshipEntry(spec, thisServer);
      expect(comparableEntry(written, KEA_2_2, declaredPasswords(spec))).toEqual(comparableEntry(entry, KEA_2_2, declaredPasswords(spec)));
      const next = putRelationship(config, written, { owner: "adopted" });
      expect(relationshipOf(next, thisServer)).toEqual(written);
      expect(keaCheck(next).ok).toBe(true);
    });

    it("a one-parameter change differs from the server's entry in that parameter only", () => {
      const config = read(name);
      const entry = haEntry(config);
      const spec = keaRelationship.parse(programFor(entry));
      const changed = keaRelationship.parse({ ...programFor(entry), kea: { ...(programFor(entry).kea as object), heartbeatDelay: spec.kea.heartbeatDelay + 1000 } });
      const before = comparableEntry(entry, KEA_2_2, declaredPasswords(spec));
      const after = comparableEntry(relationshipEntry(changed, String(entry["this-server-name"])), KEA_2_2, declaredPasswords(spec));
      const differing = Object.keys({ ...before, ...after }).filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
      expect(differing).toEqual(["heartbeat-delay"]);
      const next = putRelationship(config, relationshipEntry(changed, String(entry["this-server-name"])), { owner: "adopted" });
      const outside = (c: JsonObject) => JSON.stringify({ ...(c.Dhcp4 as JsonObject), "hooks-libraries": undefined });
      expect(outside(next)).toBe(outside(config));
      expect(keaCheck(next).ok).toBe(true);
    });
  });
});
