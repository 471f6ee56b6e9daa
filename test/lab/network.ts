import { failureMessage, run, runChecked } from "./run.ts";
import { allNamespaces, pairs, switchNamespace, serverInterface } from "./topology.ts";
import type { PairPlan } from "./topology.ts";

/**
 * The lab's wiring: a switch namespace with one bridge per pair; a veth from it into each server and client
 * namespace; and one veth per bridge into the root namespace, so the host reaches the servers. No IPv6.
 */

export interface NetworkState {
  namespaces: Record<string, boolean>;
  rootLinks: Record<string, boolean>;
  complete: boolean;
  anyPresent: boolean;
}

export async function existingNamespaces(): Promise<Set<string>> {
  const result = await runChecked("Listing network namespaces", ["ip", "netns", "list"]);
  return new Set(result.stdout.split("\n").map((line) => line.split(" ")[0] ?? "").filter((name) => name !== ""));
}

async function linkExists(name: string): Promise<boolean> {
  return (await run(["ip", "link", "show", "dev", name])).exitCode === 0;
}

export async function networkState(): Promise<NetworkState> {
  const present = await existingNamespaces();
  const namespaces = Object.fromEntries(allNamespaces().map((ns) => [ns, present.has(ns)]));
  const rootLinks: Record<string, boolean> = {};
  for (const pair of pairs) rootLinks[pair.rootLink] = await linkExists(pair.rootLink);
  const flags = [...Object.values(namespaces), ...Object.values(rootLinks)];
  return { namespaces, rootLinks, complete: flags.every(Boolean), anyPresent: flags.some(Boolean) };
}

function ip(what: string, ...args: string[]) {
  return runChecked(what, ["ip", ...args]);
}

async function disableIpv6(namespace: string): Promise<void> {
  await runChecked(`Turning IPv6 off in ${namespace}`, ["sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1"], { namespace });
}

/** A veth whose one end is a port of the pair's bridge and whose other end is `eth0` in `namespace`. */
async function plugIn(pair: PairPlan, port: string, namespace: string, mac: string, address?: string): Promise<void> {
  await ip(`Creating veth ${port} for ${namespace}`, "link", "add", port, "netns", switchNamespace, "type", "veth", "peer", "name", serverInterface, "netns", namespace);
  await ip(`Attaching ${port} to ${pair.bridge}`, "-n", switchNamespace, "link", "set", port, "master", pair.bridge, "up");
  await ip(`Setting the MAC of ${namespace}`, "-n", namespace, "link", "set", serverInterface, "address", mac);
  if (address) await ip(`Addressing ${namespace}`, "-n", namespace, "addr", "add", `${address}/${pair.prefixLength}`, "dev", serverInterface);
  await ip(`Bringing up ${namespace}`, "-n", namespace, "link", "set", serverInterface, "up");
  await ip(`Bringing up loopback in ${namespace}`, "-n", namespace, "link", "set", "lo", "up");
}

async function buildPair(pair: PairPlan): Promise<void> {
  await ip(`Creating bridge ${pair.bridge}`, "-n", switchNamespace, "link", "add", pair.bridge, "type", "bridge");
  await ip(`Bringing up bridge ${pair.bridge}`, "-n", switchNamespace, "link", "set", pair.bridge, "up");
  for (const server of [...pair.servers, ...(pair.extraServers ?? [])]) await plugIn(pair, server.switchPort, server.namespace, server.mac, server.address);
  await plugIn(pair, pair.client.switchPort, pair.client.namespace, pair.client.mac);
  await ip(`Creating root link ${pair.rootLink}`, "link", "add", pair.rootLink, "type", "veth", "peer", "name", pair.rootPeer, "netns", switchNamespace);
  await ip(`Attaching ${pair.rootPeer} to ${pair.bridge}`, "-n", switchNamespace, "link", "set", pair.rootPeer, "master", pair.bridge, "up");
  await runChecked(`Turning IPv6 off on ${pair.rootLink}`, ["sysctl", "-q", "-w", `net.ipv6.conf.${pair.rootLink}.disable_ipv6=1`]);
  await ip(`Addressing ${pair.rootLink}`, "addr", "add", `${pair.gateway}/${pair.prefixLength}`, "dev", pair.rootLink);
  await ip(`Bringing up ${pair.rootLink}`, "link", "set", pair.rootLink, "up");
}

/** Builds the whole network; the caller removes any remains of an earlier lab first. */
export async function createNetwork(): Promise<void> {
  for (const namespace of [switchNamespace, ...allNamespaces().filter((ns) => ns !== switchNamespace)]) {
    await ip(`Creating namespace ${namespace}`, "netns", "add", namespace);
    await disableIpv6(namespace);
  }
  for (const pair of pairs) await buildPair(pair);
}

/** Deletes the lab's namespaces (their processes must be gone already) and the root links they leave behind. */
export async function destroyNetwork(): Promise<void> {
  const present = await existingNamespaces();
  for (const namespace of allNamespaces()) {
    if (present.has(namespace)) await ip(`Deleting namespace ${namespace}`, "netns", "delete", namespace);
  }
  // Deleting the switch namespace destroys the root links' peers and with them the links; this catches a half-built lab.
  for (const pair of pairs) {
    if (!(await linkExists(pair.rootLink))) continue;
    const deleted = await run(["ip", "link", "delete", pair.rootLink]);
    // The kernel removes the links of a deleted namespace asynchronously: one may vanish between the two commands.
    if (deleted.exitCode !== 0 && (await linkExists(pair.rootLink))) throw new Error(failureMessage(`Deleting root link ${pair.rootLink}`, deleted));
  }
}

/** Pids of every process inside the lab's namespaces. */
export async function namespacePids(): Promise<number[]> {
  const present = await existingNamespaces();
  const pids: number[] = [];
  for (const namespace of allNamespaces()) {
    if (!present.has(namespace)) continue;
    const result = await run(["ip", "netns", "pids", namespace]);
    pids.push(...result.stdout.split("\n").filter((line) => /^\d+$/.test(line.trim())).map(Number));
  }
  return pids;
}
