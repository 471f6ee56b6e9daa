/**
 * Secrets in PowerShell text (a script echoed in an error, a parameter binding message): the value given
 * to a -SharedSecret, -Password or -Secret parameter (Add-DhcpServerv4Failover, Set-DhcpServerv4Failover)
 * or converted with ConvertTo-SecureString. Pure.
 */

const VALUE = String.raw`('(?:[^']|'')*'|"(?:[^"\x60]|\x60.)*"|[^\s;)]+)`;
// A parameter starts a token: "-Password" after a space or "(", never the tail of a name like Kea's
// "basic-auth-password", whose next word is prose ("... differs from the program's secret").
const PARAMETER = new RegExp(String.raw`((?<![\w-])-(?:SharedSecret|Password|Secret|Passphrase)(?::\s*|\s+))${VALUE}`, "gi");
const SECURE_STRING = new RegExp(String.raw`(ConvertTo-SecureString\s+(?:-String\s+)?)${VALUE}`, "gi");

export function maskPowerShellSecrets(text: string): string {
  return text.replace(PARAMETER, "$1[secret]").replace(SECURE_STRING, "$1[secret]");
}
