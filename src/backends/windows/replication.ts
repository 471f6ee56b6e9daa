/**
 * Invoke-DhcpServerv4FailoverReplication at scope, relationship or server level from a chosen source, and the
 * comparison of both copies of each scope that tells which scopes are out of sync.
 */
import type { ReplicationOps, ReplicationResult, ScopeSync } from "../backend";
import type { CheckFailure } from "../../model/validate";
import type { OperationContext } from "../../provider/context";
import { runScript } from "./client";
import { otherSide, type Side } from "./perspective";
import { scopeConfigList, scopeIdList, type ServerRead } from "./results";
import type { WindowsReplication, WindowsServer } from "./schema";
import { findRelationship, forget, readServer } from "./state";
import { compareScopes } from "./sync";
import { olderThan, versionText } from "./version";

function sides(spec: WindowsReplication): { source: Side; partner: Side } {
  const source: Side = spec.relationship.primary.name === spec.source ? "primary" : "secondary";
  return { source, partner: otherSide(source) };
}

/** The scopes a run covers on this relationship (server level covers more, on other partners too). */
function scopesOf(spec: WindowsReplication, sourceRead: ServerRead): string[] {
  if (spec.level === "scope") return spec.scopes ?? [];
  return findRelationship(sourceRead, spec.relationship.name)?.scopeIds ?? [];
}

async function checkLive(ctx: OperationContext, spec: WindowsReplication): Promise<CheckFailure[]> {
  if (spec.level !== "scope") return [];
  const { source } = sides(spec);
  const read = await readServer(ctx, spec.relationship[source]);
  const members = new Set(findRelationship(read, spec.relationship.name)?.scopeIds ?? []);
  return (spec.scopes ?? [])
    .filter((scope) => !members.has(scope))
    .map((scope) => ({
      property: "scopes",
      reason: `${scope} is not in "${spec.relationship.name}" on ${spec.source}: replicate only scopes of this relationship (add a FailoverScopeMembership first)`,
    }));
}

async function replicate(ctx: OperationContext, spec: WindowsReplication): Promise<ReplicationResult> {
  const { source, partner } = sides(spec);
  const from: WindowsServer = spec.relationship[source];
  const to: WindowsServer = spec.relationship[partner];
  const [sourceRead, partnerRead] = await Promise.all([readServer(ctx, from), readServer(ctx, to)]);
  const warnings: string[] = [];
  if (olderThan(sourceRead.version, partnerRead.version)) {
    warnings.push(
      `${from.name} runs an older Windows (${versionText(sourceRead.version)}) than its partner ${to.name} (${versionText(partnerRead.version)}): ` +
        `replicate from the newer server so that settings the older one does not know are not lost; set source to "${to.name}"`,
    );
  }
  if (spec.level === "server") {
    warnings.push(`server level replicates every failover scope of ${from.name}, to all of its partners, not only this relationship's`);
  }
  const replicated = await runScript(
    ctx,
    from,
    "replicate",
    { level: spec.level, name: spec.relationship.name, scopeIds: spec.level === "scope" ? spec.scopes : null },
    scopeIdList,
  );
  forget(ctx, to);
  return { replicated, warnings };
}

async function compare(ctx: OperationContext, spec: WindowsReplication): Promise<ScopeSync> {
  const { source, partner } = sides(spec);
  const from = spec.relationship[source];
  const to = spec.relationship[partner];
  const scopeIds = scopesOf(spec, await readServer(ctx, from));
  if (scopeIds.length === 0) return { scopes: [] };
  const [mine, theirs] = await Promise.all([
    runScript(ctx, from, "readScopeConfig", { scopeIds }, scopeConfigList),
    runScript(ctx, to, "readScopeConfig", { scopeIds }, scopeConfigList),
  ]);
  return compareScopes(mine, theirs, { source: from.name, partner: to.name });
}

export const replicationOps: ReplicationOps<WindowsReplication> = { checkLive, compare, replicate };
