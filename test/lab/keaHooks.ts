import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** Where this machine's Kea keeps its hook libraries (Debian: /usr/lib/<multiarch triplet>/kea/hooks). */
export function findKeaHooksDir(): string {
  const candidates = [
    ...readdirSync("/usr/lib").map((entry) => join("/usr/lib", entry, "kea", "hooks")),
    "/usr/lib/kea/hooks",
    "/usr/local/lib/kea/hooks",
  ];
  const found = candidates.find((dir) => existsSync(join(dir, "libdhcp_ha.so")) && existsSync(join(dir, "libdhcp_lease_cmds.so")));
  if (!found) throw new Error("Cannot find Kea's hook libraries (libdhcp_ha.so, libdhcp_lease_cmds.so) under /usr/lib/*/kea/hooks: is kea-dhcp4-server installed?");
  return found;
}
