/**
 * What a dhcpd change needs from the SSH user, as pure functions: the probe script (fixed text, the
 * server's paths and commands passed as positional arguments, never spliced into it), the parsing of what
 * it prints, and the rule that turns that into missing permissions with what to grant.
 *
 * Every change writes the same way (commit.ts and host.ts): a candidate, a staged file and a backup next
 * to the config, an atomic rename over it, a lock file, `dhcpd -t -cf`, the restart command and the
 * isRunning command. Root passes every mode check, so the probe asks the kernel (test -w, access(2)) as
 * the user the library logs in as, rather than reading mode bits.
 */
import type { MissingPermission } from "../preflight";
import { backupPathOf, configLockPath, directoryOf } from "./files";
import type { IscServer } from "./schema";

/** What the probe found on one server, as the SSH user. */
export interface IscAccess {
  user: string;
  uid: number;
  configReadable: boolean;
  configWritable: boolean;
  configOwned: boolean;
  dirWritable: boolean;
  dirSticky: boolean;
  backupExists: boolean;
  backupWritable: boolean;
  lockExists: boolean;
  /** The lock script takes the lock only on a file of the SSH user's own (lock.ts). */
  lockOwned: boolean;
  lockDirWritable: boolean;
  /** Where the user's PATH finds them; "" when it does not. */
  dhcpdPath: string;
  dhcpdExecutable: boolean;
  flockPath: string;
  isRunningPath: string;
  restart: { via: "sudo"; allowed: boolean; said: string } | { via: "direct"; path: string; executable: boolean };
}

/** Positional arguments: $1 config, $2 its directory, $3 backup, $4 lock, $5 lock's directory, $6 dhcpd, $7 isRunning[0], then the restart argv. */
export const ISC_PROBE_SCRIPT = `say() { printf '%s=%s\\n' "$1" "$2"; }
yes() { if "$@"; then echo 1; else echo 0; fi; }
cfg=$1; dir=$2; backup=$3; lock=$4; lockdir=$5; dhcpd=$6; running=$7; shift 7
say user "$(id -un)"
say uid "$(id -u)"
say config.readable "$(yes test -r "$cfg")"
say config.writable "$(yes test -w "$cfg")"
say config.owned "$(yes test -O "$cfg")"
say dir.writable "$(if test -w "$dir" && test -x "$dir"; then echo 1; else echo 0; fi)"
say dir.sticky "$(yes test -k "$dir")"
say backup.exists "$(yes test -e "$backup")"
say backup.writable "$(yes test -w "$backup")"
say lock.exists "$(yes test -e "$lock")"
say lock.owned "$(yes test -O "$lock")"
say lockdir.writable "$(if test -w "$lockdir" && test -x "$lockdir"; then echo 1; else echo 0; fi)"
found=$(command -v "$dhcpd" || true)
say dhcpd.path "$found"
say dhcpd.executable "$(if test -n "$found" && test -x "$found"; then echo 1; else echo 0; fi)"
say flock.path "$(command -v flock || true)"
say running.path "$(command -v "$running" || true)"
if test "$1" = sudo; then
  shift
  if command -v sudo >/dev/null 2>&1; then said=$(sudo -n -l "$@" 2>&1 </dev/null); allowed=$?; else said="sudo is not installed"; allowed=1; fi
  say restart.sudo "$(if test $allowed -eq 0; then echo 1; else echo 0; fi)"
  say restart.said "$(printf '%s' "$said" | tr '\\n' ' ')"
else
  found=$(command -v "$1" || true)
  say restart.path "$found"
  say restart.executable "$(if test -n "$found" && test -x "$found"; then echo 1; else echo 0; fi)"
fi
`;

/** The argv that runs the probe: `sh -c SCRIPT sh ARGS...`, so the values stay data. */
export function iscProbeCommand(server: IscServer): string[] {
  const lock = configLockPath(server.configPath);
  return [
    "sh",
    "-c",
    ISC_PROBE_SCRIPT,
    "sh",
    server.configPath,
    directoryOf(server.configPath),
    backupPathOf(server.configPath),
    lock,
    directoryOf(lock),
    server.dhcpd,
    server.isRunning[0]!,
    ...server.restart,
  ];
}

