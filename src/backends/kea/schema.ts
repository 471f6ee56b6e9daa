/**
 * Kea High Availability as the program declares it: one relationship is the HA hook's relationship entry on
 * every peer (the same entry, each with its own this-server-name). Kea 2.2 does not validate HA parameters
 * before loading them and drops every hook when one is wrong, so every rule Kea's HA code enforces is
 * checked here, before anything reaches a server.
 */
import { isIP } from "node:net";
import { z } from "zod";
import { keaApiConnection, withoutCredentials } from "../../model/connections";
import { absolutePath, ipv4Network, label } from "../../model/primitives";
import { refineReplication, replicationLevel, replicationTriggers } from "../../model/replication";

/** A Kea server name: it also names the HA_<name> client class, so it stays a plain label. */
export const serverName = label;

export const HA_MODES = ["load-balancing", "hot-standby", "passive-backup"] as const;
export type HaMode = (typeof HA_MODES)[number];

export const ROLES = ["primary", "secondary", "standby", "backup"] as const;
export type Role = (typeof ROLES)[number];

/** States whose entry can be paused (Kea's state-machine.states). */
export const PAUSABLE_STATES = [
  "backup",
  "communication-recovery",
  "hot-standby",
  "load-balancing",
  "in-maintenance",
  "partner-down",
  "partner-in-maintenance",
  "passive-backup",
  "ready",
  "syncing",
  "terminated",
  "waiting",
] as const;

/** Kea parses these three delays as 16-bit milliseconds. */
const milliseconds16 = z.number().int().min(1).max(65_535);
const count32 = z.number().int().min(0).max(4_294_967_295);
/** How long a change waits for every peer to reach its HA state (kea.waitSeconds when the program gives none). */
export const DEFAULT_WAIT_SECONDS = 60;
const waitSeconds = z.number().int().min(0).max(600);

/**
 * What the peers use to reach each other: http or https (ha_config.cc refuses https only without TLS,
 * checked on the relationship), and an IP literal: Kea refuses host names ("bad url …: Failed to
 * convert string to address", ha_config_unittest.cc badURLName).
 */
export const peerUrl = z
  .url({ protocol: /^https?$/ })
  .refine((url) => isIP(hostOf(url)) !== 0, { message: 'must name its host by IP address (Kea refuses host names in HA URLs), e.g. "http://192.0.2.11:8000/"' })
  .refine(withoutCredentials, { message: "must not carry credentials (user:password@): give them as basicAuthUser and basicAuthPassword, which are kept secret" });

function hostOf(url: string): string {
  return new URL(url).hostname.replace(/^\[(.*)\]$/, "$1");
}

function hostPort(url: string): string {
  const parsed = new URL(url);
  const port = parsed.port || (parsed.protocol === "https:" ? "443" : "80");
  return `${hostOf(url)}:${port}`;
}

const tlsFiles = z.strictObject({
  /** Paths on the server (Kea reads them), not file contents. */
  trustAnchor: absolutePath.optional(),
  certFile: absolutePath.optional(),
  keyFile: absolutePath.optional(),
});

export const keaPeer = z.strictObject({
  /** The server's name in the relationship (this-server-name on that server). */
  name: serverName,
  /** Where the other peers reach this one: the Control Agent (2.x without a dedicated listener) or the HA listener. */
  url: peerUrl,
  role: z.enum(ROLES),
  autoFailover: z.boolean().default(true),
  /** Credentials the other peers present to this peer's listener. */
  basicAuthUser: z.string().min(1).regex(/^[^:]*$/, { message: "must not contain ':' (HTTP basic auth separates user and password with it)" }).optional(),
  basicAuthPassword: z.string().min(1).optional(),
  /** This peer's TLS files, overriding kea.tls. */
  tls: tlsFiles.optional(),
  /** How this library reaches the server: the Control Agent URL (2.x) or the daemon's HTTP control socket (3.x). */
  api: keaApiConnection,
  /** The server's own configuration file: config-write writes the running configuration there. */
  configPath: absolutePath,
  /** Where the server's hook libraries live; read from the server's build report when omitted. */
  hooksDirectory: absolutePath.optional(),
});
export type KeaPeer = z.output<typeof keaPeer>;

