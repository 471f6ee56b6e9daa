/**
 * Subnets in a Kea DHCPv4 configuration, wherever they are declared (subnet4, or a shared network's
 * subnet4), found by prefix; and the marks this library leaves in a subnet's user-context. Pure.
 */
import { deepEqual } from "../../provider/differences";
import type { Json } from "../backend";
import { clone, dhcp4, MARK, type KeaConfig } from "./configEdit";
import type { JsonObject } from "./haConfig";
import { comparablePools } from "./poolSplit";

export interface SubnetAt {
  subnet: JsonObject;
  /** The shared network holding it, if any. */
  sharedNetwork?: string;
}

/** "10.0.0.0/24" however it was written (Kea keeps the text as given). */
export function canonicalPrefix(text: string): string {
  const [address, prefix] = text.trim().split("/");
  return `${(address ?? "").trim()}/${Number(prefix)}`;
}

export function allSubnets(config: KeaConfig): SubnetAt[] {
  const root = dhcp4(config);
  const found: SubnetAt[] = ((root.subnet4 ?? []) as JsonObject[]).map((subnet) => ({ subnet }));
  for (const network of (root["shared-networks"] ?? []) as JsonObject[]) {
    for (const subnet of (network.subnet4 ?? []) as JsonObject[]) found.push({ subnet, sharedNetwork: String(network.name) });
  }
  return found;
}

export function findSubnet(config: KeaConfig, prefix: string): SubnetAt | undefined {
  const wanted = canonicalPrefix(prefix);
  return allSubnets(config).find((at) => typeof at.subnet.subnet === "string" && canonicalPrefix(at.subnet.subnet) === wanted);
}

function listHolding(config: KeaConfig, prefix: string): JsonObject[] | undefined {
  const root = dhcp4(config);
  const wanted = canonicalPrefix(prefix);
  const lists = [(root.subnet4 ?? []) as JsonObject[], ...((root["shared-networks"] ?? []) as JsonObject[]).map((n) => (n.subnet4 ?? []) as JsonObject[])];
  return lists.find((list) => list.some((s) => typeof s.subnet === "string" && canonicalPrefix(s.subnet) === wanted));
}

/** Replaces the subnet in place (same list, same position). */
export function replaceSubnet(config: KeaConfig, prefix: string, subnet: JsonObject): KeaConfig {
  const next = clone(config);
  const list = listHolding(next, prefix);
  if (!list) throw new Error(`subnet ${prefix} is not in the configuration`);
  const index = list.findIndex((s) => typeof s.subnet === "string" && canonicalPrefix(s.subnet) === canonicalPrefix(prefix));
  list[index] = clone(subnet);
  return next;
}

export function removeSubnet(config: KeaConfig, prefix: string): KeaConfig {
  const next = clone(config);
  const list = listHolding(next, prefix);
  if (!list) return config;
  const index = list.findIndex((s) => typeof s.subnet === "string" && canonicalPrefix(s.subnet) === canonicalPrefix(prefix));
  list.splice(index, 1);
  return next;
}

/**
 * Adds a subnet copied from another server, in the shared network of the same name when the source had
 * one (created here from the source's definition, without its other subnets, if this server lacks it).
 * Refuses a subnet id this server already uses for another prefix: leases name subnets by id.
 */
export function insertSubnet(config: KeaConfig, from: SubnetAt, sourceNetwork: JsonObject | undefined): KeaConfig {
  const prefix = String(from.subnet.subnet);
  const clash = allSubnets(config).find((at) => at.subnet.id === from.subnet.id && at.subnet.id !== undefined);
  if (clash) {
    throw new Error(
      `subnet id ${String(from.subnet.id)} is already used here by ${String(clash.subnet.subnet)}: Kea HA needs ${prefix} to have the same id on every peer ` +
        `(leases carry the subnet id): renumber one of them by hand first`,
    );
  }
  const next = clone(config);
  const root = dhcp4(next);
  if (from.sharedNetwork === undefined) {
    root.subnet4 = [...((root.subnet4 ?? []) as JsonObject[]), clone(from.subnet)];
    return next;
  }
  const networks = (root["shared-networks"] ?? []) as JsonObject[];
  root["shared-networks"] = networks;
  let network = networks.find((n) => n.name === from.sharedNetwork);
  if (!network) {
    network = { ...clone(sourceNetwork ?? { name: from.sharedNetwork }), subnet4: [] };
    networks.push(network);
  }
  network.subnet4 = [...((network.subnet4 ?? []) as JsonObject[]), clone(from.subnet)];
  return next;
}

export function sharedNetwork(config: KeaConfig, name: string): JsonObject | undefined {
  return ((dhcp4(config)["shared-networks"] ?? []) as JsonObject[]).find((n) => n.name === name);
}

/** This library's mark on a subnet, if any. */
export function subnetMark(subnet: JsonObject): JsonObject | undefined {
  const mark = (subnet["user-context"] as JsonObject | undefined)?.[MARK];
  return mark !== null && typeof mark === "object" && !Array.isArray(mark) ? (mark as JsonObject) : undefined;
}

/** Sets (or with undefined, removes) the mark; a user-context left empty by the removal goes too. */
export function withSubnetMark(subnet: JsonObject, mark: JsonObject | undefined): JsonObject {
  const next = clone(subnet);
  const context = { ...((next["user-context"] as JsonObject | undefined) ?? {}) };
  if (mark === undefined) delete context[MARK];
  else context[MARK] = mark;
  if (Object.keys(context).length === 0) delete next["user-context"];
  else next["user-context"] = context;
  return next;
}

/** Sets or removes a user-context key such as ha-server-name, dropping a user-context left empty. */
export function withContextValue(subnet: JsonObject, key: string, value: Json | undefined): JsonObject {
  const next = clone(subnet);
  const context = { ...((next["user-context"] as JsonObject | undefined) ?? {}) };
  if (value === undefined) delete context[key];
  else context[key] = value;
  if (Object.keys(context).length === 0) delete next["user-context"];
  else next["user-context"] = context;
  return next;
}

/** A subnet's definition without this library's marks, for comparing the copies on two servers. */
function definition(subnet: JsonObject): JsonObject {
  const bare = withSubnetMark(subnet, undefined);
  if (Array.isArray(bare.pools)) {
    bare.pools = (bare.pools as JsonObject[]).map((pool) => {
      const context = { ...((pool["user-context"] as JsonObject | undefined) ?? {}) };
      delete context[MARK];
      const copy = { ...pool };
      if (Object.keys(context).length === 0) delete copy["user-context"];
      else copy["user-context"] = context;
      return copy;
    });
  }
  return bare;
}

/** What differs between two copies of a subnet, as the top-level keys that differ ("pools", "option-data"...). */
export function subnetDifferences(source: JsonObject, copy: JsonObject): string[] {
  const a = definition(source);
  const b = definition(copy);
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.filter((key) => !deepEqual(a[key], b[key])).map((key) => (key === "pools" ? `pools (${describePools(a.pools)} vs ${describePools(b.pools)})` : key));
}

function describePools(pools: Json | undefined): string {
  if (!Array.isArray(pools)) return "none";
  return comparablePools(pools as JsonObject[])
    .map((p) => {
      const pool = p as JsonObject;
      return Array.isArray(pool["client-classes"]) ? `${String(pool.pool)} ${pool["client-classes"].join(",")}` : String(pool.pool);
    })
    .join(", ");
}
