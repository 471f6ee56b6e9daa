import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { failureMessage, run } from "./run.ts";

/**
 * Newer Kea than the host's Debian 12 (Kea 2.2) runs from Debian chroots the lab makes itself with
 * debootstrap: trixie has Kea 2.6, sid Kea 3.0. They are cached outside the repository (like the Pulumi
 * CLI), so only the first `up` on a machine pays the minute it takes; `down` leaves them.
 */

export interface KeaRelease {
  /** The version's lab name: "2.6", "3.0". */
  version: string;
  suite: string;
  /** Packages installed in the chroot. */
  packages: string[];
}

export const keaReleases: readonly KeaRelease[] = [
  { version: "2.6", suite: "trixie", packages: ["kea-dhcp4-server", "kea-ctrl-agent"] },
  // 3.0 is served through kea-dhcp4's own HTTP control socket: no Control Agent.
  { version: "3.0", suite: "sid", packages: ["kea-dhcp4-server"] },
];

export const chrootCacheDir: string = process.env.PULUMI_DHCP_FAILOVER_CHROOT_CACHE ?? join(homedir(), ".cache", "pulumi-dhcp-failover", "kea-chroots");

export function chrootDir(release: KeaRelease): string {
  return join(chrootCacheDir, `${release.suite}-kea${release.version}`);
}

/** Written once the chroot is complete: a half-built one (an interrupted up) is built again. */
function readyMarker(dir: string): string {
  return join(dir, ".pdf-lab-ready");
}

/** The Debian mirror apt already uses on this machine, so the chroots come from the same place. */
function debianMirror(): string {
  const sources = ["/etc/apt/sources.list.d/debian.sources", "/etc/apt/sources.list"].filter(existsSync).map((file) => readFileSync(file, "utf8"));
  for (const text of sources) {
    const deb822 = /^URIs:\s*(\S+\/debian)\/?\s*$/m.exec(text);
    if (deb822) return deb822[1]!;
    const oneLine = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+\/debian)\/?\s/m.exec(text);
    if (oneLine) return oneLine[1]!;
  }
  throw new Error("Cannot tell which Debian mirror apt uses here (no debian URI in /etc/apt/sources.list*): the lab builds its Kea chroots from it.");
}

async function must(what: string, argv: string[], timeoutMs = 600_000): Promise<void> {
  const result = await run(argv, { env: { DEBIAN_FRONTEND: "noninteractive" }, timeoutMs });
  if (result.exitCode !== 0) throw new Error(failureMessage(what, result));
}

/** The release's chroot, built when the cache lacks it. debootstrap itself needs no lab lock. */
export async function ensureChroot(release: KeaRelease, log: (line: string) => void): Promise<string> {
  const dir = chrootDir(release);
  if (existsSync(readyMarker(dir))) return dir;
  if (!existsSync("/usr/sbin/debootstrap")) {
    log("installing debootstrap");
    await must("Installing debootstrap", ["apt-get", "install", "-y", "--no-install-recommends", "debootstrap"]);
  }
  const building = `${dir}.building`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(chrootCacheDir, { recursive: true });
  log(`building the Kea ${release.version} chroot (Debian ${release.suite}) in ${dir}`);
  await must(`debootstrap ${release.suite}`, ["debootstrap", "--variant=minbase", release.suite, building, debianMirror()]);
  // No daemon may start on install inside the chroot.
  writeFileSync(join(building, "usr/sbin/policy-rc.d"), "#!/bin/sh\nexit 101\n", { mode: 0o755 });
  // sid's Release file may be past its Valid-Until on a mirror.
  const noValidUntil = "Acquire::Check-Valid-Until=false";
  // kea-common's postinst needs /proc.
  await must("mounting /proc in the chroot", ["mount", "-t", "proc", "proc", join(building, "proc")]);
  try {
    await must(`apt-get update in the ${release.suite} chroot`, ["chroot", building, "apt-get", "-o", noValidUntil, "update"]);
    await must(`installing ${release.packages.join(" ")} in the ${release.suite} chroot`, [
      "chroot",
      building,
      "apt-get",
      "-o",
      noValidUntil,
      "install",
      "-y",
      "--no-install-recommends",
      ...release.packages,
    ]);
    await must("cleaning the chroot's apt cache", ["chroot", building, "apt-get", "clean"]);
  } finally {
    await run(["umount", join(building, "proc")]);
  }
  writeFileSync(readyMarker(building), `${new Date().toISOString()}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(building, dir);
  return dir;
}