export const keaSettings = z.strictObject({
  mode: z.enum(HA_MODES),
  heartbeatDelay: milliseconds16.default(10_000),
  maxResponseDelay: milliseconds16.default(60_000),
  maxAckDelay: milliseconds16.default(10_000),
  /** 0: partner-down as soon as the partner stops answering and a client is seen unanswered. */
  maxUnackedClients: count32.default(10),
  /** Kea 2.4+. */
  maxRejectedLeaseUpdates: count32.optional(),
  /** Load-balancing only (Kea's default there is 100; elsewhere it must stay 0). */
  delayedUpdatesLimit: count32.optional(),
  sendLeaseUpdates: z.boolean().default(true),
  syncLeases: z.boolean().default(true),
  syncTimeout: count32.min(1).default(60_000),
  syncPageLimit: count32.min(1).default(10_000),
  /** Passive-backup only. */
  waitBackupAck: z.boolean().default(false),
  multiThreading: z
    .strictObject({
      enableMultiThreading: z.boolean(),
      httpDedicatedListener: z.boolean(),
      /** 0: as many as the DHCP service's threads. */
      httpListenerThreads: count32.default(0),
      httpClientThreads: count32.default(0),
    })
    .optional(),
  /** Pause the state machine on entering these states: { "waiting": "once" }. */
  statePauses: z.partialRecord(z.enum(PAUSABLE_STATES), z.enum(["never", "once", "always"])).optional(),
  /** TLS between the peers, for every peer unless a peer sets its own files. */
  tls: tlsFiles.extend({ requireClientCerts: z.boolean().default(true) }).optional(),
  restrictCommands: z.boolean().optional(),
  /** How long apply waits for every peer to reach its HA state before it reports them; 0 does not wait. */
  waitSeconds: waitSeconds.default(DEFAULT_WAIT_SECONDS),
});
export type KeaSettings = z.output<typeof keaSettings>;

export const keaRelationship = z
  .strictObject({
    vendor: z.literal("kea"),
    /** The relationship's label in messages, ids and ownership marks on the servers. */
    name: label,
    peers: z.array(keaPeer).min(2).max(16),
    kea: keaSettings,
    /** Take over a relationship that already exists on the servers instead of failing. */
    adopt: z.boolean().default(false),
  })
  .superRefine((spec, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
    checkRoles(spec.peers, spec.kea.mode, issue);
    unique(spec.peers, (p) => p.name, "name", "peer names must be unique", issue);
    unique(spec.peers, (p) => hostPort(p.url), "url", "two peers cannot listen on the same address and port", issue);
    unique(spec.peers, (p) => new URL(p.api.url).href, "api.url", "two peers cannot be the same server (one api.url each)", issue);
    const { kea } = spec;
    if (kea.waitBackupAck && kea.mode !== "passive-backup") {
      issue(["kea", "waitBackupAck"], `Kea refuses wait-backup-ack in ${kea.mode}: remove it (it applies to passive-backup only)`);
    }
    if ((kea.delayedUpdatesLimit ?? 0) > 0 && kea.mode !== "load-balancing") {
      issue(["kea", "delayedUpdatesLimit"], `must be 0 in ${kea.mode} (Kea refuses communication-recovery outside load-balancing)`);
    }
    // No rule ties maxResponseDelay to heartbeatDelay: Kea has none (ha_config.cc, HAConfig::validate,
    // 2.2–3.0) and real configs set the two equal.
    const mt = kea.multiThreading;
    if (mt && mt.httpDedicatedListener && !mt.enableMultiThreading) {
      issue(["kea", "multiThreading", "httpDedicatedListener"], "needs enableMultiThreading: true (the dedicated listener is part of HA multi-threading)");
    }
    spec.peers.forEach((peer, index) => {
      if (peer.basicAuthPassword !== undefined && peer.basicAuthUser === undefined) {
        issue(["peers", index, "basicAuthUser"], "is required with basicAuthPassword (Kea sends no credentials without a user)");
      }
      const files = { ...(kea.tls ?? {}), ...(peer.tls ?? {}) };
      const given = (["trustAnchor", "certFile", "keyFile"] as const).filter((key) => files[key] !== undefined);
      if (given.length > 0 && given.length < 3) {
        const missing = (["trustAnchor", "certFile", "keyFile"] as const).filter((key) => files[key] === undefined);
        issue(["peers", index, "tls"], `TLS needs trustAnchor, certFile and keyFile together (Kea: all or none): add ${missing.join(", ")} here or in kea.tls`);
      }
      // ha_config.cc (HAConfig::validate, 2.2–3.0): "bad url …: https scheme is not supported for
      // server … where TLS is disabled"; the reverse, TLS settings with an http URL, Kea accepts.
      const https = new URL(peer.url).protocol === "https:";
      if (https && given.length === 0) issue(["peers", index, "url"], "uses https but no TLS files are configured: add kea.tls (or this peer's tls), or use http");
      if (mt?.httpDedicatedListener && hostPort(peer.url) === hostPort(peer.api.url)) {
        issue(["peers", index, "url"], "with a dedicated HA listener, the peer URL must use another port than the control API (api.url) on the same address");
      }
    });
  });
