/**
 * The lock that serialises every run editing one dhcpd.conf, as a remote script (fixed text; the paths and
 * values are positional arguments, never spliced into it) and the reading of its failures. Pure.
 *
 * flock(1) holds the lock as long as the script runs; the script runs as long as it hears a heartbeat line
 * on stdin at least every LOCK_LEASE_SECONDS. A runner that vanishes without closing its connection (sshd
 * notices a dead client only after TCP keepalive, about 2 h) thus frees the lock within that lease.
 * The lock file says who holds it while it is held, and is emptied on release.
 */
import type { IscServer } from "./schema";
import { configLockPath } from "./files";

/** A holder that is gone frees the lock within this many seconds. */
export const LOCK_LEASE_SECONDS = 60;
/** How often the holder says it is still there: several heartbeats fit in one lease. */
export const LOCK_HEARTBEAT_MS = 10_000;

/** Exit codes of the script beyond flock's own (1: timed out waiting; 127: a command not found). */
const REFUSED = 3;
const LEASE_EXPIRED = 4;

/** Positional arguments: $1 lock file, $2 seconds to wait, $3 lease seconds, $4 who we are. */
export const ISC_LOCK_SCRIPT = `lock=$1; wait=$2; lease=$3; holder=$4
umask 077
for tool in flock timeout; do
  command -v "$tool" >/dev/null 2>&1 || { echo "$tool(1) is not installed (or not in the PATH of $(id -un))" >&2; exit 127; }
done
# Created exclusively (noclobber is O_EXCL): a symbolic link planted in its place is refused, never followed.
if ! test -e "$lock" && ! test -L "$lock"; then (set -C; : >"$lock") 2>/dev/null; fi
if test -L "$lock" || ! test -f "$lock"; then echo "$lock is not a regular file (a symbolic link or another kind of file): remove it if no run is active" >&2; exit ${REFUSED}; fi
if ! test -O "$lock"; then echo "$lock belongs to another user than $(id -un): remove it if no run is active" >&2; exit ${REFUSED}; fi
if test -z "$(find "$lock" -prune -links 1)"; then echo "$lock has other hard links: remove it if no run is active" >&2; exit ${REFUSED}; fi
flock -w "$wait" "$lock" sh -c '
  printf "%s, user %s, since %s\\n" "$2" "$(id -un)" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$1"
  echo locked
  while :; do
    beat=$(timeout "$3" head -n 1); status=$?
    if test $status -eq 124; then : >"$1"; echo "no heartbeat from the holder for $3 s: the lock was freed" >&2; exit ${LEASE_EXPIRED}; fi
    if test $status -ne 0; then : >"$1"; echo "timeout $3 head -n 1 failed with $status" >&2; exit ${LEASE_EXPIRED}; fi
    test -n "$beat" || break
  done
  : >"$1"
' sh "$lock" "$holder" "$lease"
status=$?
if test $status -eq 1; then printf 'held by %s\\n' "$(head -c 300 "$lock" | tr -d '\\n')" >&2; fi
exit $status
`;

/**
 * The locks a change of this server takes, in order: the config file's own, then lockPath when it names
 * another file (kept for tools that coordinate on it). Every run takes the first, whatever lockPath says.
 */
export function lockPathsOf(server: IscServer): string[] {
  const own = configLockPath(server.configPath);
  return server.lockPath === undefined || server.lockPath === own ? [own] : [own, server.lockPath];
}

export function lockCommand(lockPath: string, waitSeconds: number, holder: string, leaseSeconds = LOCK_LEASE_SECONDS): string[] {
  return ["sh", "-c", ISC_LOCK_SCRIPT, "sh", lockPath, String(Math.trunc(waitSeconds)), String(leaseSeconds), holder];
}

/** What a lock command that did not lock means, and what to do about it. */
export function lockFailure(serverName: string, lockPath: string, waitSeconds: number, code: number | null, said: string): string {
  const where = `${serverName}: cannot lock ${lockPath}`;
  if (code === 1) {
    const holder = /held by (.*)/.exec(said)?.[1]?.trim();
    return `${where}: another run held it for more than ${waitSeconds} s (${holder ? `held by ${holder}` : "its holder did not say who it is"}). Wait for that run to finish; a holder that is gone frees it within ${LOCK_LEASE_SECONDS} s.`;
  }
  if (code === 127) return `${where}: ${said || "a command it needs is not installed"}: install util-linux's flock(1) and coreutils' timeout(1) on the server.`;
  return `${where}: ${said || `the lock command exited with ${code}`}`;
}
