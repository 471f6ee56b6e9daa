/**
 * A scope in a relationship. The engine creates and deletes memberships concurrently; edits for one
 * relationship are coalesced into one batch: one read, then one Add-DhcpServerv4Failover (the first scopes
 * create the relationship on Windows, with all of its parameters) or Add-DhcpServerv4FailoverScope, and one
 * removal. When the last scopes leave, the relationship leaves Windows as Micetro's delete choices say, and
 * stays declared in the program.
 */
import type { LiveObject, MembershipOps, ReplaceDecision, ServerView } from "../backend";
import type { CheckFailure } from "../../model/validate";
import type { OperationContext } from "../../provider/context";
import type { Settled } from "../../provider/commitQueue";
import { computerNameOf, runScript } from "./client";
import { otherSide, type Side } from "./perspective";
import { addFailoverInput } from "./plan";
import { done, type ServerRead } from "./results";
import type { WindowsMembership, WindowsTarget } from "./schema";
import { findRelationship, forget, readPair, statusOf, type PairRead } from "./state";
import { removeRelationship } from "./teardown";

const SIDES: readonly Side[] = ["primary", "secondary"];

interface Edit {
  op: "add" | "remove";
  scope: string;
  target: WindowsTarget;
}

function relationshipOfScope(read: ServerRead, scope: string): string | undefined {
  return read.relationships.find((record) => record.scopeIds.includes(scope))?.name;
}

function scopeView(read: ServerRead, scope: string): { relationship: string | null } | undefined {
  const relationship = relationshipOfScope(read, scope);
  if (relationship !== undefined) return { relationship };
  return read.scopes.some((s) => s.scopeId === scope) ? { relationship: null } : undefined;
}

function inRelationship(read: ServerRead, target: WindowsTarget, scope: string): boolean {
  return findRelationship(read, target.name)?.scopeIds.includes(scope) ?? false;
}

function membershipLive(spec: WindowsMembership, pair: PairRead): LiveObject<WindowsMembership> {
  const target = spec.relationship;
  const views: ServerView[] = SIDES.map((side) => ({
    server: target[side].name,
    expected: { relationship: target.name },
    actual: scopeView(pair[side], spec.scope),
  }));
  const member = SIDES.some((side) => inRelationship(pair[side], target, spec.scope));
  const status = statusOf(target, pair);
  for (const entry of Object.values(status)) {
    const statistics = entry.details?.statistics;
    if (Array.isArray(statistics)) entry.details = { statistics: statistics.filter((s) => (s as { scopeId?: string }).scopeId === spec.scope) };
  }
  return { views, live: member ? spec : undefined, status };
}

async function read(ctx: OperationContext, spec: WindowsMembership): Promise<LiveObject<WindowsMembership>> {
  return membershipLive(spec, await readPair(ctx, spec.relationship));
}

/** The rules Windows would apply, checked before anything changes: each names the fix. */
export function membershipFailures(spec: WindowsMembership, pair: PairRead): CheckFailure[] {
  const target = spec.relationship;
  const failures: CheckFailure[] = [];
  if (SIDES.some((side) => inRelationship(pair[side], target, spec.scope))) return failures;
  for (const side of SIDES) {
    const other = relationshipOfScope(pair[side], spec.scope);
    if (other !== undefined) {
      failures.push({
        property: "scope",
        reason: `${spec.scope} is already in the failover relationship "${other}" on ${target[side].name}: a scope belongs to one relationship at most; remove it from "${other}" first`,
      });
    }
  }
  if (failures.length > 0) return failures;
  if (!pair.primary.scopes.some((s) => s.scopeId === spec.scope)) {
    failures.push({
      property: "scope",
      reason: `${spec.scope} does not exist on the primary ${target.primary.name} (${target.primary.computerName}): create the scope there; Windows copies it to the partner`,
    });
  }
  if (pair.secondary.scopes.some((s) => s.scopeId === spec.scope)) {
    failures.push({
      property: "scope",
      reason: `${spec.scope} already exists on the partner ${target.secondary.name} (${target.secondary.computerName}): Windows copies the scope there itself and refuses an existing copy; delete it on ${target.secondary.name} first`,
    });
  }
  return failures;
}

async function checkLive(ctx: OperationContext, spec: WindowsMembership): Promise<CheckFailure[]> {
  return membershipFailures(spec, await readPair(ctx, spec.relationship));
}

