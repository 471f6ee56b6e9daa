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
import { desiredSubnet, joinSubnet, leaveSubnet, memberView, primaryOf, type JoinOptions } from "./memberEdit";
import { inApplyOrder } from "./relationship";
import { DEFAULT_WAIT_SECONDS, type KeaMembership } from "./schema";
import { KeaServer, keaServerKey } from "./server";
import { readStates, waitForStates, watchPeers } from "./status";
import { findSubnet, insertSubnet, removeSubnet, replaceSubnet, sharedNetwork, subnetDifferences } from "./subnets";

interface Plan {
  desired: JsonObject;
  join: Omit<JoinOptions, "where">;
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
  return {
    desired: desiredSubnet(source.subnet, spec.relationship, version),
    join: {
      relationship: spec.relationship.name,
      primary: primary.name,
      source,
      sourceNetwork: source.sharedNetwork ? sharedNetwork(config, source.sharedNetwork) : undefined,
      adopt: spec.adopt,
    },
  };
}

async function read(ctx: OperationContext, spec: KeaMembership): Promise<LiveObject<KeaMembership>> {
  const primary = primaryOf(spec.relationship);
  const source = findSubnet(await KeaServer.of(ctx, primary).config(), spec.scope);
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
      const expected = desired ? memberView(desired, version) : { subnet: spec.scope };
      return { server: peer.name, expected: expected as Json, actual: memberView(actual, version) };
    }),
  );
  const status = await readStates(watchPeers(ctx, spec.relationship.mode, spec.relationship.peers), "cached");
  return { views, live: source ? spec : undefined, status, warnings };
}

function joinEdit(spec: KeaMembership, where: string, planned: Plan): Edit {
  return { what: `make ${spec.scope} a member of ${spec.relationship.name}`, apply: (config) => joinSubnet(config, planned.desired, { ...planned.join, where }) };
}

function leaveEdit(spec: KeaMembership): Edit {
  return {
    what: `take ${spec.scope} out of ${spec.relationship.name}`,
    apply: (config) => leaveSubnet(config, spec.scope, { relationship: spec.relationship.name, partnerCopy: spec.partnerCopy }),
  };
}

/** Puts the subnet back exactly as `before` held it (or removes it if it was not there). */
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
  const steps: Step[] = inApplyOrder(spec.relationship.peers).map((peer) => ({
    server: KeaServer.of(ctx, peer),
    edit: joinEdit(spec, peer.name, planned),
    undo: undoFor(spec),
  }));
  const committed = await applyInOrder(ctx, steps);
  const live = await read(ctx, spec);
  // Each config-set restarts the HA state machine: wait as long as the relationship says (0: report the state read just now).
  const seconds = spec.relationship.waitSeconds ?? DEFAULT_WAIT_SECONDS;
  if (!committed.some((c) => c.changed) || seconds === 0) return live;
  const settled = await waitForStates(watchPeers(ctx, spec.relationship.mode, spec.relationship.peers), seconds);
  return { ...live, status: settled.status, warnings: [...(live.warnings ?? []), ...settled.warnings] };
}

/** The subnet must be on the primary, its pools splittable. An unreachable server is not a failure here: apply says so. */
async function checkLive(ctx: OperationContext, spec: KeaMembership): Promise<CheckFailure[]> {
  const server = KeaServer.of(ctx, primaryOf(spec.relationship));
  await Promise.all([server.config(), server.version()]);
  try {
    await plan(ctx, spec);
  } catch (error) {
    return [{ property: "scope", reason: (error as Error).message }];
  }
  return [];
}

export const membershipOps: MembershipOps<KeaMembership> = {
  checkLive,
  // How long a change waits is no part of the membership on the servers.
  comparable: (spec) => ({ ...spec, relationship: { ...spec.relationship, waitSeconds: undefined } }),
  replaceDecision(old, next) {
    const replaces: string[] = [];
    if (old.scope !== next.scope) replaces.push("scope");
    if (old.relationship.name !== next.relationship.name) replaces.push("relationship");
    return { replaces, deleteBeforeReplace: replaces.length > 0 };
  },
  commitKeys: (spec) => spec.relationship.peers.map((peer) => keaServerKey(peer.api)),
  read,
  create: (ctx, spec) => converge(ctx, spec),
  update: (ctx, _old, next) => converge(ctx, next),
  async delete(ctx, spec) {
    const steps = inApplyOrder(spec.relationship.peers).map((peer) => ({ server: KeaServer.of(ctx, peer), edit: leaveEdit(spec), undo: undoFor(spec) }));
    await applyInOrder(ctx, steps);
  },
};
