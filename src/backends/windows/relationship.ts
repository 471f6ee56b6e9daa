/**
 * The relationship on Windows. Add-DhcpServerv4Failover needs a scope, so a relationship without scopes
 * exists in the program and in state only: creating it records it, and its first membership creates it on
 * Windows with every parameter. Once on Windows, its settings are read from both servers (each normalised
 * to the primary's side) and changed in place with Set-DhcpServerv4Failover.
 */
import type { FailoverStatus, LiveObject, RelationshipOps, RelationshipSummary, ReplaceDecision, ServerView } from "../backend";
import type { CheckFailure } from "../../model/validate";
import type { OperationContext } from "../../provider/context";
import { runScript } from "./client";
import { expectedView, isPartner, isRole, knownIdentities, normalisedView, otherSide, viewJson, type RelationshipView, type Side } from "./perspective";
import { setFailoverInput } from "./plan";
import { done, type FailoverRecord } from "./results";
import { windowsRelationshipTarget, windowsTarget, type WindowsFailover, type WindowsRelationship, type WindowsTarget } from "./schema";
import { findRelationship, forget, liveStatus, readPair, statusOf, type PairRead } from "./state";
import { removeRelationship } from "./teardown";
import { MODE_CHANGE_SINCE, olderThan, versionText } from "./version";

/**
 * Windows refuses a 32nd relationship on a server (ERROR_DHCP_FO_MAX_RELATIONSHIPS). A same-name relationship
 * with another partner is not refused at check time: it may be this one, about to be replaced; create refuses it.
 */
export const MAX_RELATIONSHIPS = 31;

const SIDES: readonly Side[] = ["primary", "secondary"];

export function asTarget(spec: WindowsRelationship | WindowsTarget): WindowsTarget {
  return windowsTarget.parse(windowsRelationshipTarget(spec as unknown as Record<string, unknown>));
}

function records(pair: PairRead, name: string): Record<Side, FailoverRecord | undefined> {
  return { primary: findRelationship(pair.primary, name), secondary: findRelationship(pair.secondary, name) };
}

function actualView(spec: WindowsTarget, side: Side, record: FailoverRecord): RelationshipView {
  const partner = spec[otherSide(side)];
  return normalisedView(record, side, partner.computerName, knownIdentities(partner));
}

/** The live settings as the program would write them (refresh): the secret stays the program's while auth is on. */
function liveFailover(spec: WindowsTarget, view: RelationshipView): WindowsFailover {
  return {
    mode: view.mode,
    loadBalancePercent: view.loadBalancePercent,
    reservePercent: view.reservePercent,
    // A role outside Windows' documented two cannot be written back; the views show it as drift.
    serverRole: view.mode === "hotStandby" ? (isRole(view.serverRole) ? view.serverRole : spec.windows.serverRole) : undefined,
    maxClientLeadTimeSeconds: view.maxClientLeadTimeSeconds,
    autoStateTransition: view.autoStateTransition,
    stateSwitchIntervalSeconds: view.stateSwitchIntervalSeconds,
    sharedSecret: view.messageAuthentication ? spec.windows.sharedSecret : undefined,
  };
}

export function relationshipLive<S extends WindowsTarget>(spec: S, pair: PairRead): LiveObject<S> {
  const found = records(pair, spec.name);
  const onWindows = SIDES.filter((side) => found[side] !== undefined);
  const views: ServerView[] = SIDES.map((side) => {
    const record = found[side];
    return {
      server: spec[side].name,
      expected: onWindows.length > 0 ? viewJson(expectedView(spec.windows, spec[otherSide(side)].computerName)) : undefined,
      actual: record ? viewJson(actualView(spec, side, record)) : undefined,
    };
  });
  const status = statusOf(spec, pair);
  if (onWindows.length === 0) return { views, live: spec, status };
  const side = onWindows[0]!;
  const live = { ...spec, windows: liveFailover(spec, actualView(spec, side, found[side]!)) };
  return { views, live, status };
}

