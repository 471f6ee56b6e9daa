// Helpers for the Kea integration tests: a Kea-only reset (the lab's resetLab also resets the ISC pair,
// which other suites may be using), Pulumi programs generated from lab.json, and config comparisons.
import * as fs from "node:fs";
import * as path from "node:path";
import { keaCommand, keaCtl, readLabInfo, type KeaServerInfo, type LabInfo } from "../../lab/index.ts";
import type { PulumiProject } from "../../support/pulumiProject.ts";
import type { MetricEvent } from "../support/metrics.ts";

export { metricsFile, metricsOf, type MetricEvent } from "../support/metrics.ts";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Puts both Kea servers back as the lab made them: pristine config file, no leases, daemons restarted. */
export async function resetKeaPair(info: LabInfo = readLabInfo()): Promise<void> {
  for (const server of info.kea.servers) {
    const stop = await keaCtl(server, "stop");
    if (stop.exitCode !== 0) throw new Error(`kea-ctl ${server.name} stop failed: ${stop.output}`);
    fs.copyFileSync(server.pristineConfigPath, server.configPath);
    const dir = path.dirname(server.leasePath);
    for (const file of fs.readdirSync(dir)) if (file.startsWith(path.basename(server.leasePath))) fs.rmSync(path.join(dir, file), { force: true });
    const start = await keaCtl(server, "start");
    if (start.exitCode !== 0) throw new Error(`kea-ctl ${server.name} start failed: ${start.output}`);
  }
}

/** The running configuration (config-get), without the hash newer versions add. */
export async function runningConfig(server: KeaServerInfo): Promise<{ [key: string]: Json }> {
  const answer = await keaCommand(server, "config-get");
  if (answer.result !== 0) throw new Error(`config-get on ${server.name}: ${answer.text}`);
  const config = { ...(answer.arguments as { [key: string]: Json }) };
  delete config.hash;
  return config;
}

export async function sendOk(server: KeaServerInfo, command: string, args?: Record<string, unknown>): Promise<Record<string, unknown> | undefined> {
  const answer = await keaCommand(server, command, args);
  if (answer.result !== 0) throw new Error(`${command} on ${server.name}: result ${answer.result}: ${answer.text}`);
  return answer.arguments;
}

/** Replaces the running configuration (and the file) by hand, as an administrator would. */
export async function handEdit(server: KeaServerInfo, edit: (dhcp4: { [key: string]: Json }) => void): Promise<void> {
  const config = await runningConfig(server);
  edit(config.Dhcp4 as { [key: string]: Json });
  await sendOk(server, "config-set", config);
  await sendOk(server, "config-write", { filename: server.configPath });
}

export function haEntry(config: { [key: string]: Json }): { [key: string]: Json } | undefined {
  const hooks = ((config.Dhcp4 as { [key: string]: Json })["hooks-libraries"] ?? []) as Array<{ [key: string]: Json }>;
  const ha = hooks.find((h) => String(h.library).endsWith("/libdhcp_ha.so"));
  return ((ha?.parameters as { [key: string]: Json } | undefined)?.["high-availability"] as Array<{ [key: string]: Json }> | undefined)?.[0];
}

export function subnetOf(config: { [key: string]: Json }, prefix: string): { [key: string]: Json } | undefined {
  return ((config.Dhcp4 as { [key: string]: Json }).subnet4 as Array<{ [key: string]: Json }>).find((s) => s.subnet === prefix);
}

