import { existsSync, rmSync, writeFileSync } from "node:fs";
import { failureMessage, run } from "./run.ts";

/** The Debian packages the lab runs; a clean CI machine installs them on the first `up`. */
export const requiredPackages = [
  "isc-dhcp-server",
  "isc-dhcp-client",
  "kea-dhcp4-server",
  "kea-ctrl-agent",
  "openssh-server",
  "busybox",
  "iproute2",
  // The permissions tests show a restart through sudo being refused to the lab's unprivileged user.
  "sudo",
];

const policyPath = "/usr/sbin/policy-rc.d";

export async function missingPackages(): Promise<string[]> {
  // Unknown packages make dpkg-query exit 1: only the "ii" lines matter.
  const result = await run(["dpkg-query", "-W", "-f", "${Package} ${db:Status-Abbrev}\\n", ...requiredPackages]);
  const installed = new Set(
    result.stdout
      .split("\n")
      .map((line) => line.split(" "))
      .filter(([, status]) => status === "ii")
      .map(([name]) => name),
  );
  return requiredPackages.filter((name) => !installed.has(name));
}

async function aptInstall(names: string[]) {
  return run(["apt-get", "install", "-y", "--no-install-recommends", ...names], { env: { DEBIAN_FRONTEND: "noninteractive" }, timeoutMs: 600_000 });
}

export async function ensurePackages(log: (line: string) => void): Promise<void> {
  const missing = await missingPackages();
  if (missing.length === 0) return;
  log(`installing ${missing.join(" ")}`);
  // Keeps the packages' own services (dhcpd, kea, sshd) from starting on install.
  const ownPolicy = !existsSync(policyPath);
  if (ownPolicy) writeFileSync(policyPath, "#!/bin/sh\n# Written by the pulumi-dhcp-failover lab while it installs packages.\nexit 101\n", { mode: 0o755 });
  try {
    let result = await aptInstall(missing);
    if (result.exitCode !== 0) {
      // A fresh machine may have no package lists yet.
      await run(["apt-get", "update"], { env: { DEBIAN_FRONTEND: "noninteractive" }, timeoutMs: 600_000 });
      result = await aptInstall(missing);
    }
    if (result.exitCode !== 0) throw new Error(`${failureMessage("Installing the lab's packages", result)}\nInstall them by hand (as root): apt-get install ${missing.join(" ")}`);
  } finally {
    if (ownPolicy) rmSync(policyPath, { force: true });
  }
  const still = await missingPackages();
  if (still.length > 0) throw new Error(`apt-get reported success but these packages are still not installed: ${still.join(", ")}.`);
}
