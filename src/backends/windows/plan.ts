/**
 * Pure planning: what Add-DhcpServerv4Failover and Set-DhcpServerv4Failover must be told, from the program's
 * settings and a server's normalised record. No I/O here.
 */
import { forServer, type RelationshipView, type Side } from "./perspective";
import type { WindowsTarget } from "./schema";

export function cmdletMode(mode: "loadBalance" | "hotStandby"): "LoadBalance" | "HotStandby" {
  return mode === "hotStandby" ? "HotStandby" : "LoadBalance";
}

/** Add-DhcpServerv4Failover's input, run on the primary: percentages and role are the primary's own. */
export function addFailoverInput(target: WindowsTarget, scopeIds: string[]): Record<string, unknown> {
  const failover = target.windows;
  return {
    name: target.name,
    partnerServer: target.secondary.computerName,
    scopeIds,
    mode: cmdletMode(failover.mode),
    loadBalancePercent: failover.loadBalancePercent ?? null,
    reservePercent: failover.reservePercent ?? null,
    serverRole: failover.serverRole === "standby" ? "Standby" : "Active",
    maxClientLeadTimeSeconds: failover.maxClientLeadTimeSeconds,
    autoStateTransition: failover.autoStateTransition,
    stateSwitchIntervalSeconds: failover.stateSwitchIntervalSeconds ?? null,
    sharedSecret: failover.sharedSecret ?? null,
  };
}

export interface SetPlan {
  input: Record<string, unknown>;
  /** Property paths that change, for messages. */
  changes: string[];
}

/**
 * Set-DhcpServerv4Failover's input for the server on `side` so that its record matches `wanted`, or
 * undefined when it already does. Percentages are given as that server's own share.
 */
export function setFailoverInput(
  name: string,
  actual: RelationshipView,
  wanted: RelationshipView,
  side: Side,
  secret: { changed: boolean; value: string | undefined },
): SetPlan | undefined {
  const input: Record<string, unknown> = {};
  const changes: string[] = [];
  const own = forServer(wanted, side);
  const modeChanges = actual.mode !== wanted.mode;
  if (modeChanges) {
    input.mode = cmdletMode(wanted.mode);
    changes.push("windows.mode");
  }
  if (wanted.mode === "loadBalance" && (modeChanges || actual.loadBalancePercent !== wanted.loadBalancePercent)) {
    input.loadBalancePercent = own.loadBalancePercent;
    changes.push("windows.loadBalancePercent");
  }
  if (wanted.mode === "hotStandby" && (modeChanges || actual.reservePercent !== wanted.reservePercent)) {
    input.reservePercent = wanted.reservePercent;
    changes.push("windows.reservePercent");
  }
  if (actual.maxClientLeadTimeSeconds !== wanted.maxClientLeadTimeSeconds) {
    input.maxClientLeadTimeSeconds = wanted.maxClientLeadTimeSeconds;
    changes.push("windows.maxClientLeadTimeSeconds");
  }
  if (actual.autoStateTransition !== wanted.autoStateTransition) {
    input.autoStateTransition = wanted.autoStateTransition;
    changes.push("windows.autoStateTransition");
  }
  if (wanted.stateSwitchIntervalSeconds !== undefined && actual.stateSwitchIntervalSeconds !== wanted.stateSwitchIntervalSeconds) {
    input.stateSwitchIntervalSeconds = wanted.stateSwitchIntervalSeconds;
    changes.push("windows.stateSwitchIntervalSeconds");
  }
  if (secret.changed || actual.messageAuthentication !== wanted.messageAuthentication) {
    input.setSharedSecret = true;
    input.sharedSecret = secret.value ?? null;
    changes.push("windows.sharedSecret");
  }
  return changes.length === 0 ? undefined : { input: { name, ...input }, changes };
}
