// A Windows DHCP Server failover relationship between two servers, managed through PowerShell: either a
// local PowerShell session that reaches each server with -ComputerName (run it on a Windows management host
// as a member of DHCP Administrators), or PowerShell over SSH to each server's OpenSSH service.
// Windows creates the relationship together with its first scope: the first membership does that.
import * as pulumi from "@pulumi/pulumi";
import { FailoverRelationship, FailoverScopeMembership } from "pulumi-dhcp-failover";

/** A server as the stack's configuration describes it. */
interface ServerConfig {
  name: string;
  /** The DHCP server's name as Windows knows it (the cmdlets' -ComputerName and -PartnerServer). */
  computerName: string;
  /** "local" (node-powershell on this machine) or "ssh" (PowerShell over SSH to the server). */
  via: "local" | "ssh";
  /** The failover cmdlets reach the partner with the session's credentials: over SSH that needs a password logon. */
  ssh?: { host: string; port?: number; username: string; hostKeySha256: string };
}

const config = new pulumi.Config();

function server(key: "primary" | "secondary") {
  const { name, computerName, via, ssh } = config.requireObject<ServerConfig>(key);
  // Windows PowerShell 5.1 (powershell.exe) unless the stack says otherwise.
  const executable = config.get("powershell");
  if (via === "local") return { name, computerName, connection: { local: { ...(executable ? { executable } : {}), computerName } } };
  if (!ssh) throw new Error(`${key}.ssh is required when ${key}.via is "ssh"`);
  // A key logon cannot reach the partner (Windows OpenSSH gives it no outbound credentials): log on with a
  // password. sshKey stays for an SSH server that stands in for Windows (the lab's emulator).
  const password = config.getSecret("sshPassword");
  const logon = password ? { password } : { privateKey: config.requireSecret("sshKey") };
  return { name, computerName, connection: { overSsh: { ssh: { ...ssh, ...logon } } } };
}

const relationship = new FailoverRelationship("failover", {
  vendor: "windows",
  name: config.get("name") ?? "dhcp-failover",
  primary: server("primary"),
  secondary: server("secondary"),
  windows: {
    mode: "loadBalance",
    loadBalancePercent: config.getNumber("loadBalancePercent") ?? 50,
    maxClientLeadTimeSeconds: 3600,
    // Write-only on Windows: a changed secret is noticed through its salted hash in state.
    sharedSecret: config.requireSecret("sharedSecret"),
  },
  // Micetro's choice on delete: which server keeps the scopes, and what happens to the other's copies.
  onDelete: { keepScopesOn: "primary", otherCopies: "delete" },
});

const scopes = config.requireObject<string[]>("scopes");
for (const scope of scopes) {
  new FailoverScopeMembership(`scope-${scope}`, { relationship, scope });
}

export const summary = relationship.summary;
export const status = relationship.status;
