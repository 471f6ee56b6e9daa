import { existsSync, readFileSync } from "node:fs";
import { ensureChroot, keaReleases } from "./chroots.ts";
import { createLabFiles } from "./labFiles.ts";
import { readLabInfo } from "./labInfo.ts";
import type { LabInfo } from "./labInfo.ts";
import { withLabLock } from "./lock.ts";
import { createNetwork, networkState } from "./network.ts";
import { markNetworkOwner, networkOwner } from "./owner.ts";
import { ensurePackages } from "./packages.ts";
import { ensureLabUser } from "./labUser.ts";
import { labDir, labInfoPath, repoRoot } from "./paths.ts";
import { allServices, startServices } from "./services.ts";
import { sshdFiles } from "./sshdConfig.ts";
import { assertCanRunLab } from "./preconditions.ts";
import { teardown } from "./teardown.ts";

export interface LabCommandOptions {
  /** Progress lines; silent by default. */
  log?: (line: string) => void;
  /** The Kea versions run beside the host's 2.2 ("2.6", "3.0"); all of them by default. */
  keaVersions?: readonly string[];
}

/** Whether the running sshd lets the unprivileged user in: a lab from before that user existed must be rebuilt. */
function sshdAllowsLabUser(info: LabInfo): boolean {
  try {
    return readFileSync(sshdFiles(info.labDir).config, "utf8").includes(`AllowUsers ${info.ssh.username} ${info.ssh.unprivilegedUsername}\n`);
  } catch {
    return false;
  }
}

/** lab.json of a lab whose network is complete, or null when the lab must be built from nothing. */
function existingLab(complete: boolean, keaVersions: readonly string[]): LabInfo | null {
  if (!complete || !existsSync(labInfoPath)) return null;
  try {
    const info = readLabInfo();
    const versions: string[] = info.keaVersions.map((pair) => pair.version);
    const sameVersions = versions.length === keaVersions.length && keaVersions.every((v) => versions.includes(v));
    return sshdAllowsLabUser(info) && sameVersions ? info : null;
  } catch {
    return null;
  }
}

/**
 * Brings the lab up: from nothing in a few seconds; when it already runs, only checks it and starts what
 * stopped (keeping its secrets, configs and leases). Throws, saying what failed, when anything cannot start.
 */
export async function labUp(options: LabCommandOptions = {}): Promise<LabInfo> {
  const log = options.log ?? (() => undefined);
  assertCanRunLab();
  await ensurePackages(log);
  const releases = keaReleases.filter((release) => (options.keaVersions ?? keaReleases.map((r) => r.version)).includes(release.version));
  const unknown = (options.keaVersions ?? []).filter((v) => !keaReleases.some((r) => r.version === v));
  if (unknown.length > 0) throw new Error(`No lab pair for Kea ${unknown.join(", ")}: the lab runs Kea 2.2 and ${keaReleases.map((r) => r.version).join(", ")}.`);
  // Outside the lab lock: building a chroot touches no lab state, and takes minutes the first time.
  const chroots: Record<string, string> = {};
  for (const release of releases) chroots[release.version] = await ensureChroot(release, log);
  return withLabLock("up", async () => {
    const network = await networkState();
    const owner = await networkOwner();
    let info = owner === labDir ? existingLab(network.complete, Object.keys(chroots)) : null;
    const fresh = info === null;
    if (!info) {
      if (owner !== null && owner !== labDir) {
        log(`removing the lab of ${owner}: the machine has room for one`);
        await teardown(owner);
      }
      if (network.anyPresent || existsSync(labInfoPath)) {
        log("removing what is left of an earlier lab");
        await teardown(labDir);
      }
      log("writing keys and configs");
      info = await createLabFiles(repoRoot, labDir, chroots);
      log("creating the network");
      await createNetwork();
      await markNetworkOwner(labDir);
    }
    await ensureLabUser(info.labDir);
    log(fresh ? "starting servers and sshd" : "the lab exists: checking its servers and sshd, starting any that stopped");
    try {
      await startServices(allServices(info));
    } catch (error) {
      throw new Error(`The lab did not come up:\n${(error as Error).message}\n\nThe lab is left as it is for inspection; \`npm run lab -- down\` removes it.`);
    }
    return info;
  });
}
