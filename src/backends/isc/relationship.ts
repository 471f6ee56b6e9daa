import type { OperationContext } from "../../provider/context";
import type { CheckFailure } from "../../model/validate";
import type { LiveObject, RelationshipOps, ReplaceDecision, ServerView } from "../backend";
import { PartialChangeError } from "../errors";
import { submitEdit, type EditOutcome } from "./commit";
import { findFailoverPeer, findFailoverPeers, listPoolPeers, readFailoverPeer, type FailoverPeerDecl } from "./conf";
import { configKey, readConfigCached } from "./config";
import { notWrittenYet, putPeer, reassignmentTarget, removePeer } from "./edits";
import { unexpressible, type PeerOnFile } from "./expressible";
import { actualPeerView, expectedPeerView, relationshipFromPeers, SIDES, type Side } from "./peerSpec";
import { iscRelationshipTarget, type IscRelationship, type IscServer, type IscTarget } from "./schema";
import { readStatus, waitForNormal } from "./status";

/** Where a server's configuration lives: changing it means another server, so a replacement. */
function location(server: IscServer): string {
  return `${server.ssh.host}:${server.ssh.port}:${server.configPath}`;
}

interface PeerOnServer {
  decl: FailoverPeerDecl | undefined;
  /** Some pool names the peer: its block must then be there (dhcpd requires it either way). */
  referenced: boolean;
}

async function peerOn(ctx: OperationContext, spec: IscRelationship, side: Side): Promise<PeerOnServer> {
  const { conf } = await readConfigCached(ctx, spec[side]);
  const ref = findFailoverPeer(conf, spec.name);
  return { decl: ref ? readFailoverPeer(ref.block) : undefined, referenced: listPoolPeers(conf).some((p) => p.peer === spec.name) };
}

/**
 * The peer block is expected where it is or where pools refer to it. Where neither, the relationship
 * exists in the program and state only (dhcpd refuses a peer without pools), which is not drift.
 */
async function read(ctx: OperationContext, spec: IscRelationship): Promise<LiveObject<IscRelationship>> {
  const [primary, secondary] = (await Promise.all(SIDES.map((side) => peerOn(ctx, spec, side)))) as [PeerOnServer, PeerOnServer];
  const sides = { primary, secondary };
  const views: ServerView[] = SIDES.map((side) => ({
    server: spec[side].name,
    expected: sides[side].decl || sides[side].referenced ? expectedPeerView(spec, side) : undefined,
    actual: sides[side].decl ? actualPeerView(sides[side].decl) : undefined,
  }));
  const written = SIDES.filter((side) => sides[side].decl);
  if (written.length === 0) {
    const status = Object.fromEntries(SIDES.map((side) => [spec[side].name, { state: "not-written", error: notWrittenYet(spec, spec[side].name) }]));
    return { views, live: spec, status, warnings: SIDES.map((side) => notWrittenYet(spec, spec[side].name)) };
  }
  const status = await readStatus(ctx, spec as IscTarget);
  return { views, live: primary.decl ? relationshipFromPeers(spec, primary.decl, secondary.decl) : spec, status };
}

/** Runs one edit per side; a change that reached one server only is reported as such, with what to do. */
export async function applyToBoth(ctx: OperationContext, servers: Record<Side, IscServer>, edits: Record<Side, Parameters<typeof submitEdit>[2]>): Promise<string[]> {
  const outcomes = await Promise.allSettled(SIDES.map((side) => submitEdit(ctx, servers[side], edits[side])));
  const failed = SIDES.filter((_, i) => outcomes[i]!.status === "rejected");
  const warnings = outcomes.flatMap((o) => (o.status === "fulfilled" ? (o.value as EditOutcome).warnings : []));
  if (failed.length === 0) return warnings;
  const reasons = outcomes.flatMap((o) => (o.status === "rejected" ? [(o.reason as Error).message] : []));
  if (failed.length === SIDES.length) throw new Error(reasons.join("\n"));
  const changed = SIDES.filter((side) => !failed.includes(side)).map((side) => servers[side].name);
  throw new PartialChangeError(
    `${reasons.join("\n")}\n${changed.join(", ")} already has the change and ${failed.map((side) => servers[side].name).join(", ")} does not: ` +
      "fix the cause above and run pulumi up again to finish",
    changed,
    failed.map((side) => servers[side].name),
  );
}

