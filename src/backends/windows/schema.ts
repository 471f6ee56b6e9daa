/**
 * Windows DHCP Server failover as the program declares it. A relationship lives on both servers (Windows
 * stores one record per server, each from its own perspective); the DhcpServer cmdlets' documented limits
 * are checked here so that nothing Windows would refuse ever reaches a server.
 */
import { isIP } from "node:net";
import { z } from "zod";
import { powerShellConnection } from "../../model/connections";
import { hostname, label } from "../../model/primitives";
import { refineReplication, replicationLevel, replicationTriggers } from "../../model/replication";

/** Windows accepts up to 126 characters; these characters are safe in every message and state file. */
export const relationshipName = z
  .string()
  .min(1)
  .max(126)
  .refine((name) => ![...name].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f), {
    message: "must not contain control characters (newlines, tabs...)",
  });

/** A Windows scope id: the scope's network address, "10.0.0.0". Failover is IPv4 only. */
export const scopeId = z.string().superRefine((value, ctx) => {
  if (isIP(value.split("/")[0]!) === 6) {
    ctx.addIssue({ code: "custom", message: "Windows DHCP failover supports IPv4 scopes only (DHCPv6 scopes cannot fail over)" });
  } else if (isIP(value) !== 4) {
    ctx.addIssue({ code: "custom", message: 'must be an IPv4 scope id (the scope\'s network address) such as "10.0.0.0", without a prefix length' });
  }
});

const percent = z.number().int().min(0).max(100);

export const windowsServer = z.strictObject({
  /** The server's label in messages and outputs. */
  name: label,
  /** The DHCP server's name as its partner knows it: Add-DhcpServerv4Failover's -PartnerServer and, over SSH, -ComputerName. */
  computerName: hostname,
  connection: powerShellConnection,
});
export type WindowsServer = z.output<typeof windowsServer>;

/** The relationship's parameters: everything Add-DhcpServerv4Failover takes besides the name, the servers and the scopes. */
export const windowsFailover = z
  .strictObject({
    mode: z.enum(["loadBalance", "hotStandby"]).default("loadBalance"),
    /** Load balance: the primary's share of clients; the secondary serves the rest. */
    loadBalancePercent: percent.optional(),
    /** Hot standby: the share of free addresses kept for the standby server. */
    reservePercent: percent.optional(),
    /** Hot standby: the primary's role; the secondary takes the other one. */
    serverRole: z.enum(["active", "standby"]).optional(),
    maxClientLeadTimeSeconds: z.number().int().min(1).max(86_400 * 365).default(3600),
    /** Seconds in COMMUNICATION INTERRUPTED before PARTNER DOWN; setting it turns automatic transition on. */
    stateSwitchIntervalSeconds: z.number().int().min(1).max(86_400 * 365).optional(),
    autoStateTransition: z.boolean().optional(),
    /** Turns message authentication on; write-only on Windows (only EnableAuth reads back). */
    sharedSecret: z.string().min(1).optional(),
  })
  .superRefine((spec, ctx) => {
    if (spec.mode === "loadBalance") {
      for (const key of ["reservePercent", "serverRole"] as const) {
        if (spec[key] !== undefined) ctx.addIssue({ code: "custom", path: [key], message: 'applies only when mode is "hotStandby": remove it or set mode' });
      }
    } else if (spec.loadBalancePercent !== undefined) {
      ctx.addIssue({ code: "custom", path: ["loadBalancePercent"], message: 'applies only when mode is "loadBalance": remove it or set mode' });
    }
    if (spec.autoStateTransition === false && spec.stateSwitchIntervalSeconds !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["autoStateTransition"],
        message: "Windows turns automatic state transition on whenever stateSwitchIntervalSeconds is set: remove one of the two",
      });
    }
  })
  .transform((spec) => ({
    ...spec,
    loadBalancePercent: spec.mode === "loadBalance" ? (spec.loadBalancePercent ?? 50) : undefined,
    reservePercent: spec.mode === "hotStandby" ? (spec.reservePercent ?? 5) : undefined,
    serverRole: spec.mode === "hotStandby" ? (spec.serverRole ?? "active") : undefined,
    autoStateTransition: spec.autoStateTransition ?? spec.stateSwitchIntervalSeconds !== undefined,
  }));
