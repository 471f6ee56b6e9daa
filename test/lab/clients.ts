import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readLabInfo } from "./labInfo.ts";
import type { LabInfo } from "./labInfo.ts";
import { commandLine, readPidFile, terminate } from "./pids.ts";
import { describeCommand, run } from "./run.ts";
import type { PairName } from "./topology.ts";

/**
 * One-shot DHCP clients in a pair's client namespace. Their hook scripts only record the lease and put the
 * address on the namespace's own interface (so that a DHCPRELEASE can be sent): /etc/resolv.conf is never touched.
 */

export type ClientProgram = "dhclient" | "udhcpc";

export interface Lease {
  address: string;
  serverId: string;
  leaseSeconds: number | null;
  client: ClientProgram;
}

export interface AcquireOptions {
  /** dhclient (default) sends no client identifier; udhcpc sends one, which changes how Kea HA places the client. */
  client?: ClientProgram;
  timeoutSeconds?: number;
}

const dhclientHook = `#!/bin/sh
# dhclient -sf hook for the lab: record the lease beside this script, address the interface, nothing else.
case "$reason" in
  BOUND|RENEW|REBIND|REBOOT)
    ip addr flush dev "$interface"
    ip addr add "$new_ip_address/$new_subnet_mask" dev "$interface"
    printf 'address=%s\\nserverId=%s\\nleaseSeconds=%s\\n' "$new_ip_address" "$new_dhcp_server_identifier" "$new_dhcp_lease_time" > "$(dirname "$0")/bound" ;;
  RELEASE|EXPIRE|FAIL)
    ip addr flush dev "$interface" ;;
esac
exit 0
`;

const udhcpcHook = `#!/bin/sh
# udhcpc -s hook for the lab: record the lease beside this script, address the interface, nothing else.
case "$1" in
  bound|renew)
    ip addr flush dev "$interface"
    ip addr add "$ip/$mask" dev "$interface"
    printf 'address=%s\\nserverId=%s\\nleaseSeconds=%s\\n' "$ip" "$serverid" "$lease" > "$(dirname "$0")/bound" ;;
  deconfig)
    ip addr flush dev "$interface" ;;
esac
exit 0
`;

/** The pair's client; the Kea 2.6 and 3.0 pairs' only when the lab runs them. */
function labClient(info: LabInfo, pair: PairName): LabInfo["clients"]["isc"] {
  const client = info.clients[pair];
  if (!client) throw new Error(`The lab runs no ${pair} pair (its lab.json has no client for it): bring it up with \`npm run lab -- up\`.`);
  return client;
}

function clientFiles(info: LabInfo, pair: PairName) {
  const dir = join(info.labDir, "clients", pair);
  return {
    dir,
    dhclientConf: join(dir, "dhclient.conf"),
    dhclientHook: join(dir, "dhclient-hook"),
    udhcpcHook: join(dir, "udhcpc-hook"),
    leases: join(dir, "dhclient.leases"),
    pid: join(dir, "dhclient.pid"),
    bound: join(dir, "bound"),
  };
}

type ClientFiles = ReturnType<typeof clientFiles>;

function writeClientFiles(files: ClientFiles, timeoutSeconds: number): void {
  mkdirSync(files.dir, { recursive: true });
  writeFileSync(files.dhclientConf, `# Lab dhclient: one quick attempt, default request list.\ntimeout ${timeoutSeconds};\nretry 1;\ninitial-interval 1;\n`);
  writeFileSync(files.dhclientHook, dhclientHook);
  writeFileSync(files.udhcpcHook, udhcpcHook);
  chmodSync(files.dhclientHook, 0o755);
  chmodSync(files.udhcpcHook, 0o755);
}

/** dhclient -1 stays in the background once bound; the lab wants one exchange, not a renewing client. */
async function stopBackgroundDhclient(pair: PairName, files: ClientFiles): Promise<void> {
  const pid = readPidFile(files.pid);
  if (pid !== null && commandLine(pid).join(" ").includes(files.pid)) await terminate(pid, `${pair} lab dhclient`);
}

