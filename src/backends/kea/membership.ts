/**
 * FailoverScopeMembership on Kea: the subnet on every peer with the primary's id and pools (split between
 * the HA_<server> classes in load-balancing), tied to the relationship by ha-server-name on Kea 2.6+.
 * A peer that lacks the subnet gets the primary's copy, marked so that removal can take it away again.
 */
import type { OperationContext } from "../../provider/context";
import type { CheckFailure } from "../../model/validate";
import type { Json, LiveObject, MembershipOps, ServerView } from "../backend";
import { applyInOrder, type Edit, type Step } from "./apply";
import type { KeaConfig } from "./configEdit";
import type { JsonObject } from "./haConfig";
import { comparablePools, isSplitPart, mergePools, splitPools } from "./poolSplit";
import { inApplyOrder } from "./relationship";
import type { KeaMembership, KeaTarget, KeaTargetPeer } from "./schema";
import { KeaServer } from "./server";
import { readStates, expectedState, waitForStates } from "./status";
import {
  findSubnet,
  insertSubnet,
  removeSubnet,
  replaceSubnet,
  sharedNetwork,
  subnetDifferences,
  subnetMark,
  withContextValue,
  withSubnetMark,
  type SubnetAt,
} from "./subnets";
import { haFeatures, type KeaVersion } from "./version";

const HA_SERVER_NAME = "ha-server-name";
/** How long a membership change waits for HA to settle again (each config-set restarts the HA state machine). */
const SETTLE_SECONDS = 60;

function primaryOf(target: KeaTarget): KeaTargetPeer {
  return target.peers.find((p) => p.role === "primary")!;
}

/** The two servers whose classes share the pools in load-balancing: the primary's half first. */
function splitServers(target: KeaTarget): [string, string] {
  const secondary = target.peers.find((p) => p.role === "secondary");
  return [primaryOf(target).name, secondary?.name ?? primaryOf(target).name];
}

/** The pools every peer should hold, from the primary's (with this library's splits merged back first). */
export function wantedPools(target: KeaTarget, pools: readonly JsonObject[]): JsonObject[] {
  return target.mode === "load-balancing" ? splitPools(pools, splitServers(target)) : mergePools(pools);
}

function poolsOf(subnet: JsonObject): JsonObject[] {
  return (subnet.pools ?? []) as JsonObject[];
}

/** Pools split by hand between HA classes cannot be merged back: refuse rather than guess the original. */
function handSplit(pools: readonly JsonObject[]): string | undefined {
  const pool = pools.find((p) => !isSplitPart(p) && typeof p["client-class"] === "string" && (p["client-class"] as string).startsWith("HA_"));
  return pool ? String(pool.pool) : undefined;
}

interface Plan {
  primary: KeaTargetPeer;
  /** The primary's subnet as it should be everywhere (pools split or whole, ha-server-name set). */
  desired: JsonObject;
  source: SubnetAt;
  sourceNetwork: JsonObject | undefined;
  haServerName: string | undefined;
}

async function plan(ctx: OperationContext, spec: KeaMembership): Promise<Plan> {
  const primary = primaryOf(spec.relationship);
  const server = KeaServer.of(ctx, primary);
  const [config, version] = await Promise.all([server.config(), server.version()]);
  const source = findSubnet(config, spec.scope);
  if (!source) {
    throw new Error(
      `subnet ${spec.scope} is not on the primary ${primary.name}: declare it there first (memberships copy subnets from the primary; ` +
        "a ReplicationTrigger can copy it from another peer)",
    );
  }
  const manual = handSplit(poolsOf(source.subnet));
  if (manual) throw new Error(`on ${primary.name}, pool ${manual} of ${spec.scope} is already limited to an HA_ class by hand: give it back its whole range without a class, and the membership splits it itself`);
  const haServerName = haFeatures(version).severalRelationships ? primary.name : undefined;
  let desired: JsonObject = { ...source.subnet, pools: wantedPools(spec.relationship, poolsOf(source.subnet)) };
  desired = withSubnetMark(desired, undefined);
  if (haServerName) desired = withContextValue(desired, HA_SERVER_NAME, haServerName);
  return { primary, desired, source, sourceNetwork: source.sharedNetwork ? sharedNetwork(config, source.sharedNetwork) : undefined, haServerName };
}

