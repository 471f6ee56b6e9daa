/**
 * Taking scopes out of failover as Micetro offers it: one server keeps its copies, the other's are deleted
 * or deactivated. The order never leaves two active, independent copies of a scope: the other server's
 * copies go (or stop) first, then the relationship.
 */
import type { OperationContext } from "../../provider/context";
import { PartialChangeError } from "../errors";
import { runScript } from "./client";
import { otherSide } from "./perspective";
import { done, scopeIdList } from "./results";
import type { WindowsTarget } from "./schema";
import { findRelationship, forget, readPair } from "./state";

/** Removes the relationship from Windows, with its scopes handled per onDelete. Idempotent. */
export async function removeRelationship(ctx: OperationContext, target: WindowsTarget, scopeIds: string[]): Promise<void> {
  const keepSide = target.onDelete.keepScopesOn;
  const keep = target[keepSide];
  const other = target[otherSide(keepSide)];
  const action = target.onDelete.otherCopies;
  if (scopeIds.length > 0) {
    if (action === "delete") {
      // Windows deletes the partner's copies and keeps the -ComputerName server's.
      await runScript(ctx, keep, "removeFailoverScope", { name: target.name, scopeIds }, done);
    } else {
      await runScript(ctx, other, "disableScopes", { scopeIds }, scopeIdList);
    }
    forget(ctx, keep, other);
  }
  try {
    const after = await readPair(ctx, target);
    if (findRelationship(after.primary, target.name) || findRelationship(after.secondary, target.name)) {
      await runScript(ctx, keep, "removeFailover", { name: target.name }, done);
      forget(ctx, keep, other);
    }
  } catch (error) {
    if (scopeIds.length === 0) throw error;
    const happened = action === "delete" ? `the copies of ${scopeIds.join(", ")} on ${other.name} were deleted` : `the copies of ${scopeIds.join(", ")} on ${other.name} were deactivated`;
    throw new PartialChangeError(
      `${happened} and ${keep.name} keeps its copies, but removing the relationship "${target.name}" failed: ${(error as Error).message} ` +
        `Both servers hold a valid configuration; run the same command again to finish.`,
      [other.name],
      [keep.name],
    );
  }
}
