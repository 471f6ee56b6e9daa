/** The Kea High-Availability backend: relationships, memberships and replication through Kea's control API. */
import type { Backend } from "../backend";
import { maintenance } from "./maintenance";
import { membershipOps } from "./membership";
import { relationshipOps } from "./relationship";
import { replicationOps } from "./replication";
import { keaMembership, keaRelationship, keaReplication, type KeaMembership, type KeaRelationship, type KeaReplication } from "./schema";

export const keaBackend: Backend<KeaRelationship, KeaMembership, KeaReplication> = {
  vendor: "kea",
  schemas: { relationship: keaRelationship, membership: keaMembership, replication: keaReplication },
  relationship: relationshipOps,
  membership: membershipOps,
  replication: replicationOps,
  state: { maintenance },
};
