/** The Windows DHCP Server backend: failover relationships through the DhcpServer PowerShell cmdlets. */
import type { Backend } from "../backend";
import { membershipOps } from "./membership";
import { partnerDown } from "./partnerDown";
import { preflightPair } from "./preflight";
import { relationshipOps } from "./relationship";
import { replicationOps } from "./replication";
import { windowsMembership, windowsRelationship, windowsReplication, type WindowsMembership, type WindowsRelationship, type WindowsReplication } from "./schema";

export const windowsBackend: Backend<WindowsRelationship, WindowsMembership, WindowsReplication> = {
  vendor: "windows",
  schemas: { relationship: windowsRelationship, membership: windowsMembership, replication: windowsReplication },
  relationship: { ...relationshipOps, preflight: (ctx, spec) => preflightPair(ctx, spec.primary, spec.secondary) },
  membership: { ...membershipOps, preflight: (ctx, m) => preflightPair(ctx, m.relationship.primary, m.relationship.secondary) },
  // Invoke-DhcpServerv4FailoverReplication runs on the source and overwrites the partner: both need the group, and the source must reach the partner.
  replication: { ...replicationOps, preflight: (ctx, spec) => preflightPair(ctx, spec.relationship.primary, spec.relationship.secondary) },
  state: { partnerDown },
};
