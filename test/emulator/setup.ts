// How a test sets up the emulated pair of Windows DHCP servers. Servers are named by their computer name
// (what scripts pass as -ComputerName and -PartnerServer), so tests that use their own names never collide
// in the shared state directory. Example:
//
//   await addServers(dir, [
//     { computerName: "dhcp1-x1", version: "2019", scopes: [scope("10.40.1.0")] },
//     { computerName: "dhcp2-x1", version: "2012R2" },
//   ]);
//   await setReachable(dir, "dhcp2-x1", false);          // the partner stops answering
//   await editServer(dir, "dhcp1-x1", (s) => { ... });   // a hand edit on a server (drift)
import type { EmuScope, EmuServer, EmuState } from "./store.ts";
import { DEFAULT_ACCOUNT, readState, withState } from "./store.ts";

export const WINDOWS_VERSIONS = {
  "2012": { major: 6, minor: 2 },
  "2012R2": { major: 6, minor: 3 },
  "2016": { major: 10, minor: 0 },
  "2019": { major: 10, minor: 0 },
  "2022": { major: 10, minor: 0 },
} as const;

/** A scope "a.b.c.0" with a /24 range .10-.200 and no options, unless `extra` says otherwise. */
export function scope(scopeId: string, extra: Partial<EmuScope> = {}): EmuScope {
  const prefix = scopeId.split(".").slice(0, 3).join(".");
  return {
    scopeId,
    name: `scope ${scopeId}`,
    subnetMask: "255.255.255.0",
    startRange: `${prefix}.10`,
    endRange: `${prefix}.200`,
    leaseDurationSeconds: 8 * 3600,
    description: "",
    state: "Active",
    options: [{ optionId: 3, name: "Router", type: "IPv4Address", value: [`${prefix}.1`], vendorClass: "", userClass: "" }],
    reservations: [],
    exclusions: [],
    policies: [],
    leasesInUse: 12,
    ...extra,
  };
}

export interface ServerSetup {
  computerName: string;
  version?: keyof typeof WINDOWS_VERSIONS;
  scopes?: EmuScope[];
  reachable?: boolean;
  /** The server's IPv4 address, reported as PrimaryServerIP/SecondaryServerIP. */
  address?: string;
}

/** Creates (or resets) servers: no relationships, the given scopes. */
export async function addServers(dir: string, servers: ServerSetup[]): Promise<void> {
  await withState(dir, (state) => {
    for (const server of servers) {
      state.servers[server.computerName.toLowerCase()] = {
        computerName: server.computerName,
        ...(server.address === undefined ? {} : { address: server.address }),
        version: { ...WINDOWS_VERSIONS[server.version ?? "2019"] },
        reachable: server.reachable ?? true,
        scopes: server.scopes ?? [],
        relationships: [],
      };
    }
  });
}

export async function removeServers(dir: string, computerNames: string[]): Promise<void> {
  await withState(dir, (state) => {
    for (const name of computerNames) delete state.servers[name.toLowerCase()];
    state.journal = state.journal.filter((entry) => !computerNames.some((name) => name.toLowerCase() === entry.server));
  });
}

export async function editServer(dir: string, computerName: string, edit: (server: EmuServer) => void): Promise<void> {
  await withState(dir, (state) => {
    const server = state.servers[computerName.toLowerCase()];
    if (!server) throw new Error(`winemu: no emulated server named ${computerName}`);
    edit(server);
  });
}

/** Puts the account the scripts run as into the server's DHCP Administrators group, or takes it out (it stays in DHCP Users: reads work). */
export function setDhcpAdministrator(dir: string, computerName: string, member: boolean): Promise<void> {
  return withState(dir, (state) => {
    const found = state.servers[computerName.toLowerCase()];
    if (!found) throw new Error(`winemu: no emulated server named ${computerName}`);
    const sid = (state.account ?? DEFAULT_ACCOUNT).sid;
    const others = (found.dhcpAdministrators ?? [sid]).filter((member) => member !== sid);
    found.dhcpAdministrators = member ? [...others, sid] : others;
  });
}

/** How PowerShell over SSH sessions to the server log on: with "key" they reach no other computer. */
export function setSshLogon(dir: string, computerName: string, logon: "key" | "password"): Promise<void> {
  return editServer(dir, computerName, (server) => {
    server.sshLogon = logon;
  });
}

export function setReachable(dir: string, computerName: string, reachable: boolean): Promise<void> {
  return editServer(dir, computerName, (server) => {
    if (server.reachable && !reachable) server.unreachableSince = Date.now();
    if (reachable) delete server.unreachableSince;
    server.reachable = reachable;
  });
}

export async function setOptions(dir: string, options: Partial<Pick<EmuState, "removeLastScopeDeletesRelationship">>): Promise<void> {
  await withState(dir, (state) => Object.assign(state, options));
}

export async function server(dir: string, computerName: string): Promise<EmuServer> {
  const found = (await readState(dir)).servers[computerName.toLowerCase()];
  if (!found) throw new Error(`winemu: no emulated server named ${computerName}`);
  return found;
}

/** The cmdlets that reached these servers, in order. */
export async function journal(dir: string, computerNames: string[]): Promise<string[]> {
  const names = computerNames.map((n) => n.toLowerCase());
  return (await readState(dir)).journal.filter((entry) => names.includes(entry.server)).map((entry) => `${entry.server}:${entry.cmdlet}`);
}
