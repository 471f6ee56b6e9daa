/**
 * The contract between the provider handlers (vendor-neutral) and each vendor's backend.
 *
 * A backend knows one vendor: its schemas and rules, how to read what is live on the servers, and how to
 * change it. The handlers know Pulumi: check, diff, create, read, update, delete, outputs and secrets.
 * Diffing is generic: a backend reports, per server, what the program expects there and what is there
 * (a ServerView); the handlers compare the two and explain the differences.
 */
import type { z } from "zod";
import type { CheckFailure } from "../model/validate";
import type { OperationContext } from "../provider/context";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type Vendor = "isc" | "kea" | "windows";

/** What one server holds, next to what the program wants there, in one comparable shape. */
export interface ServerView {
  /** The server's label from the program. */
  server: string;
  /** What the program wants on this server; undefined when it wants nothing there. */
  expected: Json | undefined;
  /** What the server holds; undefined when absent. */
  actual: Json | undefined;
}

/** A server's failover state as the vendor reports it, normalised to lower-case words ("normal", "partner-down"). */
export interface ServerStatus {
  state: string;
  partnerState?: string;
  /** Vendor extras worth showing: scope statistics, heartbeat age, unacked clients... */
  details?: Record<string, Json>;
  /** Set when the state could not be read, with the reason. */
  error?: string;
}

export type FailoverStatus = Record<string, ServerStatus>;

/** A live read: the views to diff, the live object as inputs (for refresh), state, and things to warn about. */
export interface LiveObject<Spec> {
  views: ServerView[];
  /** What is live, expressed as the resource's inputs would describe it; undefined when absent everywhere. */
  live: Spec | undefined;
  status?: FailoverStatus;
  warnings?: string[];
}

/** Which input properties force a replacement, and whether the old one must go first (names would collide). */
export interface ReplaceDecision {
  replaces: string[];
  deleteBeforeReplace: boolean;
}

/** The part of a relationship that memberships and replication triggers need: who, where and how to reach. */
export interface RelationshipTarget {
  vendor: Vendor;
  name: string;
  [key: string]: Json | undefined;
}

/** A one-line summary for the Failover Relationships view. */
export interface RelationshipSummary {
  mode: string;
  primary: string;
  secondary: string;
}

/** What changed besides the spec's public values: secrets are compared through their hashes. */
export interface UpdateInfo {
  /** Dotted input paths of secrets whose value changed, e.g. "windows.sharedSecret". */
  changedSecrets: string[];
}

/** The writes a handler is about to make, for the permissions preflight. */
export type ChangeKind = "create" | "update" | "delete";

/** The operations every managed resource (relationship, membership) offers. Update converges the servers to `next`. */
export interface ManagedOps<Spec> {
  /** Rules that need the live servers (refused at check time); read-only, never called with unknowns. */
  checkLive?(ctx: OperationContext, spec: Spec): Promise<CheckFailure[]>;
  /**
   * Checks, read-only and once per server per run, that the credentials may make this change on every
   * server it writes; throws a PermissionError (`backends/preflight.ts`) naming what is missing. The
   * handlers call it before create, update and delete.
   */
  preflight?(ctx: OperationContext, spec: Spec, change: ChangeKind): Promise<void>;
  replaceDecision(old: Spec, next: Spec): ReplaceDecision;
  /**
   * The commit queues a create or update of this spec submits to (see provider/runActivity.ts), so that
   * a server's batch waits for every write the engine has announced. Pure: no I/O.
   */
  commitKeys?(spec: Spec): string[];
  /**
   * The part of a spec whose change needs an update (default: all of it). A membership carrying its
   * relationship's parameters for the vendor's sake leaves them out, so that a relationship change
   * does not show every membership as changed.
   */
  comparable?(spec: Spec): unknown;
  /** Reads what is live for this spec, from every server involved; never changes anything. */
  read(ctx: OperationContext, spec: Spec): Promise<LiveObject<Spec>>;
  /** Creates it on every server; with adopt, takes over what exists without changing it. */
  create(ctx: OperationContext, spec: Spec, options: { adopt: boolean }): Promise<LiveObject<Spec>>;
  /** Makes the servers hold `next`, whatever they hold now (drift is repaired too); idempotent. */
  update(ctx: OperationContext, old: Spec, next: Spec, info: UpdateInfo): Promise<LiveObject<Spec>>;
  /** Removes it from every server; idempotent (already absent is success). */
  delete(ctx: OperationContext, spec: Spec): Promise<void>;
}

export interface RelationshipOps<Spec> extends ManagedOps<Spec> {
  /** The target that memberships and replication triggers carry (no secrets: those travel separately). */
  target(spec: Spec): RelationshipTarget;
  summary(spec: Spec): RelationshipSummary;
  /** Failover state of each server, read live. */
  status(ctx: OperationContext, target: RelationshipTarget): Promise<FailoverStatus>;
}

export type MembershipOps<Spec> = ManagedOps<Spec>;

/** Scope configuration on the source next to the partner's copy, per scope. */
export interface ScopeSync {
  scopes: Array<{ scope: string; inSync: boolean; differences: string[] }>;
  warnings?: string[];
}

export interface ReplicationResult {
  replicated: string[];
  warnings?: string[];
}

export interface ReplicationOps<Spec> {
  checkLive?(ctx: OperationContext, spec: Spec): Promise<CheckFailure[]>;
  /** As ManagedOps.preflight, before replicate writes to the partner. */
  preflight?(ctx: OperationContext, spec: Spec): Promise<void>;
  compare(ctx: OperationContext, spec: Spec): Promise<ScopeSync>;
  replicate(ctx: OperationContext, spec: Spec): Promise<ReplicationResult>;
}

/** Operations a person runs on purpose (CLI), never during preview. */
export interface StateOps {
  partnerDown?(ctx: OperationContext, target: RelationshipTarget, server: string): Promise<FailoverStatus>;
  maintenance?(ctx: OperationContext, target: RelationshipTarget, action: "start" | "cancel"): Promise<FailoverStatus>;
}

export interface Backend<RelSpec = never, MemberSpec = never, ReplSpec = never> {
  vendor: Vendor;
  schemas: {
    relationship: z.ZodType<RelSpec>;
    membership: z.ZodType<MemberSpec>;
    replication: z.ZodType<ReplSpec>;
  };
  relationship: RelationshipOps<RelSpec>;
  membership: MembershipOps<MemberSpec>;
  replication: ReplicationOps<ReplSpec>;
  state: StateOps;
}
