// Reads the events the provider appends to PULUMI_DHCP_FAILOVER_METRICS_FILE (src/provider/metrics.ts)
// and sums up one CLI run: connections, commands per server, dhcpd writes and restarts, Kea config-sets,
// and the provider process's peak memory.
import * as fs from "node:fs";

/** Events that are a round trip to a server (the provider's own bookkeeping events are not). */
const SERVER_CALLS = new Set(["ssh.connect", "ssh.exec", "kea.command", "isc.restarted", "windows.command"]);

interface Event {
  pid: number;
  at?: number;
  event: string;
  server?: string;
  detail?: string;
  peakRss?: number;
}

export interface RunCost {
  sshConnections: number;
  /** ssh.connect by endpoint label: the lab's ISC servers share one sshd, so one endpoint serves both. */
  sshConnectionsByEndpoint: Record<string, number>;
  /** Commands by server: SSH execs by endpoint (ISC), control API commands by server (Kea). SFTP transfers are not counted. */
  commands: Record<string, number>;
  /** Kea commands by server and name, e.g. { kea1: { "config-get": 1, "config-set": 1 } }. */
  keaCommands: Record<string, Record<string, number>>;
  iscWrites: Record<string, number>;
  iscRestarts: Record<string, number>;
  keaConfigSets: Record<string, number>;
  /** When the provider last sent a command to a server or heard from one (epoch ms); undefined: it never did. */
  lastServerCallAt: number | undefined;
  /** Largest resident set size any provider process reported, in MB. */
  peakRssMb: number;
  providerProcesses: number;
}

function events(file: string): Event[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Event);
}

function tally(list: Event[], key: (e: Event) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of list) out[key(e)] = (out[key(e)] ?? 0) + 1;
  return out;
}

export function runCost(file: string): RunCost {
  const all = events(file);
  const of = (name: string) => all.filter((e) => e.event === name);
  const server = (e: Event) => e.server ?? "?";
  const kea = of("kea.command");
  const serverCalls = all.filter((e) => SERVER_CALLS.has(e.event));
  const keaCommands: Record<string, Record<string, number>> = {};
  for (const e of kea) {
    const byName = (keaCommands[server(e)] ??= {});
    byName[e.detail ?? "?"] = (byName[e.detail ?? "?"] ?? 0) + 1;
  }
  return {
    sshConnections: of("ssh.connect").length,
    sshConnectionsByEndpoint: tally(of("ssh.connect"), server),
    commands: { ...tally(of("ssh.exec"), server), ...tally(kea, server) },
    keaCommands,
    iscWrites: tally(of("isc.write"), server),
    iscRestarts: tally(of("isc.restart"), server),
    keaConfigSets: tally(kea.filter((e) => e.detail === "config-set"), server),
    lastServerCallAt: Math.max(...serverCalls.map((e) => e.at ?? 0)) || undefined,
    peakRssMb: Math.round(Math.max(0, ...all.map((e) => e.peakRss ?? 0)) / 2 ** 20),
    providerProcesses: new Set(all.map((e) => e.pid)).size,
  };
}