/** Polls status-get until the server's HA state is `state`. */
export async function waitForHaState(server: KeaServerInfo, state: string, seconds = 60): Promise<string> {
  const deadline = Date.now() + seconds * 1000;
  let last = "";
  while (Date.now() < deadline) {
    const args = (await keaCommand(server, "status-get")).arguments as { "high-availability"?: Array<{ "ha-servers"?: { local?: { state?: string } } }> };
    last = args["high-availability"]?.[0]?.["ha-servers"]?.local?.state ?? "not-running";
    if (last === state) return last;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return last;
}

export interface KeaProgramOptions {
  mode: "load-balancing" | "hot-standby" | "passive-backup";
  /** Role of kea2 (kea1 is the primary). */
  partnerRole?: "secondary" | "standby" | "backup";
  heartbeatDelay?: number;
  memberships?: string[];
  /** Extra properties merged into each peer (e.g. a TLS section), by peer index. */
  peerExtras?: [Record<string, unknown>, Record<string, unknown>];
  /** Extra FailoverRelationship arguments at the top level. */
  extra?: Record<string, unknown>;
  /** Extra settings in the relationship's kea section. */
  keaExtras?: Record<string, unknown>;
  replication?: { source: string; level: "scope" | "relationship" | "server"; scopes?: string[]; triggers?: unknown[] };
  name?: string;
}

/** A Pulumi program for the lab's Kea pair, every address and path from lab.json, passwords from secret config. */
export function keaProgram(info: LabInfo, options: KeaProgramOptions): string {
  const partnerRole = options.partnerRole ?? (options.mode === "load-balancing" ? "secondary" : options.mode === "hot-standby" ? "standby" : "backup");
  const secret = (name: string) => `@@secret:${name}@@`;
  const peers = info.kea.servers.map((server, index) => ({
    name: server.name,
    url: server.agentUrl,
    role: index === 0 ? "primary" : partnerRole,
    basicAuthUser: server.auth.user,
    basicAuthPassword: secret(`${server.name}Password`),
    api: { url: server.agentUrl, username: server.auth.user, password: secret(`${server.name}Password`), timeoutSeconds: 10 },
    configPath: server.configPath,
    ...(options.peerExtras?.[index] ?? {}),
  }));
  // Passwords come from the stack's secret configuration, never from the program text.
  const peersSource = JSON.stringify(peers, null, 2).replace(/"@@secret:([A-Za-z0-9]+)@@"/g, (_, name: string) => `config.requireSecret(${JSON.stringify(name)})`);
  const memberships = (options.memberships ?? [])
    .map((scope, index) => `const member${index} = new FailoverScopeMembership("member-${index}", { relationship, scope: ${JSON.stringify(scope)} });\nexport const membership${index} = member${index}.status;`)
    .join("\n");
  // The trigger runs after the memberships, so that a subnet a membership copies is the membership's copy.
  const after = (options.memberships ?? []).map((_, index) => `member${index}`).join(", ");
  const replication = options.replication
    ? `export const outOfSync = new ReplicationTrigger("copy", { relationship, ${Object.entries(options.replication)
        .map(([key, value]) => `${key}: ${JSON.stringify(value)}`)
        .join(", ")} }, { dependsOn: [${after}] }).outOfSync;`
    : "";
  return `import * as pulumi from "@pulumi/pulumi";
import { FailoverRelationship, FailoverScopeMembership, ReplicationTrigger } from "pulumi-dhcp-failover";

const config = new pulumi.Config();
void ReplicationTrigger;
void FailoverScopeMembership;

const relationship = new FailoverRelationship(${JSON.stringify(options.name ?? "kea-lab")}, {
  vendor: "kea",
  peers: ${peersSource},
  kea: {
    mode: ${JSON.stringify(options.mode)},
    heartbeatDelay: ${options.heartbeatDelay ?? 2000},
    maxResponseDelay: 6000,
    maxAckDelay: 5000,
    maxUnackedClients: 0,
    syncTimeout: 30000,
    waitSeconds: 60,
    ...${JSON.stringify(options.keaExtras ?? {})},
  },
  ...${JSON.stringify(options.extra ?? {})},
});
export const status = relationship.status;
export const summary = relationship.summary;
${memberships}
${replication}
`;
}

export async function configureKeaSecrets(project: PulumiProject, info: LabInfo): Promise<void> {
  for (const server of info.kea.servers) await project.setConfig(`${server.name}Password`, server.auth.password, { secret: true });
}

export function keaSecrets(info: LabInfo): string[] {
  return info.kea.servers.flatMap((server) => [server.auth.password, Buffer.from(server.auth.password).toString("base64")]);
}

export function commands(events: MetricEvent[], command?: string, server?: string): MetricEvent[] {
  return events.filter((e) => e.event === "kea.command" && (command === undefined || e.detail === command) && (server === undefined || e.server === server));
}
