// The JSON-over-HTTP transport against a loopback server that behaves like Kea's HTTP listener at its idle
// timeout: it closes a kept-alive connection just as the next request is written to it.
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { JsonHttpClient } from "../../src/transports/http.ts";

interface Seen {
  requests: number;
  connections: number;
}

/** A server that answers `{"result":0}` and drops the request numbered `drop(n, onConnection)` unanswered. */
async function server(drop: (requestOnConnection: number) => boolean): Promise<{ url: string; seen: Seen; close: () => Promise<void> }> {
  const seen: Seen = { requests: 0, connections: 0 };
  const counts = new WeakMap<Socket, number>();
  const srv = http.createServer((req, res) => {
    seen.requests++;
    const n = (counts.get(req.socket) ?? 0) + 1;
    counts.set(req.socket, n);
    req.resume();
    req.on("end", () => {
      if (drop(n)) req.socket.destroy();
      else res.writeHead(200, { "content-type": "application/json" }).end('{"result":0}');
    });
  });
  srv.on("connection", () => seen.connections++);
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const { port } = srv.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, seen, close: () => new Promise((resolve) => srv.close(() => resolve())) };
}

describe("JsonHttpClient on kept-alive connections", () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it("sends a request again, once, on a new connection when the server closed the kept-alive one under it", async () => {
    const s = await server((n) => n === 2);
    const client = new JsonHttpClient(s.url);
    cleanups.push(() => client.close(), s.close);
    const post = () => client.post({ url: s.url, body: { command: "status-get" }, timeoutMs: 5000 });
    expect(await post()).toEqual({ status: 200, body: '{"result":0}' });
    expect(await post()).toEqual({ status: 200, body: '{"result":0}' });
    expect(s.seen).toEqual({ requests: 3, connections: 2 });
  });

  it("does not send again when a fresh connection is closed before the answer: the server may have acted on it", async () => {
    const s = await server(() => true);
    const client = new JsonHttpClient(s.url);
    cleanups.push(() => client.close(), s.close);
    await expect(client.post({ url: s.url, body: { command: "config-set" }, timeoutMs: 5000 })).rejects.toThrow(/127\.0\.0\.1:\d+ closed the connection before answering/);
    expect(s.seen).toEqual({ requests: 1, connections: 1 });
  });
});
