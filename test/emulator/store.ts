// The emulated pair's state: one JSON file in a state directory shared by every process (sshd's forced command,
// node-powershell's "pwsh", the tests), guarded by a lock directory so that runs never interleave.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface EmuOption {
  optionId: number;
  name: string;
  type: string;
  value: string[];
  vendorClass: string;
  userClass: string;
}

export interface EmuReservation {
  ipAddress: string;
  clientId: string;
  name: string;
  type: string;
  description: string;
}

export interface EmuPolicy {
  name: string;
  enabled: boolean;
  processingOrder: number;
  condition: string;
  description: string;
}

export interface EmuScope {
  scopeId: string;
  name: string;
  subnetMask: string;
  startRange: string;
  endRange: string;
  leaseDurationSeconds: number;
  description: string;
  state: "Active" | "InActive";
  options: EmuOption[];
  reservations: EmuReservation[];
  exclusions: Array<{ startRange: string; endRange: string }>;
  policies: EmuPolicy[];
  /** Addresses leased now, for the failover statistics. */
  leasesInUse: number;
}

/** One server's record of a relationship, from its own side (LoadBalancePercent is its share, ServerRole its role). */
export interface EmuRelationship {
  name: string;
  partnerServer: string;
  mode: "LoadBalance" | "HotStandby";
  serverRole: "Active" | "Standby" | "";
  loadBalancePercent: number;
  reservePercent: number;
  maxClientLeadTimeSeconds: number;
  autoStateTransition: boolean;
  stateSwitchIntervalSeconds: number | null;
  enableAuth: boolean;
  /** A SHA-256 of the shared secret, so that tests can tell a secret changed; never the secret. */
  sharedSecretDigest: string | null;
  /**
   * Normal, or a state set by -PartnerDown, by the automatic switch after StateSwitchInterval, or by a test;
   * CommunicationInterrupted is derived from the partner's reachability.
   */
  state: "Normal" | "PartnerDown" | "Recover" | "RecoverWait" | "RecoverDone" | "PotentialConflict";
  /** A configuration sync between the partners is running (Add-/Remove-DhcpServerv4FailoverScope fail, retryable). */
  syncInProgress?: boolean;
  scopeIds: string[];
  serverType: "PrimaryServer" | "SecondaryServer";
}

export interface EmuServer {
  computerName: string;
  /** The server's IPv4 address (PrimaryServerIP/SecondaryServerIP); -ComputerName and -PartnerServer may name it so. */
  address?: string;
  version: { major: number; minor: number };
  /** False: the server does not answer (powered off, network down). */
  reachable: boolean;
  /** When it stopped answering (ms since the epoch): its partners' StateSwitchInterval counts from here. */
  unreachableSince?: number;
  scopes: EmuScope[];
  relationships: EmuRelationship[];
  /**
   * How PowerShell over SSH sessions to this server logged on. "key": Windows OpenSSH gives the session no
   * credentials for outbound authentication (PowerShell/Win32-OpenSSH#518, #1264), so nothing it runs can reach
   * another computer. Absent or "password": it can. The lab's sshd takes keys only, so tests choose (an assumption).
   */
  sshLogon?: "key" | "password";
  /** SIDs in the server's DHCP Administrators group (nested groups resolved); absent: the account is a member. */
  dhcpAdministrators?: string[];
}

/** The Windows account the scripts run as (the SSH or local session's user). */
export interface EmuAccount {
  name: string;
  sid: string;
}

export const DEFAULT_ACCOUNT: EmuAccount = { name: "LAB\\pulumi-dhcp", sid: "S-1-5-21-3623811015-3361044348-30300820-1013" };

export interface EmuJournalEntry {
  server: string;
  cmdlet: string;
  parameters: Record<string, unknown>;
}

export interface EmuState {
  version: 1;
  servers: Record<string, EmuServer>;
  /** Every cmdlet call that reached a server (secrets left out), for tests to check what ran. */
  journal: EmuJournalEntry[];
  /** Windows does not document whether removing a relationship's last scope deletes it; tests choose. */
  removeLastScopeDeletesRelationship: boolean;
  /** Who runs the scripts; DEFAULT_ACCOUNT when absent. */
  account?: EmuAccount;
}

/**
 * The server a -ComputerName or -PartnerServer names: by computer name, by FQDN when the state holds the short
 * name (or the other way round), or by address. Windows takes "IP Address or host name" for both.
 */
export function findServer(state: EmuState, identity: string): EmuServer | undefined {
  const wanted = identity.trim().toLowerCase();
  const exact = state.servers[wanted];
  if (exact) return exact;
  const short = (name: string) => name.split(".")[0]!;
  return Object.values(state.servers).find((server) => {
    const name = server.computerName.toLowerCase();
    if (server.address === wanted) return true;
    const oneIsShort = !name.includes(".") || !wanted.includes(".");
    return oneIsShort && !/^\d+$/.test(short(wanted)) && short(name) === short(wanted);
  });
}

/** Whether the account running the scripts is in the server's DHCP Administrators group. */
export function isDhcpAdministrator(state: EmuState, server: EmuServer): boolean {
  const account = state.account ?? DEFAULT_ACCOUNT;
  return (server.dhcpAdministrators ?? [account.sid]).includes(account.sid);
}

const STALE_LOCK_MS = 60_000;
const LOCK_WAIT_MS = 60_000;

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function emptyState(): EmuState {
  return { version: 1, servers: {}, journal: [], removeLastScopeDeletesRelationship: false };
}

export function statePath(dir: string): string {
  return join(dir, "state.json");
}

/** Runs `body` on the state with the lock held, saving what it leaves (also when it throws a script error). */
export async function withState<T>(dir: string, body: (state: EmuState) => T | Promise<T>): Promise<T> {
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, "lock");
  const started = Date.now();
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      try {
        if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
      } catch {
        // The holder released it meanwhile.
      }
      if (Date.now() - started > LOCK_WAIT_MS) throw new Error(`winemu: the state lock ${lock} was held for more than ${LOCK_WAIT_MS} ms`);
      sleep(20);
    }
  }
  try {
    const file = statePath(dir);
    const state = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as EmuState) : emptyState();
    try {
      return await body(state);
    } finally {
      const temporary = `${file}.${process.pid}.tmp`;
      writeFileSync(temporary, `${JSON.stringify(state, null, 1)}\n`);
      renameSync(temporary, file);
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export function readState(dir: string): Promise<EmuState> {
  return withState(dir, (state) => structuredClone(state));
}
