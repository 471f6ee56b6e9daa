import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { chrootDir, keaReleases } from "./chroots.ts";
import { clearChrootLabDirs, clearLabDir } from "./labFiles.ts";
import { labUserLeftover, removeLabUser } from "./labUser.ts";
import { destroyNetwork, namespacePids } from "./network.ts";
import { lastRunLogsDir } from "./paths.ts";
import { commandLine, descendants, findProcesses, terminateAll } from "./pids.ts";
import { sshdFiles } from "./sshdConfig.ts";

/** Removes a lab, whole or half-built, whether or not lab.json survives: processes, network, files. */

const labPrograms = /(^|\/)(dhcpd|kea-dhcp4|kea-ctrl-agent|sshd:?|dhclient|busybox)$/;

/** Programs the lab started, recognised by their command line naming a file in the lab directory. */
function labProcesses(labDir: string): number[] {
  return findProcesses((argv) => {
    const line = argv.join(" ");
    return labPrograms.test(line.split(" ")[0] ?? "") && line.includes(`${labDir}/`);
  });
}

async function stopProcesses(labDir: string): Promise<void> {
  const daemons = labProcesses(labDir);
  // sshd's per-connection sessions do not name the lab directory; they are its children.
  const sessions = daemons.filter((pid) => commandLine(pid).join(" ").includes(sshdFiles(labDir).config)).flatMap(descendants);
  const inNamespaces = await namespacePids();
  await terminateAll([...new Set([...sessions, ...daemons, ...inNamespaces])], "lab process");
  const left = await namespacePids();
  if (left.length > 0) await terminateAll(left, "lab process", 2_000);
}

function walkLogs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (path === lastRunLogsDir) return [];
    if (statSync(path).isDirectory()) return walkLogs(path);
    return entry.endsWith(".log") ? [path] : [];
  });
}

/** Keeps the logs of the run being torn down, e.g. isc1/dhcpd.log as last-run-logs/isc1-dhcpd.log. */
function keepLogs(labDir: string): void {
  const logs = walkLogs(labDir);
  if (logs.length === 0) return;
  rmSync(lastRunLogsDir, { recursive: true, force: true });
  mkdirSync(lastRunLogsDir, { recursive: true });
  for (const log of logs) renameSync(log, join(lastRunLogsDir, relative(labDir, log).split("/").join("-")));
}

export async function teardown(labDir: string): Promise<void> {
  await stopProcesses(labDir);
  // After its sshd sessions are gone: userdel refuses a user with running processes.
  await removeLabUser();
  await destroyNetwork();
  const marker = sshdFiles(labDir).createdRunDirMarker;
  if (existsSync(marker)) rmSync("/run/sshd", { recursive: true, force: true });
  if (existsSync(labDir)) {
    keepLogs(labDir);
    clearLabDir(labDir);
  }
  // The chroot servers' configs and leases; the chroots themselves stay cached.
  clearChrootLabDirs(keaReleases.map(chrootDir));
}

export function describeLeftovers(labDir: string): string[] {
  return [...labProcesses(labDir).map((pid) => `${pid} ${basename(commandLine(pid)[0] ?? "?")}`), ...labUserLeftover()];
}
