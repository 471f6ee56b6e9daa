import * as pulumi from "@pulumi/pulumi";
import type { FailoverStatus, Vendor } from "../backends/backend";
import type { MembershipArgsByVendor } from "./args";
import type { FailoverRelationship } from "./failoverRelationship";
import { providerFor } from "./provider";
import { SECRET_OUTPUTS, toWireInputs, withOutputKeys } from "./wire";

const OUTPUTS = ["status", "stateVersion", "warnings", "secretHashes"];

export type FailoverScopeMembershipArgs<V extends Vendor> = {
  relationship: FailoverRelationship<V>;
  /** The scope: a subnet "10.0.0.0/24" (ISC, Kea) or a scope id "10.0.0.0" (Windows). */
  scope: pulumi.Input<string>;
  /** Take over a membership that already exists on the servers instead of failing. */
  adopt?: pulumi.Input<boolean>;
} & Partial<MembershipArgsByVendor[V]>;

/**
 * A scope (a subnet, or some of its pools) that belongs to a failover relationship on both servers.
 * Where the partner lacks the scope, it is copied from the primary: failover needs it on both.
 */
export class FailoverScopeMembership<V extends Vendor = Vendor> extends pulumi.dynamic.Resource {
  declare readonly vendor: pulumi.Output<V>;
  declare readonly scope: pulumi.Output<string>;
  declare readonly status: pulumi.Output<FailoverStatus>;
  declare readonly warnings: pulumi.Output<string[]>;
  declare readonly stateVersion: pulumi.Output<number>;

  constructor(name: string, args: FailoverScopeMembershipArgs<V>, opts?: pulumi.CustomResourceOptions) {
    const { relationship, ...rest } = args;
    const inputs = { ...rest, vendor: relationship.vendorName, relationship: relationship.connectionTarget } as Record<string, unknown>;
    const explicit = dependencies(opts?.dependsOn);
    super(providerFor("membership"), name, withOutputKeys(toWireInputs(inputs), OUTPUTS), {
      ...opts,
      // The target is computed from the relationship's arguments, not its outputs: say the order explicitly.
      dependsOn: [relationship, ...explicit],
      additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...SECRET_OUTPUTS],
    });
    relationship.declaredMemberships.push({ resource: this, dependsOn: explicit });
  }
}

export function dependencies(dependsOn: pulumi.CustomResourceOptions["dependsOn"]): pulumi.Input<pulumi.Resource>[] {
  if (dependsOn === undefined) return [];
  return Array.isArray(dependsOn) ? dependsOn : [dependsOn as pulumi.Input<pulumi.Resource>];
}
