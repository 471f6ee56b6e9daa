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
    super(providerFor("replication"), name, withOutputKeys(toWireInputs(inputs), OUTPUTS), {
      ...opts,
      dependsOn: [relationship, ...dependencies(opts?.dependsOn)],
      additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...SECRET_OUTPUTS],
    });
  }
}
