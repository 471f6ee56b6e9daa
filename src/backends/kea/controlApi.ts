/**
 * Kea's control API: JSON commands POSTed to the Control Agent (Kea 2.x) or to kea-dhcp4's own HTTP
 * control socket (Kea 3.x). One request shape serves both (see commandRequest); the answers differ in
 * their envelope only, and both are validated.
 */
import { z } from "zod";
import type { KeaApiConnection } from "../../model/connections";
import { JsonHttpClient } from "../../transports/http";

/** Kea's result code for success (1 is an error, 2 an unsupported command, 3 an empty result, 4 a conflict). */
export const KEA_SUCCESS = 0;

/** The service every command is for: this library manages kea-dhcp4 only. */
export const KEA_SERVICE = "dhcp4";

/**
 * The body of one command, the same for both kinds of endpoint:
 * - the Control Agent forwards a command to the daemons its "service" list names, and answers a command
 *   without one itself (config-get would return the agent's own configuration, config-set would replace it);
 * - a Kea 3.x daemon's HTTP control socket takes "service" when it is absent, empty, or names its own
 *   service, and refuses any other (result 1, "unsupported service ...").
 * So "service": ["dhcp4"] is required by the first and accepted by the second, and the client never needs
 * to know which one api.url is before it asks.
 */
export function commandRequest(command: string, args?: unknown): Record<string, unknown> {
  return { command, service: [KEA_SERVICE], ...(args === undefined ? {} : { arguments: args }) };
}

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
    const hint = misdirection(keaText);
    super(`${server}: Kea refused "${command}" (result ${result}: ${keaText || "no text"})${hint ? `: ${hint}` : ""}`);
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
  // The agent answers with one entry per service asked for; a 3.x daemon wraps its answer the same way
  // (to look like the agent) unless told not to, and then answers with the object alone.
  if (Array.isArray(envelope.data) && envelope.data.length !== 1) {
    throw new Error(`${where}: the answer holds ${envelope.data.length} answers for the one service asked for (${KEA_SERVICE}): is api.url a Kea control API?`);
  }
  const answer = Array.isArray(envelope.data) ? envelope.data[0]! : envelope.data;
  // An agent with the RBAC hook (or a 3.x daemon) rejects a command for the whole request with one map
  // whose result is the HTTP status.
  if (answer.result === 401 || answer.result === 403) {
    throw new KeaAccessError(`${where} was refused (result ${answer.result}: ${answer.text ?? "no text"}): check api.username, api.password and what this API user may run`, answer.result);
  }
  return answer;
}

/** What to do when Kea says the command reached the wrong place: its own words identify the two cases. */
function misdirection(text: string): string | undefined {
  if (/^unsupported service/i.test(text)) {
    return `api.url reaches a Kea 3.x daemon that is not kea-${KEA_SERVICE}: point it at kea-${KEA_SERVICE}'s HTTP control socket (or at a Control Agent)`;
  }
  if (/forwarding socket is not configured|unable to forward command/i.test(text)) {
    return `the Control Agent at api.url cannot reach kea-${KEA_SERVICE}: check that kea-${KEA_SERVICE} runs and that the agent's control-sockets has a "${KEA_SERVICE}" entry for its socket`;
  }
  return undefined;
}

/** One HTTP client per API endpoint and run (pooled by the caller); it knows Kea's envelope, nothing more. */
export class KeaApi {
  private readonly http: JsonHttpClient;

  constructor(readonly connection: KeaApiConnection) {
    this.http = new JsonHttpClient(connection.url, connection.caCert);
  }

  /** Sends one command; the answer whatever its result code. Throws only when no valid answer came back. */
  async send(server: string, command: string, args?: unknown): Promise<KeaAnswer> {
    const body = commandRequest(command, args);
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
