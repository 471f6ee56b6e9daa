import type { OperationContext } from "../../provider/context";
import type { CheckFailure } from "../../model/validate";
import type { Json, LiveObject, MembershipOps, ServerView } from "../backend";
import type { IscEdit } from "./commit";
import { extractSubnet, findSubnet, listPools, poolFailoverPeer } from "./conf";
import { configKey, readConfigCached } from "./config";
import { joinPools, leavePools, membershipRemoval } from "./edits";
import { SIDES, type Side } from "./peerSpec";
import { applyToBoth } from "./relationship";
import type { IscMembership } from "./schema";
import { networkOf } from "./scopes";
import { readStatus, waitForNormal } from "./status";

/**
 * A membership's view of one subnet's pools: "pool 0's failover peer" per covered pool, so that drift reads
 * `pool 0's failover peer is not set, the program wants "campus"`. A pool that does not exist is left out
 * (it reads as missing); one without a "failover peer" line is null.
 */
export function poolPeersView(pools: ReturnType<typeof listPools> | undefined, indices: readonly number[]): { [key: string]: string | null } {
  const view: { [key: string]: string | null } = {};
  for (const i of indices) {
    const pool = pools?.[i];
    if (pool) view[poolKey(i)] = poolFailoverPeer(pool);
  }
  return view;
}

export function expectedPoolPeers(indices: readonly number[], peer: string): { [key: string]: string } {
  return Object.fromEntries(indices.map((i) => [poolKey(i), peer]));
}

function poolKey(index: number): string {
  return `pool ${index}'s failover peer`;
}

/** The peer each covered pool names on one server; undefined when the subnet is not declared there. */
async function poolsView(ctx: OperationContext, m: IscMembership, side: Side): Promise<{ actual: Json | undefined; poolCount: number }> {
  const { conf } = await readConfigCached(ctx, m.relationship[side]);
  const { network, netmask } = networkOf(m.scope);
  const ref = findSubnet(conf, network, netmask);
  if (!ref) return { actual: undefined, poolCount: 0 };
  const pools = listPools(ref.subnet);
  const indices = m.pools ?? pools.map((_, index) => index);
  return { actual: poolPeersView(pools, indices), poolCount: pools.length };
}

async function read(ctx: OperationContext, m: IscMembership): Promise<LiveObject<IscMembership>> {
  const [primary, secondary] = await Promise.all(SIDES.map((side) => poolsView(ctx, m, side)));
  const indices = m.pools ?? Array.from({ length: primary!.poolCount || secondary!.poolCount }, (_, i) => i);
  const expected = expectedPoolPeers(indices, m.relationship.name);
  const views: ServerView[] = SIDES.map((side, i) => ({ server: m.relationship[side].name, expected, actual: (i === 0 ? primary : secondary)!.actual }));
  const inFailover = (view: Json | undefined) => view !== undefined && Object.keys(expected).every((key) => (view as Record<string, Json>)[key] === m.relationship.name);
  const status = await readStatus(ctx, m.relationship);
  return { views, live: inFailover(primary!.actual) ? m : undefined, status };
}

function sequence(describe: string, edits: IscEdit[]): IscEdit {
  return { describe, apply: (conf) => edits.flatMap((edit) => edit.apply(conf)) };
}

async function join(ctx: OperationContext, m: IscMembership, before: IscEdit[] = []): Promise<LiveObject<IscMembership>> {
  const primary = await readConfigCached(ctx, m.relationship.primary);
  const { network, netmask } = networkOf(m.scope);
  if (!findSubnet(primary.conf, network, netmask)) {
    throw new Error(`subnet ${m.scope} is not declared on ${m.relationship.primary.name} (the primary): declare it there; the library copies it to the partner`);
  }
  const copy = { copy: extractSubnet(primary.conf, network, netmask), server: m.relationship.primary.name };
  const warnings = await applyToBoth(ctx, m.relationship, {
    primary: sequence(`add subnet ${m.scope} to failover`, [...before.slice(0, 1), joinPools(m, "primary", undefined)]),
    secondary: sequence(`add subnet ${m.scope} to failover`, [...before.slice(1, 2), joinPools(m, "secondary", copy)]),
  });
  // Adding pools restarts both servers: report the state they settle in, as the relationship does.
  const waited = await waitForNormal(ctx, m.relationship, m.relationship.waitForNormalSeconds);
  const live = await read(ctx, m);
  return { ...live, status: waited.status, warnings: [...warnings, ...waited.warnings] };
}

async function checkLive(ctx: OperationContext, m: IscMembership): Promise<CheckFailure[]> {
  const { conf } = await readConfigCached(ctx, m.relationship.primary);
  const { network, netmask } = networkOf(m.scope);
  const ref = findSubnet(conf, network, netmask);
  if (!ref) {
    return [{ property: "scope", reason: `subnet ${m.scope} is not declared on ${m.relationship.primary.name} (the primary): declare it there first` }];
  }
  const pools = listPools(ref.subnet).length;
  return (m.pools ?? [])
    .filter((index) => index >= pools)
    .map((index) => ({ property: "pools", reason: `pool ${index} does not exist: subnet ${m.scope} has ${pools} pool(s) on ${m.relationship.primary.name}` }));
}

export const iscMembershipOps: MembershipOps<IscMembership> = {
  checkLive,
  // The relationship's statements ride along only to write the peer block with the first pool.
  comparable: (m) => ({
    ...m,
    relationship: {
      ...m.relationship,
      isc: undefined,
      waitForNormalSeconds: undefined,
      primary: { ...m.relationship.primary, failover: undefined },
      secondary: { ...m.relationship.secondary, failover: undefined },
    },
  }),
  replaceDecision: (old, next) => ({
    replaces: [
      ...(old.scope !== next.scope ? ["scope"] : []),
      ...(old.relationship.name !== next.relationship.name || SIDES.some((s) => old.relationship[s].configPath !== next.relationship[s].configPath || old.relationship[s].ssh.host !== next.relationship[s].ssh.host)
        ? ["relationship"]
        : []),
    ],
    deleteBeforeReplace: false,
  }),
  commitKeys: (m) => SIDES.map((side) => configKey(m.relationship[side])),
  read,
  create: (ctx, m) => join(ctx, m),
  async update(ctx, old, next) {
    const dropped = old.pools && next.pools ? old.pools.filter((i) => !next.pools!.includes(i)) : [];
    const before = dropped.length > 0 ? SIDES.map((side) => leavePools(next, side, { pools: dropped, removeCopy: false })) : [];
    return join(ctx, next, before);
  },
  async delete(ctx, m) {
    await applyToBoth(ctx, m.relationship, membershipRemoval(m));
  },
};
