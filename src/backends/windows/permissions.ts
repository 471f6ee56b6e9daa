/**
 * What a Windows DHCP change needs from the account, as pure functions. Every change runs write cmdlets
 * (Add-/Set-/Remove-DhcpServerv4Failover*, Set-DhcpServerv4Scope, Invoke-DhcpServerv4FailoverReplication)
 * that configure the partner through the server with the caller's rights, so the account must be in
 * DHCP Administrators on both servers; DHCP Users may only read.
 */
import { z } from "zod";
import type { MissingPermission } from "../preflight";

export const DHCP_ADMINISTRATORS = "DHCP Administrators";

/** What the checkGroup script reports. */
export const groupCheck = z.object({
  /** DOMAIN\\user, as Windows names the account the scripts run as. */
  account: z.string(),
  groupExists: z.boolean(),
  member: z.boolean(),
});
export type GroupCheck = z.output<typeof groupCheck>;

export function windowsMissingPermissions(server: { name: string; computerName: string }, check: GroupCheck): MissingPermission[] {
  const where = `${server.name} (${server.computerName})`;
  if (!check.groupExists) {
    return [
      {
        server: where,
        permission: `find the group ${DHCP_ADMINISTRATORS}`,
        grant: `the server has no such group: run Add-DhcpServerSecurityGroup on it (then restart the DHCP Server service), and add ${check.account} to ${DHCP_ADMINISTRATORS}`,
      },
    ];
  }
  if (check.member) return [];
  return [
    {
      server: where,
      permission: `change DHCP failover as ${check.account}`,
      grant: `${check.account} is not a member of ${DHCP_ADMINISTRATORS} on ${server.computerName} (DHCP Users may only read): add it, e.g. Add-LocalGroupMember -Group '${DHCP_ADMINISTRATORS}' -Member '${check.account}' on that server, then log in again`,
    },
  ];
}
