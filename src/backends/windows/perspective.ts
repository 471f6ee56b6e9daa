/**
 * Windows keeps one record of a relationship per server, each from that server's side: LoadBalancePercent is
 * the queried server's share and ServerRole its own role. Every view here is expressed from the PRIMARY's
 * side, so reading the secondary's complementary record never looks like drift.
 */
import type { FailoverRecord } from "./results";
import type { WindowsFailover, WindowsServer } from "./schema";

export type Side = "primary" | "secondary";

/** The relationship's settings as compared on each server, from the primary's side. */
export interface RelationshipView {
  partnerServer: string;
  mode: "loadBalance" | "hotStandby";
  loadBalancePercent?: number;
  reservePercent?: number;
  /** "active" or "standby"; any other text Windows reports is kept as it is. */
  serverRole?: string;
  maxClientLeadTimeSeconds: number;
  autoStateTransition: boolean;
  /** Only meaningful (and compared) while automatic state transition is on. */
  stateSwitchIntervalSeconds?: number;
  messageAuthentication: boolean;
}

export function otherSide(side: Side): Side {
  return side === "primary" ? "secondary" : "primary";
}

export function isRole(role: string | undefined): role is "active" | "standby" {
  return role === "active" || role === "standby";
}

function flipRole(role: "active" | "standby"): "active" | "standby" {
  return role === "active" ? "standby" : "active";
}

/**
 * The names and addresses Windows reports for the queried server's partner: PartnerServer ("IP Address or host
 * name") and, from the partner's side of the pair (ServerType), its PrimaryServerName/IP or SecondaryServerName/IP.
 */
export function reportedPartner(record: FailoverRecord): string[] {
  const type = record.serverType.toLowerCase().replace(/server$/, "");
  const partner =
    type === "primary" ? [record.secondaryServerName, record.secondaryServerIp] : type === "secondary" ? [record.primaryServerName, record.primaryServerIp] : [];
  return [record.partnerServer, ...partner].map((identity) => identity.trim()).filter((identity) => identity.length > 0);
}

/** Every name and address the program knows a server by: its computer name and what its connection reaches. */
export function knownIdentities(server: WindowsServer): string[] {
  const connection = server.connection;
  const reached = "local" in connection ? connection.local.computerName : connection.overSsh.ssh.host;
  return [...new Set([server.computerName, reached])];
}

/** Whether any identity Windows reports for the partner names one the program knows the partner by. */
export function isPartner(record: FailoverRecord, known: readonly string[]): boolean {
  return reportedPartner(record).some((reported) => known.some((identity) => sameComputer(reported, identity)));
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

/** Windows' role as the handlers' word; text outside the documented two is kept, lower case, to show as drift. */
function roleOf(serverRole: string): string {
  return serverRole.trim().toLowerCase();
}

/**
 * A server's record turned to the primary's side. `partnerComputerName` is what the program calls its partner,
 * `partnerIdentities` every name and address it knows the partner by (isPartner).
 */
export function normalisedView(record: FailoverRecord, readFrom: Side, partnerComputerName: string, partnerIdentities: readonly string[] = [partnerComputerName]): RelationshipView {
  const mode = record.mode === "HotStandby" ? "hotStandby" : "loadBalance";
  const ownRole = roleOf(record.serverRole);
  return {
    partnerServer: isPartner(record, [partnerComputerName, ...partnerIdentities]) ? partnerComputerName.toLowerCase() : record.partnerServer.toLowerCase(),
    mode,
    loadBalancePercent: mode === "loadBalance" ? (readFrom === "primary" ? record.loadBalancePercent : 100 - record.loadBalancePercent) : undefined,
    reservePercent: mode === "hotStandby" ? record.reservePercent : undefined,
    serverRole: mode === "hotStandby" ? (readFrom === "primary" || !isRole(ownRole) ? ownRole : flipRole(ownRole)) : undefined,
    maxClientLeadTimeSeconds: record.maxClientLeadTimeSeconds,
    autoStateTransition: record.autoStateTransition,
    stateSwitchIntervalSeconds: record.autoStateTransition && record.stateSwitchIntervalSeconds !== null ? record.stateSwitchIntervalSeconds : undefined,
    messageAuthentication: record.enableAuth,
  };
}

/** The primary-side percentage or role as the server on `side` must be told it (its own share, its own role). */
export function forServer(view: { loadBalancePercent?: number; serverRole?: string }, side: Side): { loadBalancePercent?: number; serverRole?: "active" | "standby" } {
  return {
    loadBalancePercent: view.loadBalancePercent === undefined ? undefined : side === "primary" ? view.loadBalancePercent : 100 - view.loadBalancePercent,
    serverRole: !isRole(view.serverRole) ? undefined : side === "primary" ? view.serverRole : flipRole(view.serverRole),
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
    COMMUNICATION_INTERRUPTED: "communication-interrupted",
    PARTNER_DOWN: "partner-down",
    POTENTIAL_CONFLICT: "potential-conflict",
    CONFLICT_DONE: "conflict-done",
    RESOLUTION_INT: "resolution-interrupted",
    RESOLUTION_INTERRUPTED: "resolution-interrupted",
    RECOVER: "recover",
    RECOVER_WAIT: "recover-wait",
    RECOVER_DONE: "recover-done",
    PAUSED: "paused",
    SHUTDOWN: "shutdown",
  };
  // MS-DHCPM's names (RECOVER_WAIT) and PowerShell's (RecoverWait) both reach here.
  const key = state.trim().toUpperCase().replace(/_/g, "");
  const found = Object.entries(words).find(([name]) => name.replace(/_/g, "") === key);
  return found ? found[1] : state.trim().toLowerCase().replace(/_/g, "-");
}

/** A view as plain JSON for the handlers' comparison (absent settings are left out, not null). */
export function viewJson(view: RelationshipView): Record<string, string | number | boolean> {
  return Object.fromEntries(Object.entries(view).filter(([, value]) => value !== undefined)) as Record<string, string | number | boolean>;
}
