/**
 * Windows keeps one record of a relationship per server, each from that server's side: LoadBalancePercent is
 * the queried server's share and ServerRole its own role. Every view here is expressed from the PRIMARY's
 * side, so reading the secondary's complementary record never looks like drift.
 */
import type { FailoverRecord } from "./results";
import type { WindowsFailover } from "./schema";

export type Side = "primary" | "secondary";

/** The relationship's settings as compared on each server, from the primary's side. */
export interface RelationshipView {
  partnerServer: string;
  mode: "loadBalance" | "hotStandby";
  loadBalancePercent?: number;
  reservePercent?: number;
  serverRole?: "active" | "standby";
  maxClientLeadTimeSeconds: number;
  autoStateTransition: boolean;
  /** Only meaningful (and compared) while automatic state transition is on. */
  stateSwitchIntervalSeconds?: number;
  messageAuthentication: boolean;
}

export function otherSide(side: Side): Side {
  return side === "primary" ? "secondary" : "primary";
}

function flipRole(role: "active" | "standby"): "active" | "standby" {
  return role === "active" ? "standby" : "active";
}

/** "dhcp2" and "dhcp2.corp.example" name the same server; Windows may report either. */
export function sameComputer(a: string, b: string): boolean {
  const left = a.toLowerCase();
  const right = b.toLowerCase();
  if (left === right) return true;
  const [shortLeft] = left.split(".");
  const [shortRight] = right.split(".");
  const oneIsShort = !left.includes(".") || !right.includes(".");
  return oneIsShort && shortLeft === shortRight && !/^\d+$/.test(shortLeft ?? "");
}

/** What the program wants a server's record to say, from the primary's side. */
export function expectedView(failover: WindowsFailover, partnerComputerName: string): RelationshipView {
  return {
    partnerServer: partnerComputerName.toLowerCase(),
    mode: failover.mode,
    loadBalancePercent: failover.mode === "loadBalance" ? failover.loadBalancePercent : undefined,
    reservePercent: failover.mode === "hotStandby" ? failover.reservePercent : undefined,
    serverRole: failover.mode === "hotStandby" ? failover.serverRole : undefined,
    maxClientLeadTimeSeconds: failover.maxClientLeadTimeSeconds,
    autoStateTransition: failover.autoStateTransition,
    stateSwitchIntervalSeconds: failover.autoStateTransition ? failover.stateSwitchIntervalSeconds : undefined,
    messageAuthentication: failover.sharedSecret !== undefined,
  };
}

/** A server's record turned to the primary's side; `partnerComputerName` is what the program calls its partner. */
export function normalisedView(record: FailoverRecord, readFrom: Side, partnerComputerName: string): RelationshipView {
  const mode = record.mode === "HotStandby" ? "hotStandby" : "loadBalance";
  const ownRole = record.serverRole === "Standby" ? "standby" : "active";
  return {
    partnerServer: sameComputer(record.partnerServer, partnerComputerName) ? partnerComputerName.toLowerCase() : record.partnerServer.toLowerCase(),
    mode,
    loadBalancePercent: mode === "loadBalance" ? (readFrom === "primary" ? record.loadBalancePercent : 100 - record.loadBalancePercent) : undefined,
    reservePercent: mode === "hotStandby" ? record.reservePercent : undefined,
    serverRole: mode === "hotStandby" ? (readFrom === "primary" ? ownRole : flipRole(ownRole)) : undefined,
    maxClientLeadTimeSeconds: record.maxClientLeadTimeSeconds,
    autoStateTransition: record.autoStateTransition,
    stateSwitchIntervalSeconds: record.autoStateTransition && record.stateSwitchIntervalSeconds !== null ? record.stateSwitchIntervalSeconds : undefined,
    messageAuthentication: record.enableAuth,
  };
}

/** The primary-side percentage or role as the server on `side` must be told it (its own share, its own role). */
export function forServer(view: { loadBalancePercent?: number; serverRole?: "active" | "standby" }, side: Side): { loadBalancePercent?: number; serverRole?: "active" | "standby" } {
  return {
    loadBalancePercent: view.loadBalancePercent === undefined ? undefined : side === "primary" ? view.loadBalancePercent : 100 - view.loadBalancePercent,
    serverRole: view.serverRole === undefined ? undefined : side === "primary" ? view.serverRole : flipRole(view.serverRole),
  };
}

/** Windows' state names ("COMMUNICATION_INT", "PartnerDown") as the handlers' lower-case words. */
export function normaliseState(state: string): string {
  const words: Record<string, string> = {
    NO_STATE: "no-state",
    INIT: "init",
    STARTUP: "startup",
    NORMAL: "normal",
    COMMUNICATION_INT: "communication-interrupted",
    COMMUNICATIONINTERRUPTED: "communication-interrupted",
    PARTNER_DOWN: "partner-down",
    PARTNERDOWN: "partner-down",
    POTENTIAL_CONFLICT: "potential-conflict",
    CONFLICT_DONE: "conflict-done",
    RESOLUTION_INT: "resolution-interrupted",
    RECOVER: "recover",
    RECOVER_WAIT: "recover-wait",
    RECOVER_DONE: "recover-done",
    PAUSED: "paused",
    SHUTDOWN: "shutdown",
  };
  const key = state.trim().toUpperCase();
  return words[key] ?? words[key.replace(/_/g, "")] ?? key.toLowerCase().replace(/_/g, "-");
}

/** A view as plain JSON for the handlers' comparison (absent settings are left out, not null). */
export function viewJson(view: RelationshipView): Record<string, string | number | boolean> {
  return Object.fromEntries(Object.entries(view).filter(([, value]) => value !== undefined)) as Record<string, string | number | boolean>;
}
