import * as http from "node:http";
import * as https from "node:https";

/** One JSON POST: where, what, and how to authenticate. No knowledge of what the server speaks. */
export interface JsonPost {
  url: string;
  body: unknown;
  username?: string;
  password?: string;
  /** PEM text of the CA that signed the server's certificate (https only); the system CAs otherwise. */
  caCert?: string;
  timeoutMs: number;
}

export interface HttpAnswer {
  status: number;
  body: string;
}

/** What went wrong on the way, in words, without the request body (it may hold secrets). */
export class HttpTransportError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    /** The request went out on a kept-alive connection that an earlier request had opened. */
    readonly reusedSocket = false,
  ) {
    super(message);
    this.name = "HttpTransportError";
  }
}

/** Kea's config-get of a large server runs to megabytes; anything past this is not a control API answer. */
const MAX_ANSWER_BYTES = 256 * 1024 * 1024;

/**
 * An HTTP(S) client for one endpoint, reusing its connections (keep-alive) for every request of a run.
 * TLS verification is always on: a caCert narrows trust to that CA, it never turns verification off.
 */
export class JsonHttpClient {
  private readonly agent: http.Agent;
  private readonly secure: boolean;

  constructor(url: string, caCert?: string) {
    this.secure = new URL(url).protocol === "https:";
    this.agent = this.secure ? new https.Agent({ keepAlive: true, maxSockets: 4, ...(caCert ? { ca: caCert } : {}) }) : new http.Agent({ keepAlive: true, maxSockets: 4 });
  }

  async post(request: JsonPost): Promise<HttpAnswer> {
    try {
      return await this.postOnce(request);
    } catch (error) {
      // Kea closes a kept-alive connection after its idle timeout; a request written to it just then never
      // reached the server (Node's documented case for one retry), so it is sent again on a new connection.
      if (error instanceof HttpTransportError && error.reusedSocket && (error.code === "ECONNRESET" || error.code === "EPIPE")) return this.postOnce(request);
      throw error;
    }
  }

  private postOnce(request: JsonPost): Promise<HttpAnswer> {
    const target = new URL(request.url);
    const payload = Buffer.from(JSON.stringify(request.body), "utf8");
    const headers: Record<string, string | number> = { "content-type": "application/json", "content-length": payload.length, accept: "application/json" };
    if (request.username !== undefined) {
      headers.authorization = `Basic ${Buffer.from(`${request.username}:${request.password ?? ""}`).toString("base64")}`;
    }
    const send = this.secure ? https.request : http.request;
    return new Promise<HttpAnswer>((resolveAnswer, rejectAnswer) => {
      // The socket timeout below restarts with every byte: a server that trickles its answer, or keeps the
      // connection open without finishing it, is cut off here, timeoutMs after the request started.
      // Both timers can fire together on a server that said nothing: the message depends on what came, not on
      // which timer ran first.
      let answered = false;
      const whole = setTimeout(() => {
        const what = answered ? "no complete answer" : "no answer";
        req.destroy(new HttpTransportError(`${what} from ${target.origin} within ${Math.round(request.timeoutMs / 1000)} s`, "ETIMEDOUT"));
      }, request.timeoutMs);
      const resolve = (answer: HttpAnswer) => {
        clearTimeout(whole);
        resolveAnswer(answer);
      };
      const reject = (error: Error) => {
        clearTimeout(whole);
        rejectAnswer(error);
      };
      const req = send(target, { method: "POST", headers, agent: this.agent }, (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) {
            req.destroy(new HttpTransportError(`the answer from ${target.origin} exceeds ${MAX_ANSWER_BYTES} bytes`, "ETOOBIG"));
            return;
          }
          chunks.push(chunk);
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", (error) => reject(describe(error, target, request.timeoutMs, false)));
      });
      req.setTimeout(request.timeoutMs, () => {
        req.destroy(new HttpTransportError(`no answer from ${target.origin} within ${Math.round(request.timeoutMs / 1000)} s`, "ETIMEDOUT"));
      });
      req.on("error", (error) => reject(describe(error, target, request.timeoutMs, req.reusedSocket)));
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

function describe(error: Error & { code?: string }, target: URL, timeoutMs: number, reusedSocket: boolean): HttpTransportError {
  if (error instanceof HttpTransportError) return error;
  const described = describeCode(error, target.origin, timeoutMs);
  return new HttpTransportError(described.message, described.code, reusedSocket);
}

function describeCode(error: Error & { code?: string }, where: string, timeoutMs: number): HttpTransportError {
  switch (error.code) {
    case "ECONNREFUSED":
      return new HttpTransportError(`${where} refused the connection: is the service running and listening there?`, error.code);
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return new HttpTransportError(`${where} is unreachable from this machine (${error.code}): check the address and the route`, error.code);
    case "ECONNRESET":
      return new HttpTransportError(`${where} closed the connection before answering (a plain-HTTP client talking to an HTTPS port, or the reverse, does this)`, error.code);
    case "ETIMEDOUT":
      return new HttpTransportError(`no answer from ${where} within ${Math.round(timeoutMs / 1000)} s`, error.code);
    case "DEPTH_ZERO_SELF_SIGNED_CERT":
    case "SELF_SIGNED_CERT_IN_CHAIN":
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE":
    case "UNABLE_TO_GET_ISSUER_CERT_LOCALLY":
    case "CERT_HAS_EXPIRED":
    case "ERR_TLS_CERT_ALTNAME_INVALID":
      return new HttpTransportError(`${where} presented a certificate this client does not trust (${error.code}): give the CA that signed it as caCert, or fix the certificate`, error.code);
    default:
      return new HttpTransportError(`cannot reach ${where}: ${error.message}`, error.code);
  }
}