function view(subnet: JsonObject | undefined, version: KeaVersion): Json | undefined {
  if (!subnet) return undefined;
  const shown: JsonObject = { id: subnet.id ?? null, pools: comparablePools(poolsOf(subnet)) };
  const name = (subnet["user-context"] as JsonObject | undefined)?.[HA_SERVER_NAME];
  if (haFeatures(version).severalRelationships || name !== undefined) shown[HA_SERVER_NAME] = name ?? null;
  return shown;
}

async function read(ctx: OperationContext, spec: KeaMembership): Promise<LiveObject<KeaMembership>> {
  const primary = primaryOf(spec.relationship);
  const primaryConfig = await KeaServer.of(ctx, primary).config();
  const source = findSubnet(primaryConfig, spec.scope);
  const warnings: string[] = [];
  let desired: JsonObject | undefined;
  if (source) {
    try {
      desired = (await plan(ctx, spec)).desired;
    } catch (error) {
      warnings.push((error as Error).message);
    }
  }
  const views: ServerView[] = await Promise.all(
    spec.relationship.peers.map(async (peer) => {
      const server = KeaServer.of(ctx, peer);
      const [config, version] = await Promise.all([server.config(), server.version()]);
      const actual = findSubnet(config, spec.scope)?.subnet;
      if (source && actual && peer.name !== primary.name) {
        const differences = subnetDifferences(source.subnet, actual).filter((d) => !d.startsWith("pools") && d !== "user-context");
        if (differences.length > 0) {
          warnings.push(`${peer.name}'s copy of ${spec.scope} differs from ${primary.name}'s in ${differences.join(", ")}: a ReplicationTrigger from ${primary.name} copies it`);
        }
      }
      const expected = desired ? view(desired, version) : { subnet: spec.scope };
      return { server: peer.name, expected: expected as Json, actual: view(actual, version) };
    }),
  );
  const status = await readStates(watched(ctx, spec.relationship));
  return { views, live: source ? spec : undefined, status, warnings };
}

function watched(ctx: OperationContext, target: KeaTarget) {
  return target.peers.map((peer) => ({ server: KeaServer.of(ctx, peer), name: peer.name, expected: expectedState(target.mode, peer.role) }));
}

/**
 * The subnet as it should be on a peer that has it: the desired pools and ha-server-name, the rest its own.
 * The first time, the mark records what ha-server-name was before, so that removal gives it back.
 */
function adjusted(current: JsonObject, plan: Plan, relationship: string, adopt: boolean, where: string): JsonObject {
  const previousMark = subnetMark(current);
  const mark: JsonObject = previousMark?.relationship === relationship ? { ...previousMark } : { relationship };
  let next: JsonObject = { ...current, pools: structuredClone(plan.desired.pools ?? []) };
  if (plan.haServerName) {
    const existing = (current["user-context"] as JsonObject | undefined)?.[HA_SERVER_NAME];
    if (previousMark?.relationship !== relationship) {
      if (existing === undefined) mark["ha-server-name-added"] = true;
      else if (existing !== plan.haServerName) {
        if (!adopt) throw new Error(`on ${where}, the subnet's ha-server-name is ${JSON.stringify(existing)} (another relationship): set adopt: true to move it to this one`);
        mark["previous-ha-server-name"] = existing;
      }
    }
    next = withContextValue(next, HA_SERVER_NAME, plan.haServerName);
  }
  return withSubnetMark(next, mark);
}

