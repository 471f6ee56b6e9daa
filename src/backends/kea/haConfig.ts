/**
 * The HA hook's relationship entry, both ways: from the program's relationship to the entry each peer holds
 * (Kea's parameter names), and from a live entry back to the program's terms. Pure.
 */
import type { Json } from "../backend";
import type { HaMode, KeaPeer, KeaRelationship, KeaSettings, Role } from "./schema";
import { haFeatures, type KeaVersion } from "./version";

export type JsonObject = { [key: string]: Json };

/** The entry this library writes on the peer named `thisServer`: every knob explicit, Kea's names. */
export function relationshipEntry(spec: KeaRelationship, thisServer: string): JsonObject {
  const { kea } = spec;
  const entry: JsonObject = {
    "this-server-name": thisServer,
    mode: kea.mode,
    "heartbeat-delay": kea.heartbeatDelay,
    "max-response-delay": kea.maxResponseDelay,
    "max-ack-delay": kea.maxAckDelay,
    "max-unacked-clients": kea.maxUnackedClients,
    "send-lease-updates": kea.sendLeaseUpdates,
    "sync-leases": kea.syncLeases,
    "sync-timeout": kea.syncTimeout,
    "sync-page-limit": kea.syncPageLimit,
    "wait-backup-ack": kea.waitBackupAck,
  };
  if (kea.maxRejectedLeaseUpdates !== undefined) entry["max-rejected-lease-updates"] = kea.maxRejectedLeaseUpdates;
  if (kea.delayedUpdatesLimit !== undefined) entry["delayed-updates-limit"] = kea.delayedUpdatesLimit;
  if (kea.multiThreading) {
    entry["multi-threading"] = {
      "enable-multi-threading": kea.multiThreading.enableMultiThreading,
      "http-dedicated-listener": kea.multiThreading.httpDedicatedListener,
      "http-listener-threads": kea.multiThreading.httpListenerThreads,
      "http-client-threads": kea.multiThreading.httpClientThreads,
    };
  }
  if (kea.statePauses) {
    entry["state-machine"] = { states: Object.entries(kea.statePauses).map(([state, pause]) => ({ state, pause: pause as string })) };
  }
  if (kea.tls) {
    copyTls(kea.tls, entry);
    entry["require-client-certs"] = kea.tls.requireClientCerts;
  }
  if (kea.restrictCommands !== undefined) entry["restrict-commands"] = kea.restrictCommands;
  entry.peers = spec.peers.map(peerEntry);
  return entry;
}

function copyTls(tls: { trustAnchor?: string; certFile?: string; keyFile?: string }, into: JsonObject): void {
  if (tls.trustAnchor !== undefined) into["trust-anchor"] = tls.trustAnchor;
  if (tls.certFile !== undefined) into["cert-file"] = tls.certFile;
  if (tls.keyFile !== undefined) into["key-file"] = tls.keyFile;
}

function peerEntry(peer: KeaPeer): JsonObject {
  const entry: JsonObject = { name: peer.name, url: peer.url, role: peer.role, "auto-failover": peer.autoFailover };
  if (peer.basicAuthUser !== undefined) entry["basic-auth-user"] = peer.basicAuthUser;
  if (peer.basicAuthPassword !== undefined) entry["basic-auth-password"] = peer.basicAuthPassword;
  if (peer.tls) copyTls(peer.tls, entry);
  return entry;
}

/** How a password shows in a view: never its value, only whether it is there and matches the program. */
export const SECRET_AS_DECLARED = "(secret, as declared)";
export const SECRET_DIFFERENT = "(secret, differs from the program)";
export const SECRET_SET = "(secret)";

/**
 * An entry in comparable form: Kea's defaults for this version filled in (Kea 2.2 writes them into the
 * parameters it returns), peers keyed by name, pauses sorted, passwords replaced by a token. Keys this
 * backend does not manage are left out, so that a version that adds a parameter with a default does not
 * show as drift.
 */