/** Applies a batch of edits for one relationship; returns the warnings every edit of the batch shares. */
async function commit(ctx: OperationContext, edits: Edit[]): Promise<string[]> {
  const target = edits[edits.length - 1]!.target;
  forget(ctx, target.primary, target.secondary);
  const pair = await readPair(ctx, target);
  const onPrimary = findRelationship(pair.primary, target.name);
  const onSecondary = findRelationship(pair.secondary, target.name);
  const members = new Set([...(onPrimary?.scopeIds ?? []), ...(onSecondary?.scopeIds ?? [])]);
  const adds = [...new Set(edits.filter((e) => e.op === "add").map((e) => e.scope))].filter((s) => !members.has(s));
  const removes = [...new Set(edits.filter((e) => e.op === "remove").map((e) => e.scope))].filter((s) => members.has(s));
  const warnings: string[] = [];

  if (adds.length > 0) {
    if (!onPrimary && onSecondary) {
      throw new Error(
        `"${target.name}" exists on ${target.secondary.name} but not on the primary ${target.primary.name}: ` +
          `remove it on ${target.secondary.name} (Remove-DhcpServerv4Failover) so that it can be created from the primary`,
      );
    }
    if (!onPrimary) {
      ctx.log.info(`FailoverRelationship "${target.name}": Add-DhcpServerv4Failover on ${target.primary.name} with ${adds.join(", ")} (its first scopes)`);
      await runScript(ctx, target.primary, "addFailover", addFailoverInput(target, adds), done);
    } else {
      await runScript(ctx, target.primary, "addFailoverScope", { name: target.name, scopeIds: adds }, done);
    }
    forget(ctx, target.primary, target.secondary);
  }

  if (removes.length > 0) {
    const remaining = [...members].filter((s) => !removes.includes(s)).length + adds.length;
    if (remaining === 0) {
      await removeRelationship(ctx, target, removes);
    } else {
      const keep = target[target.onDelete.keepScopesOn];
      const other = target[otherSide(target.onDelete.keepScopesOn)];
      await runScript(ctx, keep, "removeFailoverScope", { name: target.name, scopeIds: removes }, done);
      forget(ctx, target.primary, target.secondary);
      if (target.onDelete.otherCopies === "disable") {
        warnings.push(
          `Windows deleted ${other.name}'s copies of ${removes.join(", ")} (Remove-DhcpServerv4FailoverScope always does): ` +
            `a partner keeps deactivated copies only when the relationship's last scopes leave it`,
        );
      }
    }
  }
  return warnings;
}

/** One queue per relationship: its scope changes go to Windows together. */
function queueKey(target: WindowsTarget): string {
  return `windows:relationship:${computerNameOf(target.primary).toLowerCase()}:${target.name.toLowerCase()}`;
}

function queueFor(ctx: OperationContext, target: WindowsTarget) {
  return ctx.commits.queue<Edit, string[]>(queueKey(target), async (edits): Promise<Array<Settled<string[]>>> => {
    const warnings = await commit(ctx, edits);
    return edits.map(() => ({ ok: true, value: warnings }));
  });
}

async function create(ctx: OperationContext, spec: WindowsMembership, options: { adopt: boolean }): Promise<LiveObject<WindowsMembership>> {
  const target = spec.relationship;
  const pair = await readPair(ctx, target);
  if (SIDES.some((side) => inRelationship(pair[side], target, spec.scope))) {
    if (options.adopt) return membershipLive(spec, pair);
    throw new Error(`${spec.scope} is already in "${target.name}" on Windows: set adopt: true to manage that membership`);
  }
  const warnings = await queueFor(ctx, target).submit({ op: "add", scope: spec.scope, target });
  return { ...(await read(ctx, spec)), warnings };
}

async function update(ctx: OperationContext, _old: WindowsMembership, next: WindowsMembership): Promise<LiveObject<WindowsMembership>> {
  const pair = await readPair(ctx, next.relationship);
  if (!inRelationship(pair.primary, next.relationship, next.scope)) {
    const warnings = await queueFor(ctx, next.relationship).submit({ op: "add", scope: next.scope, target: next.relationship });
    return { ...(await read(ctx, next)), warnings };
  }
  return membershipLive(next, pair);
}

async function remove(ctx: OperationContext, spec: WindowsMembership): Promise<void> {
  const warnings = await queueFor(ctx, spec.relationship).submit({ op: "remove", scope: spec.scope, target: spec.relationship });
  for (const warning of warnings) ctx.log.warn(`${ctx.resource}: ${warning}`);
}

function replaceDecision(old: WindowsMembership, next: WindowsMembership): ReplaceDecision {
  const replaces: string[] = [];
  if (old.scope !== next.scope) replaces.push("scope");
  const a = old.relationship;
  const b = next.relationship;
  if (
    a.name.toLowerCase() !== b.name.toLowerCase() ||
    SIDES.some((side) => a[side].computerName.toLowerCase() !== b[side].computerName.toLowerCase())
  ) {
    replaces.push("relationship");
  }
  return { replaces, deleteBeforeReplace: replaces.length > 0 };
}

export const membershipOps: MembershipOps<WindowsMembership> = {
  checkLive,
  replaceDecision,
  commitKeys: (spec) => [queueKey(spec.relationship)],
  read,
  create,
  update,
  delete: remove,
};