function putEdit(spec: KeaMembership, peer: KeaTargetPeer, plan: Plan): Edit {
  return {
    what: `make ${spec.scope} a member of ${spec.relationship.name}`,
    apply: (config: KeaConfig) => {
      const here = findSubnet(config, spec.scope);
      if (here) {
        if (here.subnet.id !== plan.desired.id) {
          throw new Error(
            `${spec.scope} has id ${String(here.subnet.id)} here and ${String(plan.desired.id)} on ${plan.primary.name}: ` +
              "Kea HA needs the same id on every peer (leases carry it): renumber it by hand first",
          );
        }
        const manual = handSplit(poolsOf(here.subnet));
        if (manual) throw new Error(`pool ${manual} of ${spec.scope} is already limited to an HA_ class by hand: give it back its whole range, and the membership splits it itself`);
        return replaceSubnet(config, spec.scope, adjusted(here.subnet, plan, spec.relationship.name, spec.adopt, peer.name));
      }
      const copy = withSubnetMark(plan.desired, { relationship: spec.relationship.name, "copied-from": plan.primary.name });
      return insertSubnet(config, { subnet: copy, sharedNetwork: plan.source.sharedNetwork }, plan.sourceNetwork);
    },
  };
}

/** Gives the subnet back as it was before the membership: whole pools, its own ha-server-name; a copy this membership made goes. */
function removeEdit(spec: KeaMembership): Edit {
  return {
    what: `take ${spec.scope} out of ${spec.relationship.name}`,
    apply: (config: KeaConfig) => {
      const here = findSubnet(config, spec.scope);
      if (!here) return config;
      const mark = subnetMark(here.subnet);
      if (mark && mark.relationship !== spec.relationship.name) return config;
      if (mark?.["copied-from"] !== undefined && spec.partnerCopy === "delete") return removeSubnet(config, spec.scope);
      let next: JsonObject = { ...here.subnet, pools: mergePools(poolsOf(here.subnet)) };
      if (mark?.["previous-ha-server-name"] !== undefined) next = withContextValue(next, HA_SERVER_NAME, mark["previous-ha-server-name"]);
      else if (mark?.["ha-server-name-added"] === true) next = withContextValue(next, HA_SERVER_NAME, undefined);
      return replaceSubnet(config, spec.scope, withSubnetMark(next, undefined));
    },
  };
}

function undoFor(spec: KeaMembership) {
  return (before: KeaConfig): Edit => ({
    what: `take back the change to ${spec.scope}`,
    apply: (config) => {
      const previous = findSubnet(before, spec.scope);
      if (!previous) return removeSubnet(config, spec.scope);
      return findSubnet(config, spec.scope) ? replaceSubnet(config, spec.scope, previous.subnet) : insertSubnet(config, previous, undefined);
    },
  });
}

async function converge(ctx: OperationContext, spec: KeaMembership): Promise<LiveObject<KeaMembership>> {
  const planned = await plan(ctx, spec);
  const steps: Step[] = inApplyOrder(spec.relationship.peers).map((peer) => ({ server: KeaServer.of(ctx, peer), edit: putEdit(spec, peer, planned), undo: undoFor(spec) }));
  const committed = await applyInOrder(ctx, steps);
  const live = await read(ctx, spec);
  if (!committed.some((c) => c.changed)) return live;
  const settled = await waitForStates(watched(ctx, spec.relationship), SETTLE_SECONDS);
  return { ...live, status: settled.status, warnings: [...(live.warnings ?? []), ...settled.warnings] };
}

async function checkLive(ctx: OperationContext, spec: KeaMembership): Promise<CheckFailure[]> {
  try {
    await plan(ctx, spec);
  } catch (error) {
    return [{ property: "scope", reason: (error as Error).message }];
  }
  return [];
}

export const membershipOps: MembershipOps<KeaMembership> = {
  checkLive,
  replaceDecision(old, next) {
    const replaces: string[] = [];
    if (old.scope !== next.scope) replaces.push("scope");
    if (old.relationship.name !== next.relationship.name) replaces.push("relationship");
    return { replaces, deleteBeforeReplace: replaces.length > 0 };
  },
  read,
  create: (ctx, spec) => converge(ctx, spec),
  update: (ctx, _old, next) => converge(ctx, next),
  async delete(ctx, spec) {
    const steps = inApplyOrder(spec.relationship.peers).map((peer) => ({ server: KeaServer.of(ctx, peer), edit: removeEdit(spec), undo: undoFor(spec) }));
    await applyInOrder(ctx, steps);
  },
};
