/**
 * A subnet's membership of an HA relationship, as edits of one server's configuration: the primary's
 * definition with pools split (load-balancing) or whole, ha-server-name on Kea 2.6+ (hub-and-spoke), the
 * copy a peer without the subnet receives, and the way back. Marks in the subnet's user-context record
 * what was added, so that leaving gives back what was there. Pure.
 */
import type { Json } from "../backend";
import type { KeaConfig } from "./configEdit";
import type { JsonObject } from "./haConfig";
import { comparablePools, isSplitPart, mergePools, poolClasses, splitPools } from "./poolSplit";
import type { KeaTarget, KeaTargetPeer } from "./schema";
import { findSubnet, insertSubnet, removeSubnet, replaceSubnet, subnetMark, withContextValue, withSubnetMark, type SubnetAt } from "./subnets";
import { haFeatures, type KeaVersion } from "./version";

export const HA_SERVER_NAME = "ha-server-name";

export function primaryOf(target: Pick<KeaTarget, "peers">): KeaTargetPeer {
  return target.peers.find((p) => p.role === "primary")!;
}

/** The two servers whose classes share the pools in load-balancing: the primary's half first. */
function splitServers(target: KeaTarget): [string, string] {
  const secondary = target.peers.find((p) => p.role === "secondary");
  return [primaryOf(target).name, secondary?.name ?? primaryOf(target).name];
}

export function poolsOf(subnet: JsonObject): JsonObject[] {
  return (subnet.pools ?? []) as JsonObject[];
}

/** Pools split by hand between HA classes cannot be merged back: refuse rather than guess the original. */
function handSplit(pools: readonly JsonObject[]): string | undefined {
  const pool = pools.find((p) => !isSplitPart(p) && poolClasses(p).some((name) => name.startsWith("HA_")));
  return pool ? String(pool.pool) : undefined;
}

function refuseHandSplit(subnet: JsonObject, where: string): void {
  const manual = handSplit(poolsOf(subnet));
  if (manual) {
    throw new Error(
      `on ${where}, pool ${manual} of ${String(subnet.subnet)} is already limited to an HA_ class by hand: give it back its whole range ` +
        "without a class, and the membership splits it itself",
    );
  }
}

/** The subnet as every peer should hold it, from the primary's: pools split or whole, ha-server-name on 2.6+. */
export function desiredSubnet(source: JsonObject, target: KeaTarget, version: KeaVersion): JsonObject {
  const primary = primaryOf(target);
  refuseHandSplit(source, primary.name);
  const pools = target.mode === "load-balancing" ? splitPools(poolsOf(source), splitServers(target), version) : mergePools(poolsOf(source));
  let desired = withSubnetMark({ ...source, pools }, undefined);
  if (haFeatures(version).severalRelationships) desired = withContextValue(desired, HA_SERVER_NAME, primary.name);
  return desired;
}

export interface JoinOptions {
  relationship: string;
  /** The peer the copy comes from, for the mark of a copy. */
  primary: string;
  /** Where the primary holds the subnet, and the definition of its shared network, for a copy. */
  source: SubnetAt;
  sourceNetwork: JsonObject | undefined;
  adopt: boolean;
  /** This server's name, for messages. */
  where: string;
}

/**
 * Makes the server's copy of the subnet match `desired` in what a membership owns (pools, ha-server-name),
 * or adds the whole desired subnet when the server lacks it.
 */
export function joinSubnet(config: KeaConfig, desired: JsonObject, options: JoinOptions): KeaConfig {
  const scope = String(desired.subnet);
  const here = findSubnet(config, scope);
  if (!here) {
    const copy = withSubnetMark(desired, { relationship: options.relationship, "copied-from": options.primary });
    return insertSubnet(config, { subnet: copy, sharedNetwork: options.source.sharedNetwork }, options.sourceNetwork);
  }
  if (here.subnet.id !== desired.id) {
    throw new Error(
      `${scope} has id ${String(here.subnet.id)} here and ${String(desired.id)} on ${options.primary}: Kea HA needs the same id on every peer ` +
        "(leases carry it): renumber it by hand first",
    );
  }
  refuseHandSplit(here.subnet, options.where);
  const previousMark = subnetMark(here.subnet);
  const ours = previousMark?.relationship === options.relationship;
  const mark: JsonObject = ours ? { ...previousMark } : { relationship: options.relationship };
  let next: JsonObject = { ...here.subnet, pools: structuredClone(desired.pools ?? []) };
  const wanted = (desired["user-context"] as JsonObject | undefined)?.[HA_SERVER_NAME];
  if (wanted !== undefined) {
    const existing = (here.subnet["user-context"] as JsonObject | undefined)?.[HA_SERVER_NAME];
    if (!ours) {
      if (existing === undefined) mark["ha-server-name-added"] = true;
      else if (existing !== wanted) {
        if (!options.adopt) {
          throw new Error(`on ${options.where}, ${scope} has ha-server-name ${JSON.stringify(existing)} (another relationship): set adopt: true to move it to this one`);
        }
        mark["previous-ha-server-name"] = existing;
      }
    }
    next = withContextValue(next, HA_SERVER_NAME, wanted);
  }
  return replaceSubnet(config, scope, withSubnetMark(next, mark));
}

/** Gives the subnet back as it was before the membership: whole pools, its own ha-server-name; a copy it made goes. */
export function leaveSubnet(config: KeaConfig, scope: string, options: { relationship: string; partnerCopy: "delete" | "keep" }): KeaConfig {
  const here = findSubnet(config, scope);
  if (!here) return config;
  const mark = subnetMark(here.subnet);
  if (mark && mark.relationship !== options.relationship) return config;
  if (mark?.["copied-from"] !== undefined && options.partnerCopy === "delete") return removeSubnet(config, scope);
  let next: JsonObject = { ...here.subnet, pools: mergePools(poolsOf(here.subnet)) };
  if (mark?.["previous-ha-server-name"] !== undefined) next = withContextValue(next, HA_SERVER_NAME, mark["previous-ha-server-name"]);
  else if (mark?.["ha-server-name-added"] === true) next = withContextValue(next, HA_SERVER_NAME, undefined);
  return replaceSubnet(config, scope, withSubnetMark(next, undefined));
}

/** What a membership owns in a subnet, in the comparable form of a view. */
export function memberView(subnet: JsonObject | undefined, version: KeaVersion): Json | undefined {
  if (!subnet) return undefined;
  const shown: JsonObject = { id: subnet.id ?? null, pools: comparablePools(poolsOf(subnet)) };
  const name = (subnet["user-context"] as JsonObject | undefined)?.[HA_SERVER_NAME];
  if (haFeatures(version).severalRelationships || name !== undefined) shown[HA_SERVER_NAME] = name ?? null;
  return shown;
}