/** Reads the probe's `key=value` lines; throws, naming the server, when the output is not the probe's. */
export function parseIscProbe(serverName: string, stdout: string): IscAccess {
  const values = new Map<string, string>();
  for (const line of stdout.split("\n")) {
    const cut = line.indexOf("=");
    if (cut > 0) values.set(line.slice(0, cut), line.slice(cut + 1));
  }
  const text = (key: string): string => {
    const value = values.get(key);
    if (value === undefined) throw new Error(`${serverName}: the permissions probe printed no ${key} (output: ${stdout.trim().slice(0, 300) || "nothing"}): is the login shell a POSIX sh?`);
    return value;
  };
  const flag = (key: string) => text(key) === "1";
  const user = text("user");
  const restart: IscAccess["restart"] = values.has("restart.sudo")
    ? { via: "sudo", allowed: flag("restart.sudo"), said: text("restart.said").trim() }
    : { via: "direct", path: text("restart.path"), executable: flag("restart.executable") };
  return {
    user,
    uid: Number(text("uid")),
    configReadable: flag("config.readable"),
    configWritable: flag("config.writable"),
    configOwned: flag("config.owned"),
    dirWritable: flag("dir.writable"),
    dirSticky: flag("dir.sticky"),
    backupExists: flag("backup.exists"),
    backupWritable: flag("backup.writable"),
    lockExists: flag("lock.exists"),
    lockOwned: flag("lock.owned"),
    lockDirWritable: flag("lockdir.writable"),
    dhcpdPath: text("dhcpd.path"),
    dhcpdExecutable: flag("dhcpd.executable"),
    flockPath: text("flock.path"),
    isRunningPath: text("running.path"),
    restart,
  };
}

/**
 * The rule: what the user must be able to do on a server this change writes, and what it cannot.
 * Every dhcpd change needs all of it: there is no write without a validation and a restart.
 */
export function iscMissingPermissions(server: IscServer, access: IscAccess): MissingPermission[] {
  const who = `the SSH user ${access.user}`;
  const dir = directoryOf(server.configPath);
  const missing: MissingPermission[] = [];
  const add = (permission: string, grant: string) => missing.push({ server: server.name, permission, grant });
  if (!access.configReadable) add(`read ${server.configPath}`, `give ${who} read access to it (or check configPath)`);
  if (!access.configWritable) {
    add(`write ${server.configPath}`, `make ${who} its owner or give it write access (e.g. chgrp a group of ${access.user} and chmod g+w), or log in as a user that may write it`);
  }
  if (!access.dirWritable) {
    add(
      `create files in ${dir}`,
      `the change is written to a temporary file there and renamed over ${server.configPath}, with a backup beside it: give ${who} write access to ${dir} (e.g. chgrp and chmod g+w)`,
    );
  } else if (!access.configOwned && access.uid !== 0) {
    add(
      `replace ${server.configPath}`,
      access.dirSticky
        ? `${dir} is sticky (mode +t), so only the file's owner may rename over it: make ${who} the owner of ${server.configPath}`
        : `the new file must keep the config's owner, which only its owner or root can give: make ${who} the owner of ${server.configPath}, or log in as root`,
    );
  }
  if (access.backupExists && !access.backupWritable) add(`write the backup ${backupPathOf(server.configPath)}`, `give ${who} write access to it, or remove it`);
  const lock = configLockPath(server.configPath);
  if (access.lockExists ? !access.lockOwned : !access.lockDirWritable) {
    add(
      `take the lock ${lock}`,
      access.lockExists ? `it belongs to another user, and a lock is taken only on a file of ${who}'s own: remove it if no run is active` : `give ${who} write access to ${directoryOf(lock)}`,
    );
  }
  if (!access.flockPath) add("run flock", "install util-linux's flock(1) on the server, in the PATH of the SSH user");
  if (!access.dhcpdPath || !access.dhcpdExecutable) {
    add(
      `run ${server.dhcpd} -t -cf (to validate before writing)`,
      access.dhcpdPath
        ? `give ${who} execute access to ${access.dhcpdPath}`
        : `${server.dhcpd} is not in the PATH of ${who} (a non-root login often lacks /usr/sbin): set dhcpd to its full path, e.g. /usr/sbin/dhcpd`,
    );
  }
  if (!access.isRunningPath) add(`run the isRunning command (${server.isRunning.join(" ")})`, `${server.isRunning[0]} is not in the PATH of ${who}: give its full path`);
  const restart = server.restart.join(" ");
  if (access.restart.via === "sudo") {
    if (!access.restart.allowed) {
      add(
        `run the restart command (${restart})`,
        `sudo refuses it without a password (${access.restart.said || "sudo said nothing"}): grant it in sudoers, e.g. "${access.user} ALL=(root) NOPASSWD: ${server.restart.slice(1).filter((word) => !word.startsWith("-")).join(" ")}"`,
      );
    }
  } else if (!access.restart.path || !access.restart.executable) {
    add(
      `run the restart command (${restart})`,
      access.restart.path ? `give ${who} execute access to ${access.restart.path}` : `${server.restart[0]} is not in the PATH of ${who}: give its full path`,
    );
  }
  return missing;
}