async function read(ctx: OperationContext, spec: WindowsRelationship): Promise<LiveObject<WindowsRelationship>> {
  return relationshipLive(spec, await readPair(ctx, spec));
}

function limitFailures(spec: WindowsTarget, pair: PairRead): CheckFailure[] {
  const failures: CheckFailure[] = [];
  for (const side of SIDES) {
    const read = pair[side];
    const record = findRelationship(read, spec.name);
    if (!record && read.relationships.length >= MAX_RELATIONSHIPS) {
      failures.push({
        property: `${side}.computerName`,
        reason: `${spec[side].name} (${spec[side].computerName}) already has ${read.relationships.length} failover relationships, the most Windows allows (${MAX_RELATIONSHIPS}): remove one there, or pair other servers`,
      });
    }
  }
  return failures;
}

/**
 * A mode change in place needs Windows Server 2012 R2 on both servers (the change reaches the partner); the
 * emulator, like Windows, refuses it only on the server it runs on, after other writes may have happened.
 * A record paired with another partner is about to be replaced, and replacing needs no mode change.
 */
export function modeChangeFailures(spec: WindowsTarget, pair: PairRead): CheckFailure[] {
  const found = records(pair, spec.name);
  const side = SIDES.find((s) => found[s] !== undefined && isPartner(found[s], knownIdentities(spec[otherSide(s)])));
  if (side === undefined) return [];
  const live = actualView(spec, side, found[side]!).mode;
  if (live === spec.windows.mode) return [];
  return SIDES.filter((s) => olderThan(pair[s].version, MODE_CHANGE_SINCE)).map((s) => ({
    property: "windows.mode",
    reason:
      `changing "${spec.name}" from ${live} to ${spec.windows.mode} in place needs Windows Server 2012 R2 (${versionText(MODE_CHANGE_SINCE)}) or later on both servers ` +
      `(Set-DhcpServerv4Failover -Mode), but ${spec[s].name} (${spec[s].computerName}) runs ${versionText(pair[s].version)}: ` +
      `upgrade it, keep windows.mode ${live}, or give the relationship a new name (a replacement creates it with the new mode)`,
  }));
}

async function checkLive(ctx: OperationContext, spec: WindowsRelationship): Promise<CheckFailure[]> {
  const pair = await readPair(ctx, spec);
  return [...limitFailures(spec, pair), ...modeChangeFailures(spec, pair)];
}

async function create(ctx: OperationContext, spec: WindowsRelationship, options: { adopt: boolean }): Promise<LiveObject<WindowsRelationship>> {
  const pair = await readPair(ctx, spec);
  const found = records(pair, spec.name);
  const present = SIDES.filter((side) => found[side] !== undefined).map((side) => spec[side].name);
  if (present.length > 0 && !options.adopt) {
    throw new Error(`a failover relationship named "${spec.name}" already exists on ${present.join(" and ")}: set adopt: true to manage it, or choose another name`);
  }
  const failures = limitFailures(spec, pair);
  if (failures.length > 0) throw new Error(failures.map((f) => `${f.property}: ${f.reason}`).join("; "));
  if (present.length === 0) {
    ctx.log.info(`${ctx.resource}: recorded; Windows creates it with its first scope (Add-DhcpServerv4Failover needs one)`);
  }
  return relationshipLive(spec, pair);
}

