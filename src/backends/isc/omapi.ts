/**
 * Failover state through OMAPI, using the server's own omshell over SSH (the key travels on stdin, never
 * on a command line). Script building and output parsing are pure; `omshell` runs on the server.
 */
import type { ServerStatus } from "../backend";
import type { IscHost } from "./host";
import type { IscServer } from "./schema";

/** dhcpd 4.x failover state codes (3.0.x numbered differently). */
export const FAILOVER_STATES: Readonly<Record<number, string>> = {
  1: "startup",
  2: "normal",
  3: "communications-interrupted",
  4: "partner-down",
  5: "potential-conflict",
  6: "recover",
  7: "paused",
  8: "shutdown",
  9: "recover-done",
  10: "resolution-interrupted",
  11: "conflict-done",
  254: "recover-wait",
};

export const PARTNER_DOWN = 4;

/** States in which the partner is known not to answer, so partner-down cannot split the brain. */
const PARTNER_SILENT = new Set(["communications-interrupted", "resolution-interrupted", "partner-down"]);

export function omshellScript(server: IscServer, peerName: string, update?: { localState: number }): string {
  const omapi = server.omapi;
  if (!omapi) throw new Error(`${server.name}: no omapi settings: add omapi { keyName, secret } to read failover state`);
  const lines = [
    `server ${omapi.address ?? server.address}`,
    `port ${omapi.port}`,
    `key-algorithm ${omapi.algorithm}`,
    `key ${omapi.keyName} ${omapi.secret}`,
    "connect",
    "new failover-state",
    `set name = "${peerName}"`,
    "open",
  ];
  if (update) lines.push(`set local-state = ${update.localState}`, "update");
  return `${lines.join("\n")}\n`;
}

/** Reads `field = value` lines of the last object omshell printed; hex byte strings become numbers. */
export function parseOmshell(output: string): Record<string, string | number> {
  const fields: Record<string, string | number> = {};
  for (const line of output.split("\n")) {
    const match = /^(?:> )*([a-z-]+) = (.*)$/.exec(line.trim());
    if (!match) continue;
    const [, key, raw] = match as unknown as [string, string, string];
    if (/^[0-9a-f]{2}(:[0-9a-f]{2})*$/i.test(raw) && raw.length <= 11) fields[key] = parseInt(raw.replace(/:/g, ""), 16);
    else fields[key] = raw.replace(/^"(.*)"$/, "$1");
  }
  return fields;
}

export function omshellError(output: string): string | undefined {
  const line = output.split("\n").map((l) => l.replace(/^(> )+/, "").trim()).find((l) => /can't|not found|not connected|dhcpctl_|invalid|error/i.test(l));
  return line;
}

export function statusFrom(fields: Record<string, string | number>): ServerStatus {
  const name = (code: unknown) => (typeof code === "number" ? (FAILOVER_STATES[code] ?? `state ${code}`) : "unknown");
  return {
    state: name(fields["local-state"]),
    partnerState: name(fields["partner-state"]),
    details: {
      role: fields.hierarchy === 0 ? "primary" : fields.hierarchy === 1 ? "secondary" : "unknown",
      ...(typeof fields.mclt === "number" ? { mclt: fields.mclt } : {}),
    },
  };
}

/** The failover state of one peer on one server, or a status that says why it could not be read. */
export async function readFailoverState(host: IscHost, peerName: string): Promise<ServerStatus> {
  if (!host.server.omapi) return { state: "unknown", error: "no omapi settings for this server" };
  const result = await host.run(["omshell"], 15_000, omshellScript(host.server, peerName));
  const output = `${result.stdout}\n${result.stderr}`;
  const fields = parseOmshell(output);
  if (fields["local-state"] === undefined) {
    return { state: "unknown", error: `omshell: ${omshellError(output) ?? `exit ${result.code}`}` };
  }
  return statusFrom(fields);
}

/**
 * Puts this server's side of the peer into partner-down, refused unless the server itself already
 * sees its partner as silent: partner-down while the partner serves leads to duplicate leases.
 */
export async function enterPartnerDown(host: IscHost, peerName: string): Promise<ServerStatus> {
  const before = await readFailoverState(host, peerName);
  if (before.error) throw new Error(`${host.server.name}: cannot read the failover state of "${peerName}": ${before.error}`);
  if (!PARTNER_SILENT.has(before.state)) {
    throw new Error(
      `${host.server.name}: refusing partner-down for "${peerName}": this server is in ${before.state}, so its partner still answers. ` +
        "Partner-down is only safe once the partner is really down (the server shows communications-interrupted).",
    );
  }
  const result = await host.run(["omshell"], 15_000, omshellScript(host.server, peerName, { localState: PARTNER_DOWN }));
  const error = omshellError(`${result.stdout}\n${result.stderr}`);
  if (error) throw new Error(`${host.server.name}: omshell refused partner-down: ${error}`);
  return readFailoverState(host, peerName);
}
