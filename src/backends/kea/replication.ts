/**
 * ReplicationTrigger on Kea: copies subnet definitions (pools, options, reservations, everything in the
 * subnet) from the source peer to the others. Kea HA replicates leases, never configuration.
 */
import type { OperationContext } from "../../provider/context";
import type { CheckFailure } from "../../model/validate";
import type { ReplicationOps, ReplicationResult, ScopeSync } from "../backend";
import { submit, type Edit } from "./apply";
import { relationships, type KeaConfig } from "./configEdit";
import type { JsonObject } from "./haConfig";
import type { KeaReplication, KeaTargetPeer } from "./schema";
import { KeaServer } from "./server";
import { allSubnets, canonicalPrefix, findSubnet, insertSubnet, replaceSubnet, sharedNetwork, subnetDifferences, subnetMark, withSubnetMark } from "./subnets";

function sourceOf(spec: KeaReplication): KeaTargetPeer {
  return spec.relationship.peers.find((p) => p.name === spec.source)!;
}

function partnersOf(spec: KeaReplication): KeaTargetPeer[] {
  return spec.relationship.peers.filter((p) => p.name !== spec.source);
}

/**
 * The subnets the trigger covers on the source. At relationship level, on a server with several
 * relationships (hub-and-spoke) that is the subnets whose ha-server-name names one of this relationship's
 * peers; with one relationship, every subnet belongs to it.
 */
export function scopesToCopy(spec: KeaReplication, sourceConfig: KeaConfig): string[] {
  if (spec.level === "scope") return (spec.scopes ?? []).map(canonicalPrefix);
  const subnets = allSubnets(sourceConfig);
  if (spec.level === "relationship" && relationships(sourceConfig).length > 1) {
    const names = new Set(spec.relationship.peers.map((p) => p.name));
    return subnets
      .filter((at) => names.has(String((at.subnet["user-context"] as JsonObject | undefined)?.["ha-server-name"])))
      .map((at) => canonicalPrefix(String(at.subnet.subnet)));
  }
  return subnets.map((at) => canonicalPrefix(String(at.subnet.subnet)));
}

async function compare(ctx: OperationContext, spec: KeaReplication): Promise<ScopeSync> {
  const sourceConfig = await KeaServer.of(ctx, sourceOf(spec)).config();
  const partners = await Promise.all(partnersOf(spec).map(async (peer) => ({ peer, config: await KeaServer.of(ctx, peer).config() })));
  const warnings: string[] = [];
  const scopes = scopesToCopy(spec, sourceConfig).map((scope) => {
    const source = findSubnet(sourceConfig, scope);
    if (!source) {
      warnings.push(`subnet ${scope} is not on the source ${spec.source}: nothing to copy`);
      return { scope, inSync: true, differences: [] };
    }
    const differences = partners.flatMap(({ peer, config }) => {
      const copy = findSubnet(config, scope);
      if (!copy) return [`missing on ${peer.name}`];
      return subnetDifferences(source.subnet, copy.subnet).map((key) => `on ${peer.name}, ${key} differs`);
    });
    return { scope, inSync: differences.length === 0, differences };
  });
  return { scopes, warnings };
}

/** The partner's copy becomes the source's definition; the partner keeps its own mark (what a membership added there). */
function copyEdit(scopes: readonly string[], sourceConfig: KeaConfig, from: string): Edit {
  return {
    what: `copy ${scopes.join(", ")} from ${from}`,
    apply: (config) => {
      let next = config;
      for (const scope of scopes) {
        const source = findSubnet(sourceConfig, scope);
        if (!source) continue;
        const here = findSubnet(next, scope);
        // Pool marks travel with the pools (both peers hold the same split); the subnet's mark is per server.
        const copy = withSubnetMark(source.subnet, here ? subnetMark(here.subnet) : undefined);
        if (here) {
          if (here.subnet.id !== source.subnet.id) {
            throw new Error(`${scope} has id ${String(here.subnet.id)} here and ${String(source.subnet.id)} on ${from}: Kea HA needs the same id on every peer: renumber it by hand first`);
          }
          next = replaceSubnet(next, scope, copy);
        } else {
          const network = source.sharedNetwork ? sharedNetwork(sourceConfig, source.sharedNetwork) : undefined;
          next = insertSubnet(next, { subnet: copy, sharedNetwork: source.sharedNetwork }, network);
        }
      }
      return next;
    },
  };
}

async function replicate(ctx: OperationContext, spec: KeaReplication): Promise<ReplicationResult> {
  const sourceConfig = await KeaServer.of(ctx, sourceOf(spec)).config();
  const scopes = scopesToCopy(spec, sourceConfig);
  const missing = scopes.filter((scope) => !findSubnet(sourceConfig, scope));
  if (missing.length > 0) throw new Error(`${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not on the source ${spec.source}: nothing to copy from there`);
  const copied: string[] = [];
  const failures: string[] = [];
  // Partners one at a time, so that a failure leaves the others as they are and the message says which got the copy.
  for (const peer of partnersOf(spec)) {
    try {
      await submit(ctx, KeaServer.of(ctx, peer), copyEdit(scopes, sourceConfig, spec.source));
      copied.push(peer.name);
    } catch (error) {
      failures.push((error as Error).message);
    }
  }
  if (failures.length > 0) {
    throw new Error(`${failures.join("; ")}${copied.length > 0 ? `. ${copied.join(", ")} received the copy` : ""}: fix the cause and run \`pulumi up\` again`);
  }
  return { replicated: scopes };
}

async function checkLive(ctx: OperationContext, spec: KeaReplication): Promise<CheckFailure[]> {
  if (spec.level !== "scope") return [];
  const sourceConfig = await KeaServer.of(ctx, sourceOf(spec)).config();
  return (spec.scopes ?? [])
    .map((scope, index) => ({ scope, index }))
    .filter(({ scope }) => !findSubnet(sourceConfig, scope))
    .map(({ scope, index }) => ({ property: `scopes[${index}]`, reason: `${scope} is not a subnet on the source ${spec.source}: nothing to copy` }));
}

export const replicationOps: ReplicationOps<KeaReplication> = { checkLive, compare, replicate };
