/**
 * Planned work on one peer: ha-maintenance-start goes to the peer that keeps serving (the primary unless
 * told otherwise), which puts its partner in-maintenance and itself in partner-in-maintenance; the partner
 * can then be stopped. ha-maintenance-cancel, to the same peer, returns both to normal operation.
 */
import type { OperationContext } from "../../provider/context";
import type { FailoverStatus, RelationshipTarget } from "../backend";
import { z } from "zod";
import { keaTarget } from "./schema";
import { KeaServer } from "./server";
import { expectedState, waitForStates } from "./status";

export async function maintenance(ctx: OperationContext, relationship: RelationshipTarget, action: "start" | "cancel", keepServing?: string): Promise<FailoverStatus> {
  const parsed = keaTarget.safeParse(relationship);
  if (!parsed.success) throw new Error(`not a Kea relationship target: ${z.prettifyError(parsed.error).replace(/\n/g, " ")}`);
  const target = parsed.data;
  const keeper = keepServing === undefined ? target.peers.find((p) => p.role === "primary") : target.peers.find((p) => p.name === keepServing);
  if (!keeper) throw new Error(`${keepServing ?? "the primary"} is not a peer of ${target.name}: choose one of ${target.peers.map((p) => p.name).join(", ")}`);
  await KeaServer.of(ctx, keeper).call(action === "start" ? "ha-maintenance-start" : "ha-maintenance-cancel");
  const peers = target.peers
    .filter((p) => p.role !== "backup")
    .map((peer) => ({
      server: KeaServer.of(ctx, peer),
      name: peer.name,
      expected: action === "cancel" ? expectedState(target.mode, peer.role) : peer.name === keeper.name ? "partner-in-maintenance" : "in-maintenance",
    }));
  const settled = await waitForStates(peers, 30, `${keeper.name} accepted the command; its partner may not have followed (check that the peers reach each other)`);
  for (const warning of settled.warnings) ctx.log.warn(`${ctx.resource}: ${warning}`);
  return settled.status;
}