/** Stops a dhclient left running and forgets the client's lease and address. */
async function forgetLease(info: LabInfo, pair: PairName, files: ClientFiles): Promise<void> {
  await stopBackgroundDhclient(pair, files);
  for (const file of [files.pid, files.leases, files.bound]) rmSync(file, { force: true });
  const client = labClient(info, pair);
  await run(["ip", "addr", "flush", "dev", client.interface], { namespace: client.namespace });
}

function readBound(path: string): Omit<Lease, "client"> | null {
  if (!existsSync(path)) return null;
  const fields = Object.fromEntries(
    readFileSync(path, "utf8")
      .trim()
      .split("\n")
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
  if (!fields.address || !fields.serverId) return null;
  const seconds = Number.parseInt(fields.leaseSeconds ?? "", 10);
  return { address: fields.address, serverId: fields.serverId, leaseSeconds: Number.isInteger(seconds) ? seconds : null };
}

/** Runs the chosen client once in the pair's client namespace and returns the lease it was given. */
export async function acquireLease(pair: PairName, options: AcquireOptions = {}): Promise<Lease> {
  const info = readLabInfo();
  const client = labClient(info, pair);
  const program = options.client ?? "dhclient";
  const timeoutSeconds = options.timeoutSeconds ?? 10;
  const files = clientFiles(info, pair);
  writeClientFiles(files, timeoutSeconds);
  await forgetLease(info, pair, files);
  const argv =
    program === "dhclient"
      ? ["dhclient", "-1", "-v", "-cf", files.dhclientConf, "-sf", files.dhclientHook, "-lf", files.leases, "-pf", files.pid, client.interface]
      : ["busybox", "udhcpc", "-i", client.interface, "-f", "-q", "-n", "-t", String(timeoutSeconds), "-T", "1", "-A", "1", "-s", files.udhcpcHook];
  const result = await run(argv, { namespace: client.namespace, timeoutMs: (timeoutSeconds + 10) * 1000 });
  await stopBackgroundDhclient(pair, files);
  const lease = readBound(files.bound);
  if (result.exitCode !== 0 || !lease) {
    const output = `${result.stdout}${result.stderr}`.trim() || "(no output)";
    throw new Error(`acquireLease("${pair}"): no lease for ${client.mac} in ${client.namespace} within ${timeoutSeconds} s. \`${result.command}\` exited ${result.exitCode}:\n${output}`);
  }
  return { ...lease, client: program };
}

/** Sends a DHCPRELEASE for the last lease acquireLease got with dhclient on this pair. */
export async function releaseLease(pair: PairName): Promise<void> {
  const info = readLabInfo();
  const client = labClient(info, pair);
  const files = clientFiles(info, pair);
  if (!existsSync(files.leases)) {
    throw new Error(`releaseLease("${pair}"): no dhclient lease in ${files.leases}. Get one first with acquireLease("${pair}") (udhcpc leases are dropped only by resetLab).`);
  }
  const argv = ["dhclient", "-r", "-v", "-cf", files.dhclientConf, "-sf", files.dhclientHook, "-lf", files.leases, "-pf", files.pid, client.interface];
  const result = await run(argv, { namespace: client.namespace, timeoutMs: 20_000 });
  const output = `${result.stdout}${result.stderr}`;
  if (result.exitCode !== 0 || !/DHCPRELEASE of/.test(output) || /send_packet:|Failed to send/.test(output)) {
    throw new Error(`releaseLease("${pair}"): \`${describeCommand(argv)}\` in ${client.namespace} did not send a DHCPRELEASE (exit ${result.exitCode}):\n${output.trim()}`);
  }
  for (const file of [files.pid, files.leases, files.bound]) rmSync(file, { force: true });
}

/** Back to no lease and no address in both client namespaces (resetLab). */
export async function resetClients(info: LabInfo): Promise<void> {
  for (const pair of ["isc", "kea"] as const) {
    const files = clientFiles(info, pair);
    if (existsSync(files.dir)) await forgetLease(info, pair, files);
  }
}
