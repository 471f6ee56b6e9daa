/**
 * Kea's control API: JSON commands POSTed to the Control Agent (Kea 2.x, which forwards them to the daemon
 * named in "service") or to a daemon's own HTTP control socket (Kea 3.x, which answers for itself). Every
 * command names the dhcp4 service, so the same request works on both; the answer is a list (agent) or one
 * object (daemon), validated either way.
 */
import { z } from "zod";
import type { KeaApiConnection } from "../../model/connections";
import { JsonHttpClient } from "../../transports/http";

/** Kea's result code for success (1 is an error, 2 an unsupported command, 3 an empty result). */
export const KEA_SUCCESS = 0;

const answerSchema = z.object({
  result: z.number().int(),
  text: z.string().optional(),
  arguments: z.unknown().optional(),
});
const envelopeSchema = z.union([z.array(answerSchema).min(1), answerSchema]);

export type KeaAnswer = z.output<typeof answerSchema>;

/** Kea answered, and said no: its result code and its own words. */
export class KeaCommandError extends Error {
  constructor(
    readonly server: string,
    readonly command: string,
    readonly result: number,
    readonly keaText: string,
  ) {
    super(`${server}: Kea refused "${command}" (result ${result}: ${keaText || "no text"})`);
    this.name = "KeaCommandError";
  }
}

/** The control API refused the credentials (401) or the command for this user (403): a permission failure. */
export class KeaAccessError extends Error {
  constructor(
    message: string,
    readonly status: 401 | 403,
  ) {
    super(message);
    this.name = "KeaAccessError";
  }
}

/** Turns an HTTP answer into Kea's answer, or an error that says what is wrong and what to check. Pure. */
export function parseAnswer(server: string, command: string, status: number, body: string): KeaAnswer {
  const where = `${server}: "${command}"`;
  if (status === 401) {
    throw new KeaAccessError(`${where} was refused with HTTP 401: the control API wants credentials it did not get or did not accept: check api.username and api.password`, 401);
  }
  if (status === 403) throw new KeaAccessError(`${where} was refused with HTTP 403: the API user may not run this command`, 403);
  if (status !== 200) throw new Error(`${where} failed with HTTP ${status}: ${body.trim().slice(0, 300)}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new Error(`${where}: the answer is not JSON (${body.trim().slice(0, 120)}): is api.url a Kea Control Agent or a Kea HTTP control socket?`);
  }
  const envelope = envelopeSchema.safeParse(parsed);
  if (!envelope.success) {
    throw new Error(`${where}: the answer is not a Kea answer (${z.prettifyError(envelope.error).replace(/\n/g, " ")}): is api.url a Kea control API?`);
  }
  return Array.isArray(envelope.data) ? envelope.data[0]! : envelope.data;
}

/** One HTTP client per API endpoint and run (pooled by the caller); it knows Kea's envelope, nothing more. */
export class KeaApi {
  private readonly http: JsonHttpClient;

  constructor(readonly connection: KeaApiConnection) {
    this.http = new JsonHttpClient(connection.url, connection.caCert);
  }

  /** Sends one command; the answer whatever its result code. Throws only when no valid answer came back. */
  async send(server: string, command: string, args?: unknown): Promise<KeaAnswer> {
    const body = { command, service: ["dhcp4"], ...(args === undefined ? {} : { arguments: args }) };
    let answer;
    try {
      answer = await this.http.post({
        url: this.connection.url,
        body,
        username: this.connection.username,
        password: this.connection.password,
        caCert: this.connection.caCert,
        timeoutMs: this.connection.timeoutSeconds * 1000,
      });
    } catch (error) {
      throw new Error(`${server}: "${command}" to ${this.connection.url} failed: ${(error as Error).message}`);
    }
    return parseAnswer(server, command, answer.status, answer.body);
  }

  close(): void {
    this.http.close();
  }
}
