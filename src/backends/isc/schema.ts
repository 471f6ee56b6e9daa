/**
 * ISC dhcpd 4.4 failover as the program declares it: one relationship is the `failover peer "NAME"` block
 * on both servers, written mirrored (each side's address and port swapped), with dhcpd's own rules checked
 * here so that nothing dhcpd would refuse ever reaches a server.
 */
import { z } from "zod";
import { sshConnection } from "../../model/connections";
import { absolutePath, command, commandWord, ipv4, ipv4Network, label, port, seconds } from "../../model/primitives";
import { ConfValue } from "./conf";
import { refineReplication, replicationLevel, replicationTriggers } from "../../model/replication";

/** A peer name is written as a quoted string; these characters could never round-trip through dhcpd's lexer. */
export const peerName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9 _.:@+-]*$/, {
    message: "must start with a letter or digit and use only letters, digits, spaces and _ . : @ + -",
  });

const percent = z.number().int().min(0).max(100);

/**
 * Where a server's failover peer listens (`address`) and its partner connects (`peer address`):
 * dhcpd reads either with parse_ip_addr_or_hostname (confpars.c), so a DNS name is as valid as an IPv4 address.
 */
export const peerHost = z.string().superRefine((value, ctx) => {
  try {
    ConfValue.host(value);
  } catch (error) {
    ctx.addIssue({ code: "custom", message: `must be an IPv4 address or a DNS name (${(error as Error).message})` });
  }
});

/**
 * The statements dhcpd's parse_failover_peer (confpars.c) reads besides roles, addresses, ports and
 * the load-balancing method. Each is written only when the program sets it: an absent statement
 * stays absent and dhcpd applies its own default (VENDOR_DEFAULTS in peerSpec.ts).
 */
const peerStatements = {
  maxResponseDelay: seconds.optional(),
  maxUnackedUpdates: seconds.optional(),
  /** Absent (dhcpd's 0) disables load balancing: "load balancing will be disabled … because its load balance max secs is 0". */
  loadBalanceMaxSeconds: seconds.optional(),
  /** Seconds in communications-interrupted before entering partner-down on its own; 0 turns it off. */
  autoPartnerDown: seconds.optional(),
  maxLeaseMisbalance: percent.optional(),
  maxLeaseOwnership: percent.optional(),
  minBalance: seconds.optional(),
  maxBalance: seconds.optional(),
};
export type PeerStatementKey = keyof typeof peerStatements;
export const PEER_STATEMENT_KEYS = Object.keys(peerStatements) as PeerStatementKey[];

/**
 * Statements each side may set for itself (dhcpd allows them to differ between the two peers). null
 * means "not on this side" where the relationship sets the statement for both.
 */
export const sideStatements = z.strictObject({
  maxResponseDelay: seconds.nullable().optional(),
  maxUnackedUpdates: seconds.nullable().optional(),
  loadBalanceMaxSeconds: seconds.nullable().optional(),
  autoPartnerDown: seconds.nullable().optional(),
  maxLeaseMisbalance: percent.nullable().optional(),
  maxLeaseOwnership: percent.nullable().optional(),
  minBalance: seconds.nullable().optional(),
  maxBalance: seconds.nullable().optional(),
  /** dhcpd accepts mclt on a secondary (only split and hba are primary-only, confpars.c); the primary's is isc.mclt. */
  mclt: seconds.nullable().optional(),
  /** Primary only: dhcpd rejects them on a secondary. Accepted here to name the rule when misplaced. */
  split: z.number().int().min(0).max(256).optional(),
  hba: z.string().optional(),
});
export type SideStatements = z.output<typeof sideStatements>;

/** DEFAULT_FAILOVER_PORT (includes/failover.h): what an absent `port` or `peer port` means. */
export const DHCPD_FAILOVER_PORT = 647;

const HBA = /^([0-9a-fA-F]{2}:){31}[0-9a-fA-F]{2}$/;

/**
 * The relationship's statements. The primary must have mclt and split or hba ("primary failover server
 * must have hba or split." / "… must have mclt.", confpars.c), so those two have this library's defaults
 * (mclt 3600, split 128); every other statement is written only when set (ISC advises
 * load balance max seconds 3 and max-unacked-updates 10: set them to get them).
 */
export const iscFailover = z.strictObject({
  mclt: z.number().int().min(1).max(86_400).default(3600),
  split: z.number().int().min(0).max(256).optional(),
  hba: z.string().regex(HBA, { message: "must be 32 colon-separated hex bytes (64 hex digits)" }).optional(),
  ...peerStatements,
});
export type IscFailover = z.output<typeof iscFailover>;

export const omapiSettings = z.strictObject({
  /** Where OMAPI listens; defaults to the server's failover address. */
  address: ipv4.optional(),
  port: port.default(7911),
  keyName: z.string().min(1).max(64).regex(/^[A-Za-z0-9._-]+$/, { message: "must be a plain key name" }),
  algorithm: z.enum(["hmac-md5", "hmac-sha1", "hmac-sha224", "hmac-sha256", "hmac-sha384", "hmac-sha512"]).default("hmac-sha256"),
  /** The key's base64 secret, as in dhcpd.conf's `key` statement (omshell reads it on a line of its own). */
  secret: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, { message: "must be the key's base64 secret" }),
});

