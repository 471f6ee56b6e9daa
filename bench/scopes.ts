// The N scopes the benchmark needs: subnets added to the primaries (isc1's dhcpd.conf, kea1's config) before
// measuring, as an administrator would declare them, and a check afterwards that every one is in failover on
// both peers (the partner's copy included). The lab's resetLab takes them away again.
import * as fs from "node:fs";
import { dhcpdCtl, keaCommand, keaCtl, type LabInfo } from "../test/lab/index.ts";

/** At most this many scopes per pair: the benchmark's /24s come from two /16-sized blocks per vendor. */
export const MAX_SCOPES_PER_PAIR = 500;

/** The i-th benchmark /24 of a vendor: ISC from 10.240.0.0, Kea from 10.244.0.0 (outside the lab's plan). */
function network(vendor: "isc" | "kea", i: number): string {
  const second = (vendor === "isc" ? 240 : 244) + Math.floor(i / 256);
  return `10.${second}.${i % 256}`;
}

/** N split about evenly across the two pairs (ISC gets the odd one). */
export function scopesFor(n: number): { iscScopes: string[]; keaScopes: string[] } {
  const isc = Math.ceil(n / 2);
  const kea = n - isc;
  if (isc > MAX_SCOPES_PER_PAIR) throw new Error(`N=${n} needs ${isc} scopes per pair; the benchmark supports at most ${MAX_SCOPES_PER_PAIR} per pair`);
  return {
    iscScopes: Array.from({ length: isc }, (_, i) => `${network("isc", i)}.0/24`),
    keaScopes: Array.from({ length: kea }, (_, i) => `${network("kea", i)}.0/24`),
  };
}

const base = (scope: string) => scope.split("/")[0]!.split(".").slice(0, 3).join(".");

/** Appends the subnets to isc1's dhcpd.conf and restarts it; isc2 does not know them (memberships copy them). */
export async function seedIscPrimary(info: LabInfo, scopes: string[]): Promise<void> {
  const primary = info.isc.servers[0];
  const blocks = scopes.map((scope) => {
    const b = base(scope);
    return `\n# Benchmark site ${b}.0/24, relayed by ${b}.1.\nsubnet ${b}.0 netmask 255.255.255.0 {\n  option routers ${b}.1;\n\n  pool {\n    range ${b}.100 ${b}.199;\n  }\n}\n`;
  });
  fs.appendFileSync(primary.configPath, blocks.join(""));
  const restarted = await dhcpdCtl(primary, "restart");
  if (restarted.exitCode !== 0) throw new Error(`dhcpd-ctl ${primary.name} restart after adding ${scopes.length} subnets failed: ${restarted.output}`);
}

/** Adds the subnets to kea1's config file and restarts it; kea2 does not know them. */
export async function seedKeaPrimary(info: LabInfo, scopes: string[]): Promise<void> {
  const primary = info.kea.servers[0];
  const config = JSON.parse(fs.readFileSync(primary.configPath, "utf8")) as { Dhcp4: { subnet4: Array<Record<string, unknown>> } };
  scopes.forEach((scope, i) => {
    const b = base(scope);
    config.Dhcp4.subnet4.push({ id: 1000 + i, subnet: scope, pools: [{ pool: `${b}.100 - ${b}.199` }], "option-data": [{ name: "routers", data: `${b}.1` }] });
  });
  fs.writeFileSync(primary.configPath, `${JSON.stringify(config, null, 2)}\n`);
  const restarted = await keaCtl(primary, "restart");
  if (restarted.exitCode !== 0) throw new Error(`kea-ctl ${primary.name} restart after adding ${scopes.length} subnets failed: ${restarted.output}`);
}

export interface Coverage {
  /** Per server: how many of the benchmark's scopes it declares with every pool in the relationship. */
  inFailover: Record<string, number>;
  expected: { isc: number; kea: number };
  complete: boolean;
}

/** ISC: a subnet counts when it is declared and each of its pools names the peer. */
function iscCovered(text: string, scopes: string[], peer: string): number {
  return scopes.filter((scope) => {
    const start = text.indexOf(`subnet ${base(scope)}.0 netmask`);
    if (start < 0) return false;
    const block = text.slice(start, text.indexOf("\n}", start));
    const pools = block.split("pool {").length - 1;
    return pools > 0 && block.split(`failover peer "${peer}";`).length - 1 === pools;
  }).length;
}

/** Kea: a subnet counts when the running configuration has it and every pool is one peer's share (HA_<server>). */
async function keaCovered(info: LabInfo, index: 0 | 1, scopes: string[]): Promise<number> {
  const server = info.kea.servers[index];
  const answer = await keaCommand(server, "config-get", undefined, { timeoutMs: 30_000 });
  if (answer.result !== 0) throw new Error(`config-get on ${server.name}: ${answer.text}`);
  const subnets = ((answer.arguments as { Dhcp4: { subnet4: Array<{ subnet: string; pools?: Array<{ "client-class"?: string }> }> } }).Dhcp4.subnet4 ?? []).filter((s) =>
    scopes.includes(s.subnet),
  );
  return subnets.filter((s) => (s.pools ?? []).length > 0 && (s.pools ?? []).every((p) => p["client-class"]?.startsWith("HA_"))).length;
}

export async function coverage(info: LabInfo, scopes: { iscScopes: string[]; keaScopes: string[] }, iscPeer: string): Promise<Coverage> {
  const inFailover: Record<string, number> = {};
  for (const server of info.isc.servers) inFailover[server.name] = iscCovered(fs.readFileSync(server.configPath, "utf8"), scopes.iscScopes, iscPeer);
  for (const index of [0, 1] as const) inFailover[info.kea.servers[index].name] = await keaCovered(info, index, scopes.keaScopes);
  const expected = { isc: scopes.iscScopes.length, kea: scopes.keaScopes.length };
  const complete = info.isc.servers.every((s) => inFailover[s.name] === expected.isc) && info.kea.servers.every((s) => inFailover[s.name] === expected.kea);
  return { inFailover, expected, complete };
}
