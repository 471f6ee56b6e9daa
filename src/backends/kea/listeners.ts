/**
 * The HTTP listeners a Kea server's configuration makes it open, and the ones that would clash. From 2.4
 * the HA hook runs multi-threaded by default with a dedicated listener bound to the address and port of
 * the server's own peer url; config-test and `kea-dhcp4 -t` accept a clash, only config-set fails
 * ("CmdHttpListener::run failed: unable to setup TCP acceptor ... Address already in use"), so it is
 * refused here, before anything is written. Pure.
 */
import type { JsonObject } from "./haConfig";
import { haFeatures, type KeaVersion } from "./version";

export interface Listener {
  /** "address:port" */
  at: string;
  /** Who opens it, for messages. */
  what: string;
  /** Only a dedicated HA listener binds a port of its own; an HA relationship without one is served by the control API. */
  dedicated: boolean;
}

function hostOf(hostname: string): string {
  return hostname.replace(/^\[(.*)\]$/, "$1");
}

export function addressOf(url: string): string {
  const parsed = new URL(url);
  return `${hostOf(parsed.hostname)}:${parsed.port || (parsed.protocol === "https:" ? "443" : "80")}`;
}

const WILDCARDS = new Set(["0.0.0.0", "::"]);

function overlaps(a: string, b: string): boolean {
  const split = (at: string) => [at.slice(0, at.lastIndexOf(":")), at.slice(at.lastIndexOf(":") + 1)] as const;
  const [hostA, portA] = split(a);
  const [hostB, portB] = split(b);
  return portA === portB && (hostA === hostB || WILDCARDS.has(hostA) || WILDCARDS.has(hostB));
}

/**
 * Whether this relationship entry runs a dedicated listener on this version: HA multi-threading and the
 * listener on (explicitly or by the version's default), and kea-dhcp4's own multi-threading on, without
 * which the HA hook turns its multi-threading off (ha_config.cc, HA_CONFIG_DHCP_MT_DISABLED).
 */
export function runsDedicatedListener(entry: JsonObject, dhcp4: JsonObject, version: KeaVersion): boolean {
  const features = haFeatures(version);
  const mt = (entry["multi-threading"] ?? {}) as JsonObject;
  const dhcpMt = (dhcp4["multi-threading"] ?? {}) as JsonObject;
  return (
    (mt["enable-multi-threading"] ?? features.multiThreadingDefault) === true &&
    (mt["http-dedicated-listener"] ?? features.multiThreadingDefault) === true &&
    (dhcpMt["enable-multi-threading"] ?? features.dhcpMultiThreadingDefault) === true
  );
}

/** kea-dhcp4's own HTTP control sockets (Kea 3.0's control-sockets list, socket-type http or https). */
function controlSockets(dhcp4: JsonObject): Listener[] {
  const sockets = Array.isArray(dhcp4["control-sockets"]) ? (dhcp4["control-sockets"] as JsonObject[]) : [];
  return sockets
    .filter((socket) => socket["socket-type"] === "http" || socket["socket-type"] === "https")
    .map((socket) => ({
      at: `${hostOf(String(socket["socket-address"] ?? "127.0.0.1"))}:${String(socket["socket-port"] ?? 8000)}`,
      what: "kea-dhcp4's HTTP control socket",
      dedicated: false,
    }));
}

/**
 * Every clash between the listeners of these relationship entries, the server's own HTTP control sockets
 * and its control API (api.url: the Control Agent on 2.x, or the daemon's socket), as messages that say
 * which listeners and what to do.
 */
export function listenerClashes(entries: readonly JsonObject[], dhcp4: JsonObject, version: KeaVersion, apiUrl: string): string[] {
  const api: Listener = { at: addressOf(apiUrl), what: `the control API (api.url ${apiUrl})`, dedicated: false };
  const others = [api, ...controlSockets(dhcp4).filter((socket) => socket.at !== api.at)];
  const dedicated: Listener[] = [];
  for (const entry of entries) {
    if (!runsDedicatedListener(entry, dhcp4, version)) continue;
    const self = ((entry.peers ?? []) as JsonObject[]).find((peer) => peer.name === entry["this-server-name"]);
    if (typeof self?.url !== "string") continue;
    dedicated.push({ at: addressOf(self.url), what: `the dedicated HA listener of ${String(entry["this-server-name"])}`, dedicated: true });
  }
  const problems: string[] = [];
  dedicated.forEach((listener, index) => {
    for (const other of [...others, ...dedicated.slice(0, index)]) {
      if (!overlaps(listener.at, other.at)) continue;
      const fix = other.dedicated
        ? "give each relationship's peer url for this server its own port"
        : "give this server's peer url another port than the control API, or set kea.multiThreading to " +
          "{ enableMultiThreading: true, httpDedicatedListener: false } so that the peers reach each other through the control API";
      problems.push(
        `${listener.what} would bind ${listener.at} on Kea ${version.text} (HA multi-threading and its listener are on by default from 2.4), ` +
          `where ${other.what} listens: Kea would fail at config-set ("Address already in use"): ${fix}`,
      );
    }
  });
  return problems;
}
