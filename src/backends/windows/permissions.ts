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

/**
 * A PowerShell over SSH session that got Access denied from the partner. Add-DhcpServerv4Failover "creates the
 * failover relationship on both" servers, and Set-/Remove-/Invoke- reach the partner too, with the session's
 * credentials; a Windows OpenSSH key logon has none for another computer (PowerShell/Win32-OpenSSH#518, #1264).
 */
export function partnerUnreachable(
  server: { name: string; computerName: string },
  partner: { name: string; computerName: string },
  logon: "key" | "password",
  message: string,
): MissingPermission {
  const grant =
    logon === "key"
      ? `the SSH session logged on with a key, and Windows OpenSSH gives a key logon no credentials for another computer, so the failover cmdlets cannot configure ${partner.computerName} from it. ` +
        `Log on with a password instead (overSsh.ssh.password, a secret), or use a local session on a management host with Kerberos delegation or CredSSP to both servers`
      : `the account reached ${server.computerName} with a password but ${partner.computerName} refused it: add it to ${DHCP_ADMINISTRATORS} on ${partner.computerName} and check that ${server.computerName} may manage it (RPC, firewall)`;
  return {
    server: `${server.name} (${server.computerName})`,
    permission: `reach the failover partner ${partner.name} (${partner.computerName}) from its PowerShell over SSH session (Windows said: ${message})`,
    grant,
  };
}