export type WindowsFailover = z.output<typeof windowsFailover>;

/** Micetro's choices when a relationship that holds scopes goes away. */
export const windowsOnDelete = z.strictObject({
  /** The server whose copies of the scopes stay as they are. */
  keepScopesOn: z.enum(["primary", "secondary"]).default("primary"),
  /** What happens to the other server's copies: deleted, or kept but deactivated. */
  otherCopies: z.enum(["delete", "disable"]).default("delete"),
});

function distinctServers(spec: { primary: WindowsServer; secondary: WindowsServer }, ctx: z.RefinementCtx, prefix: PropertyKey[] = []): void {
  if (spec.primary.name === spec.secondary.name) {
    ctx.addIssue({ code: "custom", path: [...prefix, "secondary", "name"], message: "must differ from primary.name" });
  }
  if (spec.primary.computerName.toLowerCase() === spec.secondary.computerName.toLowerCase()) {
    ctx.addIssue({ code: "custom", path: [...prefix, "secondary", "computerName"], message: "a failover relationship needs two different servers" });
  }
}

/**
 * What memberships and triggers carry: identity, connections and, for Windows only, the relationship's
 * parameters and delete choices, because the first membership creates the relationship on Windows
 * (Add-DhcpServerv4Failover needs a scope) and the last one's removal follows the delete choices.
 */
export const windowsTarget = z
  .strictObject({
    vendor: z.literal("windows"),
    name: relationshipName,
    primary: windowsServer,
    secondary: windowsServer,
    windows: windowsFailover.prefault({}),
    onDelete: windowsOnDelete.prefault({}),
  })
  .superRefine((spec, ctx) => distinctServers(spec, ctx));
export type WindowsTarget = z.output<typeof windowsTarget>;

export const windowsRelationship = z
  .strictObject({
    vendor: z.literal("windows"),
    name: relationshipName,
    primary: windowsServer,
    secondary: windowsServer,
    windows: windowsFailover.prefault({}),
    onDelete: windowsOnDelete.prefault({}),
    /** Take over a relationship that already exists on the servers instead of failing. */
    adopt: z.boolean().default(false),
  })
  .superRefine((spec, ctx) => distinctServers(spec, ctx));
export type WindowsRelationship = z.output<typeof windowsRelationship>;

export const windowsMembership = z.strictObject({
  vendor: z.literal("windows"),
  relationship: windowsTarget,
  /** The scope id, "10.0.0.0": it must exist on the primary and not on the secondary (Windows copies it there). */
  scope: scopeId,
  adopt: z.boolean().default(false),
});
export type WindowsMembership = z.output<typeof windowsMembership>;

export const windowsReplication = z
  .strictObject({
    vendor: z.literal("windows"),
    relationship: windowsTarget,
    /** The server whose scope configuration overwrites its partner's: the primary's or the secondary's label. */
    source: label,
    level: replicationLevel,
    scopes: z.array(scopeId).min(1).optional(),
    triggers: replicationTriggers,
  })
  .superRefine((spec, ctx) => refineReplication(spec, [spec.relationship.primary.name, spec.relationship.secondary.name], ctx));
export type WindowsReplication = z.output<typeof windowsReplication>;

/** The target memberships and triggers carry (see windowsTarget for why the parameters are part of it). */
export function windowsRelationshipTarget(spec: Record<string, unknown>): Record<string, unknown> {
  return {
    vendor: "windows",
    name: spec.name,
    primary: spec.primary,
    secondary: spec.secondary,
    windows: spec.windows,
    onDelete: spec.onDelete,
  };
}
