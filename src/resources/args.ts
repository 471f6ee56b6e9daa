/**
 * The arguments of each resource, per vendor, derived from the vendors' zod schemas (the one source of
 * truth) with every value accepting a pulumi.Input.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type { Vendor } from "../backends/backend";
import type { iscMembership, iscRelationship, iscReplication } from "../backends/isc/schema";
import type { keaMembership, keaRelationship, keaReplication } from "../backends/kea/schema";
import type { windowsMembership, windowsRelationship, windowsReplication } from "../backends/windows/schema";

type Primitive = string | number | boolean | null | undefined;

/** Every nested value may be a pulumi.Input (an Output of another resource, a secret from config...). */
export type DeepInput<T> = T extends Primitive
  ? pulumi.Input<T>
  : T extends ReadonlyArray<infer U>
    ? pulumi.Input<Array<DeepInput<U>>>
    : pulumi.Input<{ [K in keyof T]: DeepInput<T[K]> }>;

type Args<T> = { [K in keyof T]: DeepInput<T[K]> };

/** Arguments of a FailoverRelationship; `name` defaults to the resource's name. */
export interface RelationshipArgsByVendor {
  isc: Args<Omit<z.input<typeof iscRelationship>, "vendor" | "name">>;
  kea: Args<Omit<z.input<typeof keaRelationship>, "vendor" | "name">>;
  windows: Args<Omit<z.input<typeof windowsRelationship>, "vendor" | "name">>;
}

/** What a membership adds besides its relationship and scope. */
export interface MembershipArgsByVendor {
  isc: Args<Omit<z.input<typeof iscMembership>, "vendor" | "relationship" | "scope" | "adopt">>;
  kea: Args<Omit<z.input<typeof keaMembership>, "vendor" | "relationship" | "scope" | "adopt">>;
  windows: Args<Omit<z.input<typeof windowsMembership>, "vendor" | "relationship" | "scope" | "adopt">>;
}

/** What a replication trigger adds besides its relationship, source, level, scopes and triggers. */
export interface ReplicationArgsByVendor {
  isc: Args<Omit<z.input<typeof iscReplication>, "vendor" | "relationship" | "source" | "level" | "scopes" | "triggers">>;
  kea: Args<Omit<z.input<typeof keaReplication>, "vendor" | "relationship" | "source" | "level" | "scopes" | "triggers">>;
  windows: Args<Omit<z.input<typeof windowsReplication>, "vendor" | "relationship" | "source" | "level" | "scopes" | "triggers">>;
}

export type RelationshipArgs<V extends Vendor> = { vendor: V; name?: pulumi.Input<string> } & RelationshipArgsByVendor[V];