export function comparableEntry(entry: JsonObject, version: KeaVersion, declaredPasswords: Record<string, string | undefined>): JsonObject {
  const features = haFeatures(version);
  const mode = entry.mode as HaMode;
  const value = (key: string, fallback: Json) => (entry[key] === undefined ? fallback : entry[key]!);
  const out: JsonObject = {
    "this-server-name": value("this-server-name", null),
    mode: value("mode", null),
    "heartbeat-delay": value("heartbeat-delay", 10_000),
    "max-response-delay": value("max-response-delay", 60_000),
    "max-ack-delay": value("max-ack-delay", 10_000),
    "max-unacked-clients": value("max-unacked-clients", 10),
    "delayed-updates-limit": value("delayed-updates-limit", mode === "load-balancing" ? 100 : 0),
    "send-lease-updates": value("send-lease-updates", true),
    "sync-leases": value("sync-leases", true),
    "sync-timeout": value("sync-timeout", 60_000),
    "sync-page-limit": value("sync-page-limit", 10_000),
    "wait-backup-ack": value("wait-backup-ack", false),
  };
  if (features.maxRejectedLeaseUpdates || entry["max-rejected-lease-updates"] !== undefined) {
    out["max-rejected-lease-updates"] = value("max-rejected-lease-updates", 10);
  }
  if (features.restrictCommands || entry["restrict-commands"] !== undefined) {
    out["restrict-commands"] = value("restrict-commands", features.restrictCommandsDefault);
  }
  const mt = (entry["multi-threading"] ?? {}) as JsonObject;
  out["multi-threading"] = {
    "enable-multi-threading": mt["enable-multi-threading"] ?? features.multiThreadingDefault,
    "http-dedicated-listener": mt["http-dedicated-listener"] ?? features.multiThreadingDefault,
    "http-listener-threads": mt["http-listener-threads"] ?? 0,
    "http-client-threads": mt["http-client-threads"] ?? 0,
  };
  const states = ((entry["state-machine"] as JsonObject | undefined)?.states ?? []) as JsonObject[];
  const pauses: JsonObject = {};
  for (const state of states) {
    const pause = state.pause ?? "never";
    if (pause !== "never") pauses[String(state.state)] = pause;
  }
  out["state-machine"] = pauses;
  const tls = tlsOf(entry);
  if (Object.keys(tls).length > 0) out.tls = tls;
  out["require-client-certs"] = value("require-client-certs", true);
  const peers: JsonObject = {};
  for (const peer of (entry.peers ?? []) as JsonObject[]) {
    const name = String(peer.name);
    const shown: JsonObject = {
      url: peer.url ?? null,
      role: peer.role ?? null,
      "auto-failover": peer["auto-failover"] ?? true,
      "basic-auth-user": peer["basic-auth-user"] ?? "",
    };
    const password = peer["basic-auth-password"];
    if (typeof password === "string") {
      const declared = declaredPasswords[name];
      shown["basic-auth-password"] = declared === undefined ? SECRET_SET : declared === password ? SECRET_AS_DECLARED : SECRET_DIFFERENT;
    }
    if (peer["basic-auth-password-file"] !== undefined) shown["basic-auth-password-file"] = peer["basic-auth-password-file"]!;
    const peerTls = tlsOf(peer);
    if (Object.keys(peerTls).length > 0) shown.tls = peerTls;
    peers[name] = shown;
  }
  out.peers = peers;
  return out;
}

function tlsOf(entry: JsonObject): JsonObject {
  const tls: JsonObject = {};
  for (const key of ["trust-anchor", "cert-file", "key-file"]) if (entry[key] !== undefined) tls[key] = entry[key]!;
  return tls;
}

/** The declared password of each peer, by name, to classify the live ones without showing them. */
export function declaredPasswords(spec: { peers: ReadonlyArray<{ name: string; basicAuthPassword?: string }> }): Record<string, string | undefined> {
  return Object.fromEntries(spec.peers.map((peer) => [peer.name, peer.basicAuthPassword]));
}

