// Pools and the failover peer each one names.
import type { BlockStatement, Conf } from "./cst";
import { declarationName, isPeerReference, isPool, isSharedNetwork, isSubnet, peerNameOf, subnetAddress } from "./kinds";
import type { Place } from "./layout";
import { ConfValue } from "./quoting";
import { removeIn, setIn } from "./statements";
import { fileOf, walk } from "./walk";

export interface PoolRef {
  pool: BlockStatement;
  /** The peer named by the pool's `failover peer "NAME";`, or null. */
  peer: string | null;
  /** The enclosing subnet, or null for a pool directly in a shared-network. */
  subnet: { network: string; netmask: string } | null;
  sharedNetwork: string | null;
  file: string;
  line: number;
  column: number;
}

/** The pools directly inside a subnet or shared-network, in order. */
export function listPools(scope: BlockStatement): BlockStatement[] {
  return scope.body.filter(isPool);
}

/** The peer a pool names, or null when it names none. */
export function poolFailoverPeer(pool: BlockStatement): string | null {
  const reference = pool.body.find(isPeerReference);
  return reference ? peerNameOf(reference) : null;
}

/** Every pool in the configuration, wherever it is, with the peer it names. */
export function listPoolPeers(conf: Conf): PoolRef[] {
  const pools: PoolRef[] = [];
  for (const { statement, ancestors } of walk(conf)) {
    if (!isPool(statement)) continue;
    const subnet = [...ancestors].reverse().find(isSubnet);
    const sharedNetwork = [...ancestors].reverse().find(isSharedNetwork);
    const first = statement.head[0];
    pools.push({
      pool: statement,
      peer: poolFailoverPeer(statement),
      subnet: subnet ? subnetAddress(subnet) : null,
      sharedNetwork: sharedNetwork ? declarationName(sharedNetwork) : null,
      file: statement.file,
      line: first?.line ?? 0,
      column: first?.column ?? 0,
    });
  }
  return pools;
}

/**
 * Makes the pool name `peer` with one `failover peer "NAME";` (replacing any other, placed first in
 * the pool as dhcpd.conf(5) shows it), or names none when `peer` is null.
 */
export function setPoolFailoverPeer(conf: Conf, pool: BlockStatement, peer: string | null): void {
  const place: Place = { container: pool, owner: pool, file: fileOf(conf, pool) };
  if (peer === null) {
    removeIn(place, ["failover", "peer"]);
    return;
  }
  setIn(place, ["failover", "peer"], [ConfValue.peerName(peer)], 0);
}
