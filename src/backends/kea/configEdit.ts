/**
 * Edits of a server's running configuration (config-get's answer), limited to what this library owns: the
 * two hook libraries it adds, the HA relationship entries it writes. Whatever else the configuration holds
 * passes through untouched. Everything it adds carries the MARK key, so that removal takes away exactly
 * what was added and the server gets back the configuration it had. Pure.
 */
import type { Json } from "../backend";
import type { JsonObject } from "./haConfig";
import { listenerClashes } from "./listeners";
import { haFeatures, type KeaVersion } from "./version";

/** The key under which this library marks what it added ("parameters" of a hook library, "user-context" elsewhere). */
export const MARK = "pulumi-dhcp-failover";

export const LEASE_CMDS = "libdhcp_lease_cmds.so";
export const HA_LIBRARY = "libdhcp_ha.so";

export type KeaConfig = JsonObject;

export function dhcp4(config: KeaConfig): JsonObject {
  const root = config.Dhcp4;
  if (root === null || typeof root !== "object" || Array.isArray(root)) throw new Error("the configuration has no Dhcp4 object: is this a DHCPv4 server?");
  return root;
}

export function clone<T extends Json>(value: T): T {
  return structuredClone(value);
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

export function libraries(config: KeaConfig): JsonObject[] {
  return ((dhcp4(config)["hooks-libraries"] ?? []) as JsonObject[]).filter((entry) => entry !== null && typeof entry === "object");
}

export function findLibrary(config: KeaConfig, file: string): JsonObject | undefined {
  return libraries(config).find((entry) => typeof entry.library === "string" && baseName(entry.library) === file);
}

/** Every HA relationship entry the server holds (one on Kea < 2.6). */
export function relationships(config: KeaConfig): JsonObject[] {
  const ha = findLibrary(config, HA_LIBRARY);
  const list = (ha?.parameters as JsonObject | undefined)?.["high-availability"];
  return Array.isArray(list) ? (list as JsonObject[]) : [];
}

export function relationshipOf(config: KeaConfig, thisServerName: string): JsonObject | undefined {
  return relationships(config).find((entry) => entry["this-server-name"] === thisServerName);
}

/** The directory a library already loads from, so that added libraries come from the same place. */
export function loadedHooksDirectory(config: KeaConfig): string | undefined {
  const library = libraries(config).find((entry) => typeof entry.library === "string" && entry.library.startsWith("/"));
  return library ? (library.library as string).slice(0, (library.library as string).lastIndexOf("/")) : undefined;
}

function addedMark(owner: string): JsonObject {
  return { [MARK]: { "added-by": owner } };
}

function isMarked(entry: JsonObject | undefined): boolean {
  const parameters = entry?.parameters;
  return parameters !== null && typeof parameters === "object" && !Array.isArray(parameters) && MARK in parameters;
}

/**
 * Puts the relationship entry in place on this server (replacing one with the same this-server-name),
 * loading libdhcp_lease_cmds and libdhcp_ha first where they are absent.
 */
export function putRelationship(config: KeaConfig, entry: JsonObject, options: { owner: string; hooksDirectory?: string }): KeaConfig {
  const next = clone(config);
  const root = dhcp4(next);
  const hooks = (root["hooks-libraries"] ?? []) as JsonObject[];
  root["hooks-libraries"] = hooks;
  const directory = () => {
    const dir = options.hooksDirectory ?? loadedHooksDirectory(next);
    if (!dir) throw new Error("cannot tell where the server's hook libraries are: set hooksDirectory on this peer");
    return dir.replace(/\/+$/, "");
  };
  let ha = findLibrary(next, HA_LIBRARY);
  if (!findLibrary(next, LEASE_CMDS)) {
    // lease_cmds before HA: HA's lease updates call its commands.
    const lease: JsonObject = { library: `${directory()}/${LEASE_CMDS}`, parameters: addedMark(options.owner) };
    const at = ha ? hooks.indexOf(ha) : hooks.length;
    hooks.splice(at, 0, lease);
  }
  if (!ha) {
    ha = { library: `${directory()}/${HA_LIBRARY}`, parameters: { "high-availability": [], ...addedMark(options.owner) } };
    hooks.push(ha);
  }
  const parameters = (ha.parameters ?? {}) as JsonObject;
  ha.parameters = parameters;
  const list = (Array.isArray(parameters["high-availability"]) ? parameters["high-availability"] : []) as JsonObject[];
  parameters["high-availability"] = list;
  const index = list.findIndex((e) => e["this-server-name"] === entry["this-server-name"]);
  if (index >= 0) list[index] = clone(entry);
  else list.push(clone(entry));
  return next;
}

/**
 * Removes the relationship entry. When no relationship is left the HA library goes (Kea cannot load it with
 * none), and libdhcp_lease_cmds goes too if this library added it.
 */
export function removeRelationship(config: KeaConfig, thisServerName: string): KeaConfig {
  if (!relationshipOf(config, thisServerName)) return config;
  const next = clone(config);
  const ha = findLibrary(next, HA_LIBRARY)!;
  const parameters = ha.parameters as JsonObject;
  const list = (parameters["high-availability"] as JsonObject[]).filter((e) => e["this-server-name"] !== thisServerName);
  parameters["high-availability"] = list;
  if (list.length > 0) return next;
  const lease = findLibrary(next, LEASE_CMDS);
  dhcp4(next)["hooks-libraries"] = libraries(next).filter((entry) => entry !== ha && !(entry === lease && isMarked(lease)));
  return next;
}

/**
 * What Kea itself would refuse (or silently misread) in the HA part of a whole server configuration;
 * with the server's api.url, also the listeners that would clash at config-set.
 */
export function haProblems(config: KeaConfig, version: KeaVersion, apiUrl?: string): string[] {
  const problems: string[] = [];
  const entries = relationships(config);
  const features = haFeatures(version);
  if (findLibrary(config, HA_LIBRARY) && entries.length === 0) problems.push("libdhcp_ha is loaded with no relationship: Kea refuses that");
  if (entries.length > 1) {
    if (!features.severalRelationships) {
      problems.push(
        `Kea ${version.text} runs one HA relationship per server, and this change would give it ${entries.length} ` +
          `(${entries.map((e) => String(e["this-server-name"])).join(", ")}): several relationships (hub-and-spoke) need Kea 2.6 or later`,
      );
    }
    const notHotStandby = entries.filter((e) => e.mode !== "hot-standby");
    if (notHotStandby.length > 0) {
      problems.push(
        `several relationships on one server must all be hot-standby, but ${notHotStandby.map((e) => `${String(e["this-server-name"])} is ${String(e.mode)}`).join(", ")}`,
      );
    }
  }
  const seen = new Map<string, string>();
  for (const entry of entries) {
    const self = String(entry["this-server-name"]);
    if (!((entry.peers ?? []) as JsonObject[]).some((peer) => peer.name === self)) {
      problems.push(`the relationship of ${self} does not list ${self} among its peers`);
    }
    for (const peer of (entry.peers ?? []) as JsonObject[]) {
      const name = String(peer.name);
      const other = seen.get(name);
      if (other !== undefined && other !== self) problems.push(`peer name ${name} appears in two relationships (${other} and ${self}): Kea needs peer names unique on a server`);
      seen.set(name, self);
    }
  }
  if (apiUrl !== undefined) problems.push(...listenerClashes(entries, dhcp4(config), version, apiUrl));
  return problems;
}

/** True when the server runs HA with a dedicated listener, which config-test would break on affected versions. */
export function configTestUnsafe(config: KeaConfig, version: KeaVersion): boolean {
  const features = haFeatures(version);
  if (!features.listenerBug) return false;
  return relationships(config).some((entry) => {
    const mt = (entry["multi-threading"] ?? {}) as JsonObject;
    const enabled = (mt["enable-multi-threading"] ?? features.multiThreadingDefault) === true;
    const listener = (mt["http-dedicated-listener"] ?? features.multiThreadingDefault) === true;
    return enabled && listener;
  });
}
