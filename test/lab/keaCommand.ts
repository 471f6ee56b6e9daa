import type { KeaServerInfo, KeaVersionServerInfo } from "./labInfo.ts";

/** Talks to a Kea server the way the library does: JSON commands POSTed to its control agent. */

export interface KeaAnswer {
  result: number;
  text?: string;
  arguments?: Record<string, unknown>;
}

export interface KeaCommandOptions {
  /** The daemon behind the agent; null sends the command to the agent itself. */
  service?: "dhcp4" | null;
  /** Defaults to the server's own credentials from lab.json; null sends none. */
  credentials?: { user: string; password: string } | null;
  timeoutMs?: number;
}

export async function keaCommand(server: KeaServerInfo | KeaVersionServerInfo, command: string, args?: Record<string, unknown>, options: KeaCommandOptions = {}): Promise<KeaAnswer> {
  const service = options.service === undefined ? "dhcp4" : options.service;
  const credentials = options.credentials === undefined ? server.auth : options.credentials;
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (credentials) headers.authorization = `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString("base64")}`;
  const body = JSON.stringify({ command, ...(service ? { service: [service] } : {}), ...(args ? { arguments: args } : {}) });
  const where = `Kea command "${command}" to ${server.name} (${server.agentUrl})`;
  let response: Response;
  try {
    response = await fetch(server.agentUrl, { method: "POST", headers, body, signal: AbortSignal.timeout(options.timeoutMs ?? 5_000) });
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
    throw new Error(`${where} failed: ${cause}. Is the lab up (\`npm run lab -- status\`)?`);
  }
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${where} failed: HTTP ${response.status}: ${text.trim()}`);
  const parsed = JSON.parse(text) as KeaAnswer | KeaAnswer[];
  const answer = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!answer) throw new Error(`${where} failed: the agent answered an empty list.`);
  return answer;
}