export type KeaRelationship = z.output<typeof keaRelationship>;

type Issue = (path: (string | number)[], message: string) => void;

function checkRoles(peers: ReadonlyArray<{ role: Role }>, mode: HaMode, issue: Issue): void {
  const count = (role: Role) => peers.filter((p) => p.role === role).length;
  const firstIndex = (role: Role) => peers.findIndex((p) => p.role === role);
  if (count("primary") !== 1) {
    issue(["peers"], `needs exactly one peer with role "primary" (found ${count("primary")})`);
  }
  for (const role of ["secondary", "standby"] as const) {
    if (count(role) > 1) issue(["peers"], `allows at most one peer with role "${role}" (found ${count(role)})`);
  }
  const need: Record<HaMode, { required?: Role; forbidden: Role[] }> = {
    "load-balancing": { required: "secondary", forbidden: ["standby"] },
    "hot-standby": { required: "standby", forbidden: ["secondary"] },
    "passive-backup": { required: "backup", forbidden: ["secondary", "standby"] },
  };
  const rule = need[mode];
  if (rule.required && count(rule.required) === 0) issue(["peers"], `${mode} needs a peer with role "${rule.required}"`);
  for (const role of rule.forbidden) {
    if (count(role) > 0) issue(["peers", firstIndex(role), "role"], `"${role}" is not allowed in ${mode}`);
  }
}

function unique<T>(items: readonly T[], key: (item: T) => string, property: string, message: string, issue: Issue): void {
  const seen = new Map<string, number>();
  items.forEach((item, index) => {
    const value = key(item);
    const first = seen.get(value);
    if (first !== undefined) issue(["peers", index, ...property.split(".")], `${message} (same as peers[${first}])`);
    else seen.set(value, index);
  });
}

/** A peer as memberships and triggers carry it: who it is and how to reach it, no HA settings. */
export const keaTargetPeer = keaPeer.pick({ name: true, role: true, api: true, configPath: true });
export type KeaTargetPeer = z.output<typeof keaTargetPeer>;

/** Who the relationship is and how to reach its servers: what memberships and triggers carry. */
export const keaTarget = z
  .strictObject({
    vendor: z.literal("kea"),
    name: label,
    /** Memberships split pools in load-balancing and keep them whole otherwise. */
    mode: z.enum(HA_MODES),
    peers: z.array(keaTargetPeer).min(2).max(16),
    /** kea.waitSeconds, for a membership's wait after its change; absent: DEFAULT_WAIT_SECONDS. */
    waitSeconds: waitSeconds.optional(),
  })
  .superRefine((target, ctx) => {
    if (target.peers.filter((p) => p.role === "primary").length !== 1) {
      ctx.addIssue({ code: "custom", path: ["peers"], message: 'needs exactly one peer with role "primary"' });
    }
  });
export type KeaTarget = z.output<typeof keaTarget>;

export const keaMembership = z.strictObject({
  vendor: z.literal("kea"),
  relationship: keaTarget,
  /** The subnet, as network/prefix: "10.231.2.0/24". */
  scope: ipv4Network,
  /** On removal, what happens to a copy of the subnet this membership put on a partner. */
  partnerCopy: z.enum(["delete", "keep"]).default("delete"),
  adopt: z.boolean().default(false),
});
export type KeaMembership = z.output<typeof keaMembership>;

export const keaReplication = z
  .strictObject({
    vendor: z.literal("kea"),
    relationship: keaTarget,
    /** The peer whose subnet definitions are copied to the others. */
    source: serverName,
    level: replicationLevel,
    scopes: z.array(ipv4Network).min(1).optional(),
    triggers: replicationTriggers,
  })
  .superRefine((spec, ctx) => refineReplication(spec, spec.relationship.peers.map((p) => p.name), ctx, "peers"));
export type KeaReplication = z.output<typeof keaReplication>;

/**
 * The target memberships and triggers carry: identity, mode and how to reach each peer, not the timers,
 * so that changing a timer does not touch the memberships; and waitSeconds when the program sets it (a
 * membership's change waits that long; memberships leave it out of their comparison). Runs on the
 * program side with raw arguments.
 */
export function keaRelationshipTarget(args: Record<string, unknown>): Record<string, unknown> {
  const peers = Array.isArray(args.peers) ? (args.peers as Array<Record<string, unknown>>) : [];
  const kea = (args.kea ?? {}) as Record<string, unknown>;
  return {
    vendor: "kea",
    name: args.name,
    mode: kea.mode,
    peers: peers.map((peer) => ({ name: peer.name, role: peer.role, api: peer.api, configPath: peer.configPath })),
    ...(kea.waitSeconds === undefined ? {} : { waitSeconds: kea.waitSeconds }),
  };
}
