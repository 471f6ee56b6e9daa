import { chmodSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { writeCtlScripts } from "./ctlScripts.ts";
import { renderDhcpdConfig } from "./iscConfig.ts";
import { renderKeaAgentConfig, renderKeaDhcp4Config, renderKeaVersionAgentConfig, renderKeaVersionDhcp4Config } from "./keaConfig.ts";
import { findKeaHooksDir } from "./keaHooks.ts";
import type { LabInfo } from "./labInfo.ts";
import { writeLabInfo } from "./labInfo.ts";
import { lastRunLogsDir, lockPath, runLockPath } from "./paths.ts";
import { chrootLabDir, generateSecrets, planLab } from "./plan.ts";
import { generateKey, publicKeyLine, sha256Fingerprint } from "./sshKeys.ts";
import { renderAuthorizedKeys, renderSshdConfig, sshdFiles } from "./sshdConfig.ts";
import { sshHost, sshPortFirst, sshPortLast } from "./topology.ts";

/** Everything a fresh lab writes to its directory before anything starts: keys, configs, scripts, lab.json. */

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, sshHost, () => server.close(() => resolve(true)));
  });
}

async function freeSshPort(): Promise<number> {
  for (let port = sshPortFirst; port <= sshPortLast; port++) {
    if (await portIsFree(port)) return port;
  }
  throw new Error(`No free port for the lab's sshd on ${sshHost} between ${sshPortFirst} and ${sshPortLast}.`);
}

/** Empties the lab directory except its locks and the previous run's logs. */
export function clearLabDir(labDir: string): void {
  mkdirSync(labDir, { recursive: true });
  for (const entry of readdirSync(labDir)) {
    const path = join(labDir, entry);
    if (![lockPath, runLockPath, lastRunLogsDir].includes(path)) rmSync(path, { recursive: true, force: true });
  }
}

function writeWithPristineCopy(path: string, pristinePath: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  writeFileSync(pristinePath, text);
}

/** Empties the lab's directories inside the Kea chroots (the files a chroot server's Kea reads and writes). */
export function clearChrootLabDirs(chroots: readonly string[]): void {
  for (const chroot of chroots) rmSync(join(chroot, chrootLabDir), { recursive: true, force: true });
}

/** `chroots`: the chroot of each Kea version the lab runs beside 2.2 (see chroots.ts). */
export async function createLabFiles(repoRoot: string, labDir: string, chroots: Record<string, string> = {}): Promise<LabInfo> {
  clearLabDir(labDir);
  const files = sshdFiles(labDir);
  mkdirSync(files.dir, { recursive: true });
  await Promise.all([
    generateKey(files.hostKey, "pdf-lab-host"),
    generateKey(files.adminKey, "pdf-lab-admin"),
    generateKey(files.winemuKey, "pdf-lab-winemu"),
  ]);
  const info = planLab({
    repoRoot,
    labDir,
    secrets: generateSecrets(),
    sshPort: await freeSshPort(),
    hostKeySha256: sha256Fingerprint(`${files.hostKey}.pub`),
    keaHooksDir: findKeaHooksDir(),
    chroots,
  });
  info.isc.servers.forEach((server, index) => {
    writeWithPristineCopy(server.configPath, server.pristineConfigPath, renderDhcpdConfig(info, server, index === 0));
    writeFileSync(server.leasePath, "");
  });
  for (const server of info.kea.servers) {
    writeWithPristineCopy(server.configPath, server.pristineConfigPath, renderKeaDhcp4Config(info, server));
    writeWithPristineCopy(server.agentConfigPath, server.pristineAgentConfigPath, renderKeaAgentConfig(server));
  }
  clearChrootLabDirs(Object.values(chroots));
  for (const pair of info.keaVersions) {
    for (const server of [...pair.servers, pair.spoke]) {
      const text = renderKeaVersionDhcp4Config(pair, server);
      mkdirSync(dirname(server.pristineConfigPath), { recursive: true });
      writeFileSync(server.pristineConfigPath, text);
      mkdirSync(server.hostDataDir, { recursive: true });
      writeFileSync(server.hostConfigPath, text);
      if (server.hostAgentConfigPath) writeFileSync(server.hostAgentConfigPath, renderKeaVersionAgentConfig(server));
    }
  }
  writeCtlScripts(labDir);
  writeFileSync(files.config, renderSshdConfig(info));
  writeFileSync(files.authorizedKeys, renderAuthorizedKeys(info, publicKeyLine(files.adminKey), publicKeyLine(files.winemuKey)));
  // sshd reads it as the user logging in, and the unprivileged user must read it too: it holds only public keys.
  chmodSync(files.authorizedKeys, 0o644);
  mkdirSync(info.winemu.stateDir, { recursive: true });
  writeLabInfo(info);
  return info;
}