/**
 * A live entry in the program's terms, for refresh. Connection settings (api, configPath, hooksDirectory)
 * are not in Kea's configuration: they come from the stored spec, matched by peer name.
 */
export function settingsFromEntry(entry: JsonObject, stored: KeaRelationship): Pick<KeaRelationship, "peers" | "kea"> {
  const number = (key: string, fallback: number) => (typeof entry[key] === "number" ? (entry[key] as number) : fallback);
  const flag = (key: string, fallback: boolean) => (typeof entry[key] === "boolean" ? (entry[key] as boolean) : fallback);
  const mode = (entry.mode as HaMode | undefined) ?? stored.kea.mode;
  const mt = entry["multi-threading"] as JsonObject | undefined;
  const states = ((entry["state-machine"] as JsonObject | undefined)?.states ?? []) as JsonObject[];
  const tls = tlsOf(entry);
  const kea: KeaSettings = {
    mode,
    heartbeatDelay: number("heartbeat-delay", 10_000),
    maxResponseDelay: number("max-response-delay", 60_000),
    maxAckDelay: number("max-ack-delay", 10_000),
    maxUnackedClients: number("max-unacked-clients", 10),
    maxRejectedLeaseUpdates: stored.kea.maxRejectedLeaseUpdates === undefined ? undefined : number("max-rejected-lease-updates", 10),
    delayedUpdatesLimit: stored.kea.delayedUpdatesLimit === undefined ? undefined : number("delayed-updates-limit", mode === "load-balancing" ? 100 : 0),
    sendLeaseUpdates: flag("send-lease-updates", true),
    syncLeases: flag("sync-leases", true),
    syncTimeout: number("sync-timeout", 60_000),
    syncPageLimit: number("sync-page-limit", 10_000),
    waitBackupAck: flag("wait-backup-ack", false),
    multiThreading:
      stored.kea.multiThreading === undefined || !mt
        ? undefined
        : {
            enableMultiThreading: mt["enable-multi-threading"] === true,
            httpDedicatedListener: mt["http-dedicated-listener"] === true,
            httpListenerThreads: typeof mt["http-listener-threads"] === "number" ? mt["http-listener-threads"] : 0,
            httpClientThreads: typeof mt["http-client-threads"] === "number" ? mt["http-client-threads"] : 0,
          },
    statePauses:
      states.length === 0 && stored.kea.statePauses === undefined
        ? undefined
        : Object.fromEntries(states.map((s) => [String(s.state), String(s.pause ?? "never")])),
    tls:
      Object.keys(tls).length === 0
        ? undefined
        : {
            trustAnchor: tls["trust-anchor"] as string | undefined,
            certFile: tls["cert-file"] as string | undefined,
            keyFile: tls["key-file"] as string | undefined,
            requireClientCerts: flag("require-client-certs", true),
          },
    restrictCommands: stored.kea.restrictCommands === undefined ? undefined : flag("restrict-commands", false),
    waitSeconds: stored.kea.waitSeconds,
  } as KeaSettings;
  const livePeers = (entry.peers ?? []) as JsonObject[];
  const peers = livePeers.flatMap((live): KeaPeer[] => {
    const known = stored.peers.find((p) => p.name === live.name);
    if (!known) return [];
    const peerTls = tlsOf(live);
    return [
      {
        ...known,
        url: String(live.url ?? known.url),
        role: (live.role as Role | undefined) ?? known.role,
        autoFailover: live["auto-failover"] !== false,
        basicAuthUser: typeof live["basic-auth-user"] === "string" && live["basic-auth-user"] !== "" ? live["basic-auth-user"] : undefined,
        basicAuthPassword: typeof live["basic-auth-password"] === "string" ? live["basic-auth-password"] : undefined,
        tls:
          Object.keys(peerTls).length === 0
            ? undefined
            : { trustAnchor: peerTls["trust-anchor"] as string | undefined, certFile: peerTls["cert-file"] as string | undefined, keyFile: peerTls["key-file"] as string | undefined },
      },
    ];
  });
  return { peers, kea };
}
