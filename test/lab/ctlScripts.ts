import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ctlPath } from "./plan.ts";
import { labSourceDir, nodeBin } from "./paths.ts";

/**
 * .lab/bin/dhcpd-ctl and .lab/bin/kea-ctl: what the library runs over ssh to restart a server. They hand
 * over to ctl.ts so that the lab and the library start daemons in exactly the same way.
 */

function quote(text: string): string {
  return `'${text.replace(/'/g, "'\\''")}'`;
}

function render(program: "dhcpd-ctl" | "kea-ctl", kind: "dhcpd" | "kea", servers: string): string {
  return `#!/bin/sh
# ${program} <${servers}> <start|stop|restart|status>: controls one lab ${kind === "dhcpd" ? "dhcpd" : "Kea server (kea-dhcp4 and kea-ctrl-agent)"}.
# Written by test/lab on \`npm run lab -- up\`. status exits 0 when it runs and serves, 3 when it does not.
exec ${quote(nodeBin)} ${quote(join(labSourceDir, "ctl.ts"))} ${kind} "$@"
`;
}

export function writeCtlScripts(labDir: string): void {
  const scripts = [
    { path: ctlPath(labDir, "dhcpd-ctl"), text: render("dhcpd-ctl", "dhcpd", "isc1|isc2") },
    { path: ctlPath(labDir, "kea-ctl"), text: render("kea-ctl", "kea", "kea1|kea2|kea26a|kea26b|kea26c|kea30a|kea30b|kea30c") },
  ];
  for (const { path, text } of scripts) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    chmodSync(path, 0o755);
  }
}
