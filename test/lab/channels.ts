import { iscServer, keaServer, readLabInfo } from "./labInfo.ts";
import type { IscServerInfo, KeaServerInfo, KeaVersionServerInfo } from "./labInfo.ts";
import { run } from "./run.ts";

/** The servers' own control channels, run from the root namespace as a test would. */

export type CtlAction = "start" | "stop" | "restart" | "status";

export interface CtlResult {
  exitCode: number;
  output: string;
}

async function ctl(argv: string[], action: CtlAction): Promise<CtlResult> {
  const result = await run([...argv, action], { timeoutMs: 60_000 });
  return { exitCode: result.exitCode, output: `${result.stdout}${result.stderr}` };
}

/** .lab/bin/dhcpd-ctl, the library's "restart dhcpd" command; the result, not an exception, on failure. */
export function dhcpdCtl(server: IscServerInfo | string, action: CtlAction): Promise<CtlResult> {
  const info = typeof server === "string" ? iscServer(readLabInfo(), server) : server;
  return ctl(info.ctl, action);
}

export function keaCtl(server: KeaServerInfo | KeaVersionServerInfo | string, action: CtlAction): Promise<CtlResult> {
  const info = typeof server === "string" ? keaServer(readLabInfo(), server) : server;
  return ctl(info.ctl, action);
}

/**
 * Runs omshell against a dhcpd's OMAPI port, already connected with the server's key, e.g.
 * `omshell(server, ["new failover-state", 'set name = "peer"', "open"])`. Returns what omshell printed,
 * including its own complaints such as "can't open object: not found".
 */
export async function omshell(server: IscServerInfo, commands: string[]): Promise<string> {
  const { omapi } = server;
  const input = [`server ${server.address}`, `port ${omapi.port}`, `key-algorithm ${omapi.algorithm}`, `key ${omapi.keyName} ${omapi.secret}`, "connect", ...commands, ""].join("\n");
  const result = await run(["omshell"], { input, timeoutMs: 20_000 });
  const output = `${result.stdout}${result.stderr}`;
  // Only a failed connection is an error here: "can't open object" and the like are answers for the caller.
  if (result.exitCode !== 0 || /dhcpctl_connect|not connected/.test(output)) {
    throw new Error(`omshell on ${server.name} (${server.address}:${omapi.port}) failed (exit ${result.exitCode}): ${output.trim()}`);
  }
  return output;
}
