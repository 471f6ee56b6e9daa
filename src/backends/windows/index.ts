/** The Windows DHCP Server backend: failover relationships through the DhcpServer PowerShell cmdlets. */
import type { Backend } from "../backend";
import { membershipOps } from "./membership";
import { partnerDown } from "./partnerDown";
import { relationshipOps } from "./relationship";
import { replicationOps } from "./replication";
import { windowsMembership, windowsRelationship, windowsReplication, type WindowsMembership, type WindowsRelationship, type WindowsReplication } from "./schema";

export const windowsBackend: Backend<WindowsRelationship, WindowsMembership, WindowsReplication> = {
  vendor: "windows",
  schemas: { relationship: windowsRelationship, membership: windowsMembership, replication: windowsReplication },
  relationship: relationshipOps,
  membership: membershipOps,
  replication: replicationOps,
  state: { partnerDown },
};