export const iscServer = z.strictObject({
  /** The server's label in messages and outputs. */
  name: label,
  /** The address this server's failover peer listens on (its `address` statement): an IPv4 address or a DNS name. */
  address: peerHost,
  /** This server's failover port (its `port` statement; the partner's `peer port`); without it neither is written and dhcpd uses 647. */
  port: port.optional(),
  ssh: sshConnection,
  configPath: absolutePath.default("/etc/dhcp/dhcpd.conf"),
  /** The dhcpd binary used to validate (`dhcpd -t -cf FILE`) before anything is written. */
  dhcpd: commandWord.default("dhcpd"),
  /** dhcpd has no reload: every change is a restart. */
  restart: command.default(["systemctl", "restart", "isc-dhcp-server"]),
  /** Exits 0 while dhcpd runs; used to check that a restarted dhcpd came back. */
  isRunning: command.default(["systemctl", "is-active", "--quiet", "isc-dhcp-server"]),
  /** A file on the server that serialises runs; defaults next to the config. */
  lockPath: absolutePath.optional(),
  /** OMAPI, for failover state and partner-down; without it the state outputs say "unknown". */
  omapi: omapiSettings.optional(),
  /** This side's own statements, overriding the relationship's. */
  failover: sideStatements.optional(),
});
export type IscServer = z.output<typeof iscServer>;

/**
 * Who the relationship is, how to reach both servers, and its statements: what memberships and triggers
 * carry. dhcpd refuses a peer that no pool refers to, so the first membership writes the peer block.
 */
export const iscTarget = z.strictObject({
  vendor: z.literal("isc"),
  name: peerName,
  primary: iscServer,
  secondary: iscServer,
  isc: iscFailover.prefault({}),
  waitForNormalSeconds: z.number().int().min(0).max(3600).default(60),
});
export type IscTarget = z.output<typeof iscTarget>;

export const iscRelationship = z
  .strictObject({
    vendor: z.literal("isc"),
    name: peerName,
    primary: iscServer,
    secondary: iscServer,
    isc: iscFailover.prefault({}),
    /**
     * When this is a server's first failover peer, make every other pool on the server refer to it
     * (Micetro's behaviour), instead of only the pools that memberships name.
     */
    claimAllPools: z.boolean().default(false),
    /** Where pools that refer to this peer go when it is deleted and two or more other peers remain. */
    reassignPoolsTo: peerName.optional(),
    /** How long create and update wait for both peers to reach normal (reported in status either way). */
    waitForNormalSeconds: z.number().int().min(0).max(3600).default(60),
    /** Take over a relationship that already exists on the servers instead of failing. */
    adopt: z.boolean().default(false),
  })
  .superRefine((spec, ctx) => {
    if (spec.isc.split !== undefined && spec.isc.hba !== undefined) {
      ctx.addIssue({ code: "custom", path: ["isc", "hba"], message: "give split or hba, not both (dhcpd accepts one load-balancing method)" });
    }
    for (const side of ["primary", "secondary"] as const) {
      const own = spec[side].failover;
      if (!own) continue;
      for (const key of ["mclt", "split", "hba"] as const) {
        if (own[key] === undefined || (key === "mclt" && side === "secondary")) continue;
        const fix = side === "secondary" ? `only the primary may set ${key} (dhcpd: "secondary may not define load balance settings."): move it to isc.${key}` : `set it once as isc.${key}`;
        ctx.addIssue({ code: "custom", path: [side, "failover", key], message: fix });
      }
    }
    if (spec.primary.name === spec.secondary.name) {
      ctx.addIssue({ code: "custom", path: ["secondary", "name"], message: "must differ from primary.name" });
    }
    if (spec.primary.address === spec.secondary.address && (spec.primary.port ?? DHCPD_FAILOVER_PORT) === (spec.secondary.port ?? DHCPD_FAILOVER_PORT)) {
      ctx.addIssue({ code: "custom", path: ["secondary", "address"], message: "the two peers cannot listen on the same address and port" });
    }
    if (spec.reassignPoolsTo === spec.name) {
      ctx.addIssue({ code: "custom", path: ["reassignPoolsTo"], message: "must name another failover peer, not this one" });
    }
  });
export type IscRelationship = z.output<typeof iscRelationship>;

export const iscMembership = z.strictObject({
  vendor: z.literal("isc"),
  relationship: iscTarget,
  /** The subnet, as network/prefix: "10.231.11.0/24". */
  scope: ipv4Network,
  /** Which of the subnet's pools join (0-based, in file order); all of them when omitted. */
  pools: z.array(z.number().int().min(0)).min(1).optional(),
  /** On removal, what happens to the copy this membership put on the partner (if it copied one). */
  partnerCopy: z.enum(["delete", "keep"]).default("delete"),
  adopt: z.boolean().default(false),
});
export type IscMembership = z.output<typeof iscMembership>;

export const iscReplication = z
  .strictObject({
    vendor: z.literal("isc"),
    relationship: iscTarget,
    /** The server whose configuration is copied: the primary's or the secondary's label. */
    source: label,
    level: replicationLevel,
    /** The subnets to copy at scope level. */
    scopes: z.array(ipv4Network).min(1).optional(),
    triggers: replicationTriggers,
  })
  .superRefine((spec, ctx) => refineReplication(spec, [spec.relationship.primary.name, spec.relationship.secondary.name], ctx));
export type IscReplication = z.output<typeof iscReplication>;

/** The target memberships and triggers carry: identity, connections and the peer's statements. */
export function iscRelationshipTarget(spec: {
  name: unknown;
  primary: unknown;
  secondary: unknown;
  isc?: unknown;
  waitForNormalSeconds?: unknown;
}): Record<string, unknown> {
  const target: Record<string, unknown> = { vendor: "isc", name: spec.name, primary: spec.primary, secondary: spec.secondary, isc: spec.isc ?? {} };
  if (spec.waitForNormalSeconds !== undefined) target.waitForNormalSeconds = spec.waitForNormalSeconds;
  return target;
}
