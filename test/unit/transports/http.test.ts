// The JSON-over-HTTP transport's deadline against a loopback server that starts its answer and never
// finishes it, one byte at a time: the socket's idle timeout alone would wait for as long as bytes come.
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JsonHttpClient } from "../../../src/transports/http.ts";

let srv: http.Server;
let url: string;
const timers = new Set<NodeJS.Timeout>();

beforeAll(async () => {
  srv = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { "content-type": "application/json" });
    const timer = setInterval(() => res.write(" "), 50);
    timers.add(timer);
    res.on("close", () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  for (const timer of timers) clearInterval(timer);
  srv.closeAllConnections();
  await new Promise((resolve) => srv.close(resolve));
});

describe("JSON over HTTP: the request's deadline", () => {
  it("ends a request whose answer trickles in without end at timeoutMs, naming the server", async () => {
    const client = new JsonHttpClient(url);
    try {
      const started = Date.now();
      const error = (await client.post({ url, body: { command: "config-get" }, timeoutMs: 1_000 }).catch((e: unknown) => e)) as Error & { code?: string };
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(error.message).toMatch(/^no complete answer from http:\/\/127\.0\.0\.1:\d+ within 1 s$/);
      expect(error.code).toBe("ETIMEDOUT");
    } finally {
      client.close();
    }
  }, 10_000);

  it("says no answer, not an incomplete one, when the server never starts answering", async () => {
    const silent = http.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const target = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`;
    const client = new JsonHttpClient(target);
    try {
      const error = (await client.post({ url: target, body: { command: "status-get" }, timeoutMs: 1_000 }).catch((e: unknown) => e)) as Error;
      expect(error.message).toMatch(/^no answer from http:\/\/127\.0\.0\.1:\d+ within 1 s$/);
    } finally {
      client.close();
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  }, 10_000);
});
