/** The Kea High-Availability backend: relationships, memberships and replication through Kea's control API. */
import type { Backend } from "../backend";
import { maintenance } from "./maintenance";
import { membershipOps } from "./membership";
import { preflightPeers } from "./preflight";
import { relationshipOps } from "./relationship";
import { replicationOps } from "./replication";
import { keaMembership, keaRelationship, keaReplication, type KeaMembership, type KeaRelationship, type KeaReplication } from "./schema";

export const keaBackend: Backend<KeaRelationship, KeaMembership, KeaReplication> = {
  vendor: "kea",
  schemas: { relationship: keaRelationship, membership: keaMembership, replication: keaReplication },
  relationship: { ...relationshipOps, preflight: (ctx, spec) => preflightPeers(ctx, spec.peers) },
  membership: { ...membershipOps, preflight: (ctx, m) => preflightPeers(ctx, m.relationship.peers) },
  // Replication writes the partners only; the source is read.
  replication: { ...replicationOps, preflight: (ctx, spec) => preflightPeers(ctx, spec.relationship.peers.filter((peer) => peer.name !== spec.source)) },
  state: { maintenance },
};
