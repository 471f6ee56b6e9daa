import * as pulumi from "@pulumi/pulumi";
import type { FailoverStatus, RelationshipSummary, Vendor } from "../backends/backend";
import type { RelationshipArgs } from "./args";
import { providerFor } from "./provider";
import { relationshipTarget } from "./targets";
import { SECRET_OUTPUTS, toWireInputs, withOutputKeys } from "./wire";

export interface DeclaredMembership {
  resource: pulumi.Resource;
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

const OUTPUTS = ["target", "summary", "status", "stateVersion", "warnings", "secretHashes"];

/**
 * A DHCP failover relationship between two servers (ISC dhcpd failover peers, Kea High Availability,
 * Windows DHCP failover), diffed against what the servers hold: a hand edit shows in preview, and
 * `up` puts the program's values back.
 */
export class FailoverRelationship<V extends Vendor = Vendor> extends pulumi.dynamic.Resource {
  declare readonly vendor: pulumi.Output<V>;
  declare readonly name: pulumi.Output<string>;
  /** Each server's failover state as last read ("normal", "load-balancing", "partner-down"...). */
  declare readonly status: pulumi.Output<FailoverStatus>;
  /** Mode, primary and secondary, as the Failover Relationships view shows them. */
  declare readonly summary: pulumi.Output<RelationshipSummary>;
  declare readonly warnings: pulumi.Output<string[]>;
  declare readonly stateVersion: pulumi.Output<number>;

  /** The vendor, known while the program runs (memberships use it before anything is created). */
  readonly vendorName: V;
  /** The relationship's identity and connections, with secrets (so marked secret), for its memberships and triggers. */
  readonly connectionTarget: pulumi.Output<unknown>;
  /** Its memberships declared so far, with their own explicit dependencies: its triggers run after them. */
  readonly declaredMemberships: DeclaredMembership[] = [];

  constructor(name: string, args: RelationshipArgs<V>, opts?: pulumi.CustomResourceOptions) {
    const full = { ...args, name: args.name ?? name } as Record<string, unknown>;
    super(providerFor("relationship"), name, withOutputKeys(toWireInputs(full), OUTPUTS), {
      ...opts,
      additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...SECRET_OUTPUTS],
    });
    this.vendorName = args.vendor;
    this.connectionTarget = pulumi.secret(
      pulumi.output(full).apply((resolved): unknown => relationshipTarget(args.vendor, resolved as Record<string, unknown>)),
    );
  }
}
