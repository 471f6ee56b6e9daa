/**
 * The changes this library makes to a dhcpd.conf, each a structural edit of the parsed tree (never text
 * substitution). Micetro's rules for peers and pools live here.
 */
import type { BlockStatement, Conf, SubnetCopy } from "./conf";
import {
  createFailoverPeer,
  extractSubnet,
  findFailoverPeer,
  findFailoverPeers,
  findSubnet,
  listPoolPeers,
  listPools,
  poolFailoverPeer,
  putSubnet,
  removeFailoverPeer,
  removeSubnet,
  replaceFailoverPeer,
  setPoolFailoverPeer,
} from "./conf";
import type { IscEdit } from "./commit";
import { peerSpecFor, type Side } from "./peerSpec";
import type { IscMembership, IscRelationship } from "./schema";
import { cidrOf, networkOf } from "./scopes";

/** Marks a subnet this library copied to a partner, so that removing the membership can take it away again. */
export const COPY_MARKER = "copied by pulumi-dhcp-failover";

export function isCopiedByUs(subnet: BlockStatement): boolean {
  return subnet.leading.includes(COPY_MARKER);
}

/** Removal keeps comments (they may be someone's notes); ours goes first, so the file returns to its bytes. */
function unmarkCopied(subnet: BlockStatement): void {
  subnet.leading = subnet.leading.replace(new RegExp(`[ \\t]*# ${COPY_MARKER}[^\\n]*\\n`), "");
}

function markCopied(subnet: BlockStatement, from: string, peer: string): void {
  if (isCopiedByUs(subnet)) return;
  const indent = /[ \t]*$/.exec(subnet.leading)?.[0] ?? "";
  const body = subnet.leading.slice(0, subnet.leading.length - indent.length);
  subnet.leading = `${body}${indent}# ${COPY_MARKER} from ${from} for failover peer "${peer}"\n${indent}`;
}

function isReferenced(conf: Conf, peer: string): boolean {
  return listPoolPeers(conf).some((p) => p.peer === peer);
}

/**
 * dhcpd refuses a peer no pool refers to, so a peer left without pools is removed with them (Micetro's
 * "the failover peer will be deleted"); it is written again by the next membership that adds a pool.
 */
function removeUnreferencedPeers(conf: Conf, candidates: Iterable<string | null>, server: string): string[] {
  const warnings: string[] = [];
  for (const peer of new Set(candidates)) {
    if (peer === null || isReferenced(conf, peer) || !findFailoverPeer(conf, peer)) continue;
    removeFailoverPeer(conf, peer);
    warnings.push(`${server}: failover peer "${peer}" is now used by no pool, so its declaration was removed (dhcpd refuses a peer without pools); the next membership of "${peer}" writes it again`);
  }
  return warnings;
}

/** Message for a relationship that exists in the program and state only, until a pool refers to it. */
export function notWrittenYet(spec: Pick<IscRelationship, "name">, server: string): string {
  return `${server}: failover peer "${spec.name}" is declared but not written yet: dhcpd refuses a peer that no pool refers to; the first FailoverScopeMembership writes it`;
}

/**
 * Writes this side's peer block where it can exist: rewritten where it is, created where pools already
 * refer to it, or created with every unclaimed pool when it is the server's first peer and claimAllPools
 * is set. Otherwise nothing is written (see notWrittenYet).
 */
export function putPeer(spec: IscRelationship, side: Side, options: { claimAllPools: boolean }): IscEdit {
  const server = spec[side].name;
  return {
    describe: `write failover peer "${spec.name}" (${side})`,
    apply(conf) {
      const peer = peerSpecFor(spec, side);
      if (findFailoverPeer(conf, spec.name)) {
        replaceFailoverPeer(conf, peer);
        return [];
      }
      if (isReferenced(conf, spec.name)) {
        createFailoverPeer(conf, peer);
        return [];
      }
      const firstPeer = findFailoverPeers(conf).length === 0;
      const unclaimed = listPoolPeers(conf).filter((p) => p.peer === null);
      if (!options.claimAllPools || !firstPeer || unclaimed.length === 0) return [notWrittenYet(spec, server)];
      createFailoverPeer(conf, peer);
      for (const pool of unclaimed) setPoolFailoverPeer(conf, pool.pool, spec.name);
      return [`${server}: "${spec.name}" is the server's first failover peer: ${unclaimed.length} pool(s) now refer to it (claimAllPools)`];
    },
  };
}

/**
 * Removes this side's peer block. Pools that refer to it lose the reference when it was the last peer,
 * move to the remaining peer when exactly one is left, and move to `reassignPoolsTo` when several are.
 */
export function removePeer(spec: IscRelationship, side: Side): IscEdit {
  const server = spec[side].name;
  return {
    describe: `remove failover peer "${spec.name}" (${side})`,
    apply(conf) {
      if (!findFailoverPeer(conf, spec.name)) return [];
      const others = findFailoverPeers(conf).map((p) => p.name).filter((name) => name !== spec.name);
      const referencing = listPoolPeers(conf).filter((p) => p.peer === spec.name);
      const warnings: string[] = [];
      if (referencing.length > 0) {
        const target = reassignmentTarget(spec, others, referencing.length, server);
        for (const pool of referencing) setPoolFailoverPeer(conf, pool.pool, target);
        warnings.push(
          target === null
            ? `${server}: ${referencing.length} pool(s) no longer refer to a failover peer ("${spec.name}" was the last one)`
            : `${server}: ${referencing.length} pool(s) of "${spec.name}" now refer to "${target}"`,
        );
      }
      removeFailoverPeer(conf, spec.name);
      return warnings;
    },
  };
}

