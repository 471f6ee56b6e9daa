import type { Backend } from "../backend";
import { iscMembershipOps } from "./membership";
import { IscHost } from "./host";
import { enterPartnerDown } from "./omapi";
import { preflightServers, replicationPartner } from "./preflight";
import { iscRelationshipOps } from "./relationship";
import { iscReplicationOps } from "./replication";
import { iscMembership, iscRelationship, iscReplication, type IscMembership, type IscRelationship, type IscReplication, type IscTarget } from "./schema";
import { readStatus } from "./status";

export const iscBackend: Backend<IscRelationship, IscMembership, IscReplication> = {
  vendor: "isc",
  schemas: { relationship: iscRelationship, membership: iscMembership, replication: iscReplication },
  relationship: { ...iscRelationshipOps, preflight: (ctx, spec) => preflightServers(ctx, [spec.primary, spec.secondary]) },
  membership: { ...iscMembershipOps, preflight: (ctx, m) => preflightServers(ctx, [m.relationship.primary, m.relationship.secondary]) },
  replication: { ...iscReplicationOps, preflight: (ctx, spec) => preflightServers(ctx, [replicationPartner(spec)]) },
  state: {
    async partnerDown(ctx, target, server) {
      const isc = target as unknown as IscTarget;
      const side = isc.primary.name === server ? "primary" : isc.secondary.name === server ? "secondary" : undefined;
      if (!side) throw new Error(`"${server}" is not a server of failover peer "${isc.name}" (${isc.primary.name}, ${isc.secondary.name})`);
      await enterPartnerDown(await IscHost.open(ctx, isc[side]), isc.name);
      return readStatus(ctx, isc, "fresh");
    },
  },
};
