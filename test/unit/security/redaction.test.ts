// One redaction for every message (issue 12 item 3): besides the secrets the program declared, it blanks
// the secrets a text shows by its own syntax: dhcpd.conf's `secret`, omshell's `key`, secret-named JSON
// members (Kea), PowerShell's -SharedSecret, URL credentials; and secrets read from a server's dhcpd.conf,
// even where a message cut them short. The texts reproduce what dhcpd, the parser, Kea and PowerShell print.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/backends/isc/config";
import { parseWithIncludes } from "../../../src/backends/isc/conf";
import { IscHost } from "../../../src/backends/isc/host";
import { iscServer } from "../../../src/backends/isc/schema";
import { CallCommits } from "../../../src/provider/callCommits";
import { CommitQueues } from "../../../src/provider/commitQueue";
import type { OperationContext } from "../../../src/provider/context";
import { Logger } from "../../../src/provider/log";
import { Metrics } from "../../../src/provider/metrics";
import { ConnectionPool } from "../../../src/provider/pool";
import { Redactor } from "../../../src/provider/redactor";
import { SnapshotCache } from "../../../src/provider/snapshots";
import { sshKey } from "../../../src/transports/ssh";
import { LocalSession, tempDir } from "./localSession";

const SHORT = "ZGRuc2VjcmV0PT0xMjM0NQ==";
const LONG = "ZGRuc2VjcmV0a2V5Zm9yb21hcGl0aGF0aXNsb25nZXJ0aGFuc2l4dHljaGFyYWN0ZXJzYWJjZGVmZ2hpams=";

/** No piece of 6 characters or more of the secret is left in the text. */
function expectNoPieceOf(secret: string, text: string): void {
  for (let i = 0; i + 6 <= secret.length; i++) expect(text, `piece at ${i}`).not.toContain(secret.slice(i, i + 6));
}

describe("the redactor masks secrets found in the content itself", () => {
  const redact = (text: string) => new Redactor().redact(text);

  it("dhcpd -t's echo of a refused line, quoted or bare", () => {
    const echoed = `dhcp1: dhcpd -t refused the new configuration, nothing was written: /etc/dhcp/dhcpd.conf line 10: unknown algorithm\n  secret "${SHORT}"; algorithm hmac-sha999;\n                                              ^`;
    expect(redact(echoed)).toContain('secret "[secret]"; algorithm hmac-sha999;');
    expectNoPieceOf(SHORT, redact(echoed));
    expect(redact(`key k { secret ${SHORT}; }`)).toBe("key k { secret [secret]; }");
  });

  it("the parser's own error snippet, which fires in preview", async () => {
    const error = await parseWithIncludes("/etc/dhcp/dhcpd.conf", async () => `key omapi {\n  algorithm hmac-sha256;\n  secret "${SHORT}"\n}\n`).catch((e: Error) => e);
    expect((error as Error).message).toContain(SHORT);
    expect(redact((error as Error).message)).toBe('/etc/dhcp/dhcpd.conf:4:1: expected ";" after "secret "[secret]"", found "}"');
  });

  it("omshell's key line", () => {
    expect(redact(`> key omapi_key ${SHORT}\n> connect`)).toBe("> key omapi_key [secret]\n> connect");
  });

  it("secret-named members of Kea's JSON, also quoted inside a string, but not file names", () => {
    const answer = JSON.stringify({ result: 1, text: 'unable to parse {"basic-auth-password": "hunter2hunter2"}', arguments: { "Dhcp4": { "lease-database": { password: "dbpass-9", "password-file": "/etc/kea/pw" } } } });
    const masked = redact(answer);
    expect(masked).not.toContain("hunter2hunter2");
    expect(masked).not.toContain("dbpass-9");
    expect(masked).toContain('"password-file":"/etc/kea/pw"');
    expect(masked).toContain('\\"basic-auth-password\\": \\"[secret]\\"');
  });

  it("PowerShell parameters and secure strings", () => {
    const script = `Add-DhcpServerv4Failover -Name 'f' -SharedSecret 'S3cr''et!x' -Force; $p = ConvertTo-SecureString "pa ss" -AsPlainText -Force; Set-X -Password:plain1`;
    const masked = redact(script);
    expect(masked).toBe("Add-DhcpServerv4Failover -Name 'f' -SharedSecret [secret] -Force; $p = ConvertTo-SecureString [secret] -AsPlainText -Force; Set-X -Password:[secret]");
    expect(redact("Set-X -Password 'plain1'")).toBe("Set-X -Password [secret]");
  });

  it("leaves prose after a property name that ends in -password alone (a drift line must stay readable)", () => {
    const drift = `FailoverRelationship "lab-kea": on kea1, high-availability.peers.kea2.basic-auth-password differs from the program's secret (neither value is shown)`;
    expect(redact(drift)).toBe(drift);
  });

  it("URL credentials, HTTP authorization and password= pairs", () => {
    expect(redact("cannot reach http://admin:pw123@192.0.2.1:8000/: ECONNREFUSED")).toBe("cannot reach http://admin:[secret]@192.0.2.1:8000/: ECONNREFUSED");
    expect(redact("Authorization: Basic YWRtaW46cHcxMjM=")).toBe("Authorization: Basic [secret]");
    expect(redact("postgres: password=s3cr3t host=db")).toBe("postgres: password=[secret] host=db");
  });

  it("leaves ordinary text alone", () => {
    for (const text of [
      "FailoverRelationship lab: the secret omapi.secret changed",
      'key "omapi" {',
      "the shared secret must be at least 8 characters",
      "http://192.0.2.1:8000/",
      'failover peer "lab" { primary; address 192.0.2.11; }',
    ]) {
      expect(redact(text)).toBe(text);
    }
  });
});

describe("secrets in a server's dhcpd.conf are known to the run's redactor once read", () => {
  it("so a parser error that cut the secret short shows no piece of it", async () => {
    const dir = tempDir("redaction");
    try {
      const configPath = path.join(dir, "dhcpd.conf");
      fs.writeFileSync(configPath, `key omapi {\n  algorithm hmac-sha256;\n  secret "${LONG}"\n}\n`);
      const server = iscServer.parse({
        name: "dhcp1",
        address: "192.0.2.11",
        ssh: { host: "127.0.0.1", port: 22, username: "root", hostKeySha256: `SHA256:${"A".repeat(43)}`, privateKey: "k" },
        configPath,
      });
      const connections = new ConnectionPool();
      void connections.get(sshKey(server.ssh), async () => new LocalSession());
      const redactor = new Redactor();
      const timing = { quietMs: 0, maxQuietMs: 0, maxWaitMs: 0, stallMs: 0 };
      const ctx: OperationContext = { resource: "t", connections, snapshots: new SnapshotCache(), commits: new CallCommits(new CommitQueues(timing)), log: new Logger(redactor), redactor, metrics: new Metrics() };
      const error = await loadConfig(await IscHost.open(ctx, server)).catch((e: Error) => e);
      expect((error as Error).message).toContain("…");
      expect((error as Error).message).toContain(LONG.slice(-20));
      const message = ctx.redactor.redactError(error).message;
      expectNoPieceOf(LONG, message);
      expect(message).toContain('expected ";" after "…[secret]"');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