export function reassignmentTarget(spec: IscRelationship, others: string[], pools: number, server: string): string | null {
  if (others.length === 0) return null;
  if (others.length === 1) return others[0]!;
  if (spec.reassignPoolsTo !== undefined && others.includes(spec.reassignPoolsTo)) return spec.reassignPoolsTo;
  throw new Error(
    `${pools} pool(s) on ${server} refer to "${spec.name}" and ${others.length} other failover peers remain (${others.map((o) => `"${o}"`).join(", ")}): ` +
      "set reassignPoolsTo on the relationship to the one that takes them over, run pulumi up, then remove it",
  );
}

/** The pools a membership covers, by index, checked against the subnet as it is on this server. */
function selectedPools(subnet: BlockStatement, membership: IscMembership, server: string): BlockStatement[] {
  const pools = listPools(subnet);
  if (pools.length === 0) {
    throw new Error(`subnet ${membership.scope} on ${server} has no pool: failover applies to pools; add a pool { range ...; } to it`);
  }
  if (!membership.pools) return pools;
  return membership.pools.map((index) => {
    const pool = pools[index];
    if (!pool) throw new Error(`pools[${index}]: subnet ${membership.scope} on ${server} has ${pools.length} pool(s) (indices 0 to ${pools.length - 1})`);
    return pool;
  });
}

/**
 * Makes the membership's pools refer to the relationship's peer on one server. Where the subnet is missing
 * (the partner), it is first copied from the primary, with its hosts: failover needs the scope on both.
 */
export function joinPools(membership: IscMembership, side: Side, copyFrom: { copy: SubnetCopy; server: string } | undefined): IscEdit {
  const relationship = membership.relationship;
  const server = relationship[side].name;
  const peer = relationship.name;
  return {
    describe: `add subnet ${membership.scope} to failover peer "${peer}"`,
    apply(conf) {
      if (!findFailoverPeer(conf, peer)) createFailoverPeer(conf, peerSpecFor(relationship, side));
      const { network, netmask } = networkOf(membership.scope);
      const warnings: string[] = [];
      let ref = findSubnet(conf, network, netmask);
      if (!ref) {
        if (!copyFrom) throw new Error(`subnet ${membership.scope} is not declared on ${server}: declare it there first`);
        putSubnet(conf, copyFrom.copy);
        ref = findSubnet(conf, network, netmask)!;
        markCopied(ref.subnet, copyFrom.server, peer);
        warnings.push(`${server}: subnet ${membership.scope} was copied from ${copyFrom.server} (failover needs the scope on both peers)`);
      }
      const previous: Array<string | null> = [];
      for (const pool of selectedPools(ref.subnet, membership, server)) {
        previous.push(poolFailoverPeer(pool));
        setPoolFailoverPeer(conf, pool, peer);
      }
      return [...warnings, ...removeUnreferencedPeers(conf, previous, server)];
    },
  };
}

/** Takes the membership's pools out of failover on one server; on the partner, removes our copy if asked. */
export function leavePools(membership: IscMembership, side: Side, options: { pools?: number[]; removeCopy: boolean }): IscEdit {
  const relationship = membership.relationship;
  const server = relationship[side].name;
  const peer = relationship.name;
  return {
    describe: `take subnet ${membership.scope} out of failover peer "${peer}"`,
    apply(conf) {
      const { network, netmask } = networkOf(membership.scope);
      const ref = findSubnet(conf, network, netmask);
      if (!ref) return [];
      const pools = listPools(ref.subnet);
      const indices = options.pools ?? pools.map((_, index) => index);
      for (const index of indices) {
        const pool = pools[index];
        if (pool && poolFailoverPeer(pool) === peer) setPoolFailoverPeer(conf, pool, null);
      }
      const warnings: string[] = [];
      if (options.removeCopy && isCopiedByUs(ref.subnet)) {
        unmarkCopied(ref.subnet);
        removeSubnet(conf, network, netmask);
        warnings.push(`${server}: removed the copy of subnet ${membership.scope} this library had made`);
      }
      return [...warnings, ...removeUnreferencedPeers(conf, [peer], server)];
    },
  };
}

/** A membership's removal: its pools leave on both servers; the copy on the partner goes unless partnerCopy is "keep". */
export function membershipRemoval(membership: IscMembership): Record<Side, IscEdit> {
  const pools = membership.pools ? { pools: membership.pools } : {};
  return {
    primary: leavePools(membership, "primary", { ...pools, removeCopy: false }),
    secondary: leavePools(membership, "secondary", { ...pools, removeCopy: membership.partnerCopy === "delete" }),
  };
}

/** Replaces the partner's declaration of a subnet (and its hosts) with the source's. */
export function copySubnet(copy: SubnetCopy, from: string, to: string, peer: string): IscEdit {
  const scope = cidrOf(copy.network, copy.netmask);
  return {
    describe: `copy subnet ${scope} from ${from}`,
    apply(conf) {
      const existing = findSubnet(conf, copy.network, copy.netmask);
      const wasOurs = existing !== undefined && isCopiedByUs(existing.subnet);
      const result = putSubnet(conf, copy);
      if (wasOurs || !existing) markCopied(findSubnet(conf, copy.network, copy.netmask)!.subnet, from, peer);
      const hosts = [...result.hostsAdded, ...result.hostsReplaced];
      const what = existing ? `replaced by ${from}'s` : `copied from ${from}, where it was missing`;
      return [`${to}: subnet ${scope} ${what}${hosts.length > 0 ? `, with host(s) ${hosts.join(", ")}` : ""}`];
    },
  };
}

export { extractSubnet };
