import * as pulumi from "@pulumi/pulumi";
import type { Vendor } from "../backends/backend";
import type { ReplicationArgsByVendor } from "./args";
import type { FailoverRelationship } from "./failoverRelationship";
import { dependencies } from "./failoverScopeMembership";
import { providerFor } from "./provider";
import { SECRET_OUTPUTS, toWireInputs, withOutputKeys } from "./wire";

const OUTPUTS = ["replicated", "outOfSync", "stateVersion", "warnings", "secretHashes"];

export type ReplicationTriggerArgs<V extends Vendor> = {
  relationship: FailoverRelationship<V>;
  /** The label of the server whose scope configuration is copied to its partner. */
  source: pulumi.Input<string>;
  /** One scope (or a list), every scope of the relationship, or every failover scope on the source server. */
  level: pulumi.Input<"scope" | "relationship" | "server">;
  scopes?: pulumi.Input<pulumi.Input<string>[]>;
  /** Replication runs when the trigger is created and again whenever these values change. */
  triggers?: pulumi.Input<pulumi.Input<unknown>[]>;
} & Partial<ReplicationArgsByVendor[V]>;

/**
 * The trigger's dependencies: the given ones plus every membership of its relationship that the program
 * declares in the same turn of the event loop, before or after the trigger (a replication must copy what
 * those memberships write). A membership that itself depends on the trigger is left out: that order is the
 * program's own choice, and waiting on it would never end.
 */
function afterDeclaredMemberships(
  relationship: FailoverRelationship,
  given: pulumi.Input<pulumi.Resource>[],
  self: () => pulumi.Resource,
): Promise<pulumi.Input<pulumi.Resource>[]> {
  return new Promise((resolve) =>
    setImmediate(() => {
      const trigger = self();
      const members = relationship.declaredMemberships.filter((m) => !m.dependsOn.includes(trigger)).map((m) => m.resource);
      resolve([...given, ...members]);
    }),
  );
}

/**
 * Copies scope configuration from one server to its partner, as Windows IPAM and Micetro do: failover
 * replicates leases, never configuration. Its preview reports scopes whose two copies differ.
 */
export class ReplicationTrigger<V extends Vendor = Vendor> extends pulumi.dynamic.Resource {
  /** The scopes the last run copied. */
  declare readonly replicated: pulumi.Output<string[]>;
  /** Scopes whose copies differed after the last run or refresh, with what differs. */
  declare readonly outOfSync: pulumi.Output<Array<{ scope: string; differences: string[] }>>;
  declare readonly warnings: pulumi.Output<string[]>;
  declare readonly stateVersion: pulumi.Output<number>;

  constructor(name: string, args: ReplicationTriggerArgs<V>, opts?: pulumi.CustomResourceOptions) {
    const { relationship, ...rest } = args;
    const inputs = { ...rest, vendor: relationship.vendorName, relationship: relationship.connectionTarget } as Record<string, unknown>;
    const explicit = dependencies(opts?.dependsOn);
    super(providerFor("replication"), name, withOutputKeys(toWireInputs(inputs), OUTPUTS), {
      ...opts,
      dependsOn: afterDeclaredMemberships(relationship, [relationship, ...explicit], () => this),
      additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...SECRET_OUTPUTS],
    });
  }
}
