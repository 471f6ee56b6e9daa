// The Kea control API client over real sockets: the lab's Control Agents (basic auth, Kea's own answers and
// result codes) and throwaway loopback servers for what the lab cannot show (TLS with a private CA, silence).
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KeaApi, KeaCommandError } from "../../../src/backends/kea/controlApi.ts";
import { KeaServer } from "../../../src/backends/kea/server.ts";
import { keaApiConnection } from "../../../src/model/connections.ts";
import { operationContext } from "../../../src/provider/context.ts";
import { readLabInfo, type LabInfo } from "../../lab/index.ts";

const api = (input: Record<string, unknown>) => keaApiConnection.parse(input);

describe("the Kea control API client", () => {
  let info: LabInfo;
  const closers: Array<() => void> = [];

  beforeAll(() => {
    info = readLabInfo();
  });

  afterAll(() => {
    for (const close of closers) close();
  });

  it("talks to the lab's Control Agent with basic auth: version, a command Kea refuses with its result code and text", async () => {
    const server = info.kea.servers[0];
    const client = new KeaApi(api({ url: server.agentUrl, username: server.auth.user, password: server.auth.password }));
    closers.push(() => client.close());
    const version = await client.send(server.name, "version-get");
    expect(version).toMatchObject({ result: 0, text: expect.stringMatching(/^2\.2\./) });
    const { ctx, done } = operationContext("api test", [server.auth.password]);
    try {
      const kea = KeaServer.of(ctx, { name: server.name, api: api({ url: server.agentUrl, username: server.auth.user, password: server.auth.password }), configPath: server.configPath });
      const error = await kea.call("no-such-command").catch((e: Error) => e);
      expect(error).toBeInstanceOf(KeaCommandError);
      expect((error as KeaCommandError).result).toBe(2);
      expect((error as Error).message).toMatch(/^kea1: Kea refused "no-such-command" \(result 2: .*'no-such-command' command not supported/);
      expect(await kea.hooksDirectory()).toBe(info.kea.hooksDir);
    } finally {
      await done();
    }
  });

  it("says the credentials are wrong, without echoing them", async () => {
    const server = info.kea.servers[1];
    const client = new KeaApi(api({ url: server.agentUrl, username: server.auth.user, password: "not-the-password" }));
    closers.push(() => client.close());
    const error = await client.send(server.name, "config-get").catch((e: Error) => e);
    expect((error as Error).message).toBe('kea2: "config-get" was refused with HTTP 401: the control API wants credentials it did not get or did not accept: check api.username and api.password');
  });

  it("says a port refuses connections", async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = http.createServer().listen(0, "127.0.0.1", () => {
        const port = (probe.address() as AddressInfo).port;
        probe.close(() => resolve(port));
      });
    });
    const client = new KeaApi(api({ url: `http://127.0.0.1:${closed}/` }));
    closers.push(() => client.close());
    const error = await client.send("kea1", "status-get").catch((e: Error) => e);
    expect((error as Error).message).toBe(`kea1: "status-get" to http://127.0.0.1:${closed}/ failed: http://127.0.0.1:${closed} refused the connection: is the service running and listening there?`);
  });

  it("gives up on a server that never answers after timeoutSeconds", async () => {
    const silent = http.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    closers.push(() => silent.close());
    const port = (silent.address() as AddressInfo).port;
    const client = new KeaApi(api({ url: `http://127.0.0.1:${port}/`, timeoutSeconds: 1 }));
    closers.push(() => client.close());
    const started = Date.now();
    const error = await client.send("kea1", "status-get").catch((e: Error) => e);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((error as Error).message).toBe(`kea1: "status-get" to http://127.0.0.1:${port}/ failed: no answer from http://127.0.0.1:${port} within 1 s`);
    silent.closeAllConnections();
  });

  it("verifies TLS against the CA given as caCert, and refuses a certificate it cannot verify", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kea-tls-"));
    closers.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const file = (name: string) => path.join(dir, name);
    const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=test CA", "-keyout", file("ca.key"), "-out", file("ca.pem"));
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", file("server.key"), "-out", file("server.csr"));
    fs.writeFileSync(file("ext"), "subjectAltName=IP:127.0.0.1\n");
    openssl("x509", "-req", "-in", file("server.csr"), "-CA", file("ca.pem"), "-CAkey", file("ca.key"), "-CAcreateserial", "-days", "1", "-extfile", file("ext"), "-out", file("server.pem"));
    let authorization: string | undefined;
    const server = https.createServer({ key: fs.readFileSync(file("server.key")), cert: fs.readFileSync(file("server.pem")) }, (req, res) => {
      authorization = req.headers.authorization;
      res.setHeader("content-type", "application/json");
      res.end('{"result":0,"text":"3.0.1"}');
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    closers.push(() => server.close());
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const trusting = new KeaApi(api({ url, username: "admin", password: "tls-secret", caCert: fs.readFileSync(file("ca.pem"), "utf8") }));
    const untrusting = new KeaApi(api({ url }));
    closers.push(() => trusting.close(), () => untrusting.close());
    expect(await trusting.send("kea3", "version-get")).toEqual({ result: 0, text: "3.0.1" });
    expect(authorization).toBe(`Basic ${Buffer.from("admin:tls-secret").toString("base64")}`);
    const error = await untrusting.send("kea3", "version-get").catch((e: Error) => e);
    expect((error as Error).message).toMatch(/presented a certificate this client does not trust \([A-Z_]+\): give the CA that signed it as caCert/);
  });
});
