/**
 * PARTNER DOWN on purpose: Set-DhcpServerv4Failover -PartnerDown. Refused while the partner answers, because a
 * server that takes over the whole pool while its partner still serves hands out the same addresses twice.
 */
import type { FailoverStatus, RelationshipTarget } from "../backend";
import type { OperationContext } from "../../provider/context";
import { runScript } from "./client";
import { otherSide, type Side } from "./perspective";
import { done } from "./results";
import { windowsTarget } from "./schema";
import { findRelationship, forget, liveStatus, readServer } from "./state";

export async function partnerDown(ctx: OperationContext, rawTarget: RelationshipTarget, server: string): Promise<FailoverStatus> {
  const target = windowsTarget.parse(rawTarget);
  const side: Side | undefined = target.primary.name === server ? "primary" : target.secondary.name === server ? "secondary" : undefined;
  if (!side) throw new Error(`partner down: "${server}" is not one of "${target.name}"'s servers (${target.primary.name}, ${target.secondary.name})`);
  const partner = target[otherSide(side)];
  // A deliberate action reads the servers now, not what this run read earlier.
  forget(ctx, target.primary, target.secondary);
  let partnerAnswers = true;
  let partnerState = "unknown";
  try {
    const read = await readServer(ctx, partner);
    partnerState = findRelationship(read, target.name)?.state ?? "no relationship";
  } catch {
    partnerAnswers = false;
  }
  if (partnerAnswers) {
    throw new Error(
      `partner down refused: ${partner.name} (${partner.computerName}) answers (its state is ${partnerState}). ` +
        `Declare partner down only for a partner that is really down, when ${server} is in COMMUNICATION INTERRUPTED.`,
    );
  }
  await runScript(ctx, target[side], "partnerDown", { name: target.name }, done);
  forget(ctx, target.primary, target.secondary);
  return liveStatus(ctx, target);
}
