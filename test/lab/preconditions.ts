import { repoRoot } from "./paths.ts";

export function assertCanRunLab(): void {
  if (process.getuid?.() !== 0) throw new Error("The lab needs root (network namespaces, dhcpd, sshd): run it as root.");
  // The paths end up unquoted in sshd_config and inside authorized_keys' command="...".
  if (!/^[\w./+-]+$/.test(repoRoot)) throw new Error(`The lab cannot run from ${repoRoot}: its path must not contain spaces, quotes or other special characters.`);
}
