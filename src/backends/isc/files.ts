/**
 * The files this library creates next to a server's dhcpd.conf, by name. Pure.
 *
 * Temporary files (a candidate for `dhcpd -t`, the staged new config, the backup on its way) get a fresh
 * random part in their name each time and are created exclusively (transports/ssh.ts createFile), so that
 * no one can plant a file or a symbolic link where one will be written, and two runs never share one.
 * The lock and the backup keep fixed names: the lock must be the same file for every run (whatever
 * lockPath says), and the backup is where a person looks for the previous configuration.
 */
import { randomBytes } from "node:crypto";

const TAG = "pulumi-dhcp-failover";
/** Mode of every file the library creates for itself: readable by its owner only, like the config's secrets need. */
export const PRIVATE_MODE = 0o600;

export type TemporaryKind = "candidate" | "new" | "bak";

/** The lock of one config file: every run that edits it takes this one, so runs never interleave on it. */
export function configLockPath(configPath: string): string {
  return `${configPath}.${TAG}.lock`;
}

export function backupPathOf(configPath: string): string {
  return `${configPath}.${TAG}.bak`;
}

/** A fresh, unpredictable name beside the config (64 random bits). */
export function temporaryPath(configPath: string, kind: TemporaryKind, random: Buffer = randomBytes(8)): string {
  return `${configPath}.${TAG}.${random.toString("hex")}.${kind}`;
}

/** Whether a name in the config's directory is one of our temporary files for this config (left by a run that died). */
export function isTemporaryOf(configPath: string, name: string): boolean {
  const base = configPath.slice(configPath.lastIndexOf("/") + 1);
  if (!name.startsWith(`${base}.${TAG}.`)) return false;
  return /^[0-9a-f]{16}\.(candidate|new|bak)$/.test(name.slice(base.length + TAG.length + 2));
}

export function directoryOf(path: string): string {
  const cut = path.lastIndexOf("/");
  return cut <= 0 ? "/" : path.slice(0, cut);
}