async function checkLive(ctx: OperationContext, spec: IscRelationship): Promise<CheckFailure[]> {
  const failures: CheckFailure[] = [];
  const blocks: Partial<Record<Side, PeerOnFile>> = {};
  for (const side of SIDES) {
    const { conf } = await readConfigCached(ctx, spec[side]);
    const others = findFailoverPeers(conf).map((p) => p.name).filter((name) => name !== spec.name);
    const pools = listPoolPeers(conf).filter((p) => p.peer === spec.name).length;
    if (pools > 0 && others.length >= 2) {
      try {
        reassignmentTarget(spec, others, pools, spec[side].name);
      } catch (error) {
        failures.push({ property: "reassignPoolsTo", reason: (error as Error).message });
      }
    }
    const peer = findFailoverPeer(conf, spec.name);
    if (peer) blocks[side] = { decl: readFailoverPeer(peer.block), file: `${spec[side].name} ${peer.file}` };
    if (peer && peer.block.file !== spec[side].configPath) {
      failures.push({
        property: "name",
        reason: `failover peer "${spec.name}" is declared in ${peer.block.file} on ${spec[side].name}, an include file: this library writes only ${spec[side].configPath}; move the declaration there`,
      });
    }
  }
  for (const reason of unexpressible(blocks)) {
    failures.push({
      property: "name",
      reason: `failover peer "${spec.name}": ${reason}. This library cannot express it, so writing the relationship would change those lines: change the block by hand (the README's "Limits" lists what cannot be expressed), or leave this relationship unmanaged`,
    });
  }
  return failures;
}

/** What the pair does, as dhcpd reads the primary's split/hba and load balance max seconds. */
function modeOf(spec: IscRelationship): string {
  const split = spec.isc.split ?? 128;
  if (spec.isc.hba === undefined && split === 256) return "hot-standby (primary serves)";
  if (spec.isc.hba === undefined && split === 0) return "hot-standby (secondary serves)";
  const mode = spec.isc.hba !== undefined ? "load-balance (hba)" : `load-balance (split ${split}/256)`;
  // dhcpd: "load balancing will be disabled … because its load balance max secs is 0" (absent means 0).
  return spec.isc.loadBalanceMaxSeconds ? mode : `${mode}, disabled: no load balance max seconds (dhcpd uses 0), both serve every client`;
}

function replaceDecision(old: IscRelationship, next: IscRelationship): ReplaceDecision {
  const replaces: string[] = [];
  if (old.name !== next.name) replaces.push("name");
  for (const side of SIDES) if (location(old[side]) !== location(next[side])) replaces.push(side);
  // The same peer name on a server the two share would collide: the old one must go first.
  const shared = SIDES.some((a) => SIDES.some((b) => location(old[a]) === location(next[b])));
  return { replaces, deleteBeforeReplace: replaces.length > 0 && old.name === next.name && shared };
}

async function converge(ctx: OperationContext, spec: IscRelationship, claimAllPools: boolean): Promise<LiveObject<IscRelationship>> {
  const warnings = await applyToBoth(ctx, spec, {
    primary: putPeer(spec, "primary", { claimAllPools }),
    secondary: putPeer(spec, "secondary", { claimAllPools }),
  });
  const live = await read(ctx, spec);
  if (live.views.some((view) => view.actual === undefined)) return { ...live, warnings: [...new Set([...warnings, ...(live.warnings ?? [])])] };
  const waited = await waitForNormal(ctx, spec as IscTarget, spec.waitForNormalSeconds);
  return { ...live, status: waited.status, warnings: [...warnings, ...waited.warnings] };
}

export const iscRelationshipOps: RelationshipOps<IscRelationship> = {
  target: (spec) => iscRelationshipTarget(spec) as ReturnType<RelationshipOps<IscRelationship>["target"]>,
  summary: (spec) => ({ mode: modeOf(spec), primary: spec.primary.name, secondary: spec.secondary.name }),
  checkLive,
  replaceDecision,
  commitKeys: (spec) => SIDES.map((side) => configKey(spec[side])),
  read,
  async create(ctx, spec, { adopt }) {
    const existing = await Promise.all(SIDES.map((side) => peerOn(ctx, spec, side)));
    if (existing.some((peer) => peer.decl !== undefined)) {
      if (adopt) return read(ctx, spec);
      const where = SIDES.filter((_, i) => existing[i]!.decl).map((side) => spec[side].name).join(" and ");
      throw new Error(`failover peer "${spec.name}" already exists on ${where}: set adopt: true to take it over as it is, or choose another name`);
    }
    return converge(ctx, spec, spec.claimAllPools);
  },
  update: (ctx, _old, next) => converge(ctx, next, false),
  async delete(ctx, spec) {
    await applyToBoth(ctx, spec, { primary: removePeer(spec, "primary"), secondary: removePeer(spec, "secondary") });
  },
  status: (ctx, target) => readStatus(ctx, target as unknown as IscTarget, "fresh"),
};
