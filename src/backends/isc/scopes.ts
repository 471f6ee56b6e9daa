import { findFailoverPeers, listPoolPeers, readFailoverPeer, type Conf } from "./conf";
import type { IscReplication } from "./schema";

/** "10.231.11.0/24" <-> the network and netmask dhcpd.conf writes. */
export function networkOf(cidr: string): { network: string; netmask: string } {
  const [network, prefixText] = cidr.split("/") as [string, string];
  const prefix = Number(prefixText);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const netmask = [24, 16, 8, 0].map((shift) => (mask >>> shift) & 0xff).join(".");
  return { network, netmask };
}

export function cidrOf(network: string, netmask: string): string {
  const prefix = netmask.split(".").reduce((bits, octet) => bits + (Number(octet) >>> 0).toString(2).replace(/0/g, "").length, 0);
  return `${network}/${prefix}`;
}

/**
 * The subnets a ReplicationTrigger copies from the source's config: the named ones (scope level), those
 * with a pool of the relationship's peer (relationship level), or those with a pool of any peer whose
 * partner is the trigger's partner (server level).
 */
export function replicationScopes(source: Conf, spec: Pick<IscReplication, "level" | "scopes" | "relationship">, partnerAddress: string): string[] {
  if (spec.level === "scope") return spec.scopes ?? [];
  const peers =
    spec.level === "relationship"
      ? new Set([spec.relationship.name])
      : new Set(findFailoverPeers(source).filter((p) => readFailoverPeer(p.block).settings.peerAddress === partnerAddress).map((p) => p.name));
  const scopes = listPoolPeers(source)
    .filter((pool) => pool.peer !== null && peers.has(pool.peer) && pool.subnet !== null)
    .map((pool) => cidrOf(pool.subnet!.network, pool.subnet!.netmask));
  return [...new Set(scopes)];
}