async function update(ctx: OperationContext, _old: WindowsRelationship, next: WindowsRelationship, info: { changedSecrets: string[] }): Promise<LiveObject<WindowsRelationship>> {
  let pair = await readPair(ctx, next);
  let secretChanged = info.changedSecrets.includes("windows.sharedSecret");
  const wanted = (side: Side) => expectedView(next.windows, next[otherSide(side)].computerName);
  const refused = modeChangeFailures(next, pair);
  if (refused.length > 0) throw new Error(`${refused.map((f) => `${f.property}: ${f.reason}`).join("; ")}. Nothing was changed.`);

  // ASSUMPTION (test/emulator/CONTRACT.md): Microsoft does not say which server becomes active after a mode change
  // to hot standby. Run it where the program wants the active role (the emulator's reading), and read it back:
  // a role that came out otherwise shows as drift instead of being taken for granted.
  const first = records(pair, next.name);
  const modeSide: Side = next.windows.mode === "hotStandby" && next.windows.serverRole === "standby" ? "secondary" : "primary";
  const order: Side[] = first[modeSide] && actualView(next, modeSide, first[modeSide]).mode !== next.windows.mode ? [modeSide, otherSide(modeSide)] : [...SIDES];

  for (const side of order) {
    const record = records(pair, next.name)[side];
    if (!record) continue;
    const actual = actualView(next, side, record);
    const target = wanted(side);
    if (actual.partnerServer !== target.partnerServer) {
      throw new Error(
        `on ${next[side].name}, "${next.name}" is paired with ${record.partnerServer}, not ${next[otherSide(side)].computerName}: ` +
          `a partner cannot change in place; remove the relationship on Windows or give it another name`,
      );
    }
    if (actual.mode === "hotStandby" && target.mode === "hotStandby" && actual.serverRole !== target.serverRole) {
      throw new Error(
        `on ${next[side].name}, the primary's role is ${String(actual.serverRole)}, the program wants ${String(target.serverRole)}: ` +
          `Set-DhcpServerv4Failover cannot change a role; change serverRole in the program (which replaces the relationship) or recreate it on Windows`,
      );
    }
    const plan = setFailoverInput(next.name, actual, target, side, { changed: secretChanged, value: next.windows.sharedSecret });
    if (!plan) continue;
    ctx.log.info(`${ctx.resource}: Set-DhcpServerv4Failover on ${next[side].name}: ${plan.changes.join(", ")}`);
    await runScript(ctx, next[side], "setFailover", plan.input, done);
    secretChanged = false;
    forget(ctx, next.primary, next.secondary);
    pair = await readPair(ctx, next);
  }
  return relationshipLive(next, pair);
}

async function remove(ctx: OperationContext, spec: WindowsRelationship): Promise<void> {
  const pair = await readPair(ctx, spec);
  const found = records(pair, spec.name);
  if (!found.primary && !found.secondary) return;
  const scopes = [...new Set([...(found.primary?.scopeIds ?? []), ...(found.secondary?.scopeIds ?? [])])];
  await removeRelationship(ctx, asTarget(spec), scopes);
}

function replaceDecision(old: WindowsRelationship, next: WindowsRelationship): ReplaceDecision {
  const replaces: string[] = [];
  if (old.name.toLowerCase() !== next.name.toLowerCase()) replaces.push("name");
  for (const side of SIDES) {
    if (old[side].computerName.toLowerCase() !== next[side].computerName.toLowerCase()) replaces.push(side);
  }
  const oldRole = old.windows.mode === "hotStandby" ? old.windows.serverRole : undefined;
  const nextRole = next.windows.mode === "hotStandby" ? next.windows.serverRole : undefined;
  if (oldRole !== undefined && nextRole !== undefined && oldRole !== nextRole) replaces.push("windows");
  // The same name cannot exist twice on a server: the old relationship must go first.
  return { replaces, deleteBeforeReplace: replaces.length > 0 && !replaces.includes("name") };
}

function summary(spec: WindowsRelationship): RelationshipSummary {
  const mode = spec.windows.mode === "hotStandby" ? `hot standby (${spec.windows.serverRole} primary, ${spec.windows.reservePercent}% reserve)` : `load balance ${spec.windows.loadBalancePercent}/${100 - (spec.windows.loadBalancePercent ?? 50)}`;
  return { mode, primary: spec.primary.name, secondary: spec.secondary.name };
}

export const relationshipOps: RelationshipOps<WindowsRelationship> = {
  checkLive,
  replaceDecision,
  read,
  create,
  update,
  delete: remove,
  target: (spec) => windowsRelationshipTarget(spec as unknown as Record<string, unknown>) as ReturnType<RelationshipOps<WindowsRelationship>["target"]>,
  summary,
  status: (ctx, target): Promise<FailoverStatus> => liveStatus(ctx, windowsTarget.parse(target)),
};
