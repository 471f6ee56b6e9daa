// An ISC install cut off mid-write or mid-restart: on reconnecting, the provider looks at what the server
// holds and acts (keep, roll back, start), and the error says which. The server is a fake SSH session in
// the run's connection pool, holding one file and a dhcpd that runs or not.
import { describe, expect, it } from "vitest";
import { interruptedError, recoverInstall } from "../../../src/backends/isc/interrupted";
import { iscServer } from "../../../src/backends/isc/schema";
import type { OperationContext } from "../../../src/provider/context";
import { Metrics } from "../../../src/provider/metrics";
import { ConnectionPool } from "../../../src/provider/pool";
import { Redactor } from "../../../src/provider/redactor";
import { sshKey, type ExecResult } from "../../../src/transports/ssh";

const server = iscServer.parse({
  name: "isc2",
  address: "10.231.1.12",
  configPath: "/etc/dhcp/dhcpd.conf",
  ssh: { host: "127.0.0.1", username: "root", hostKeySha256: `SHA256:${"A".repeat(43)}`, agent: true },
});
const OLD = "# old\n";
const NEW = "# new\n";

/** A server reached again after the cut: its file, whether dhcpd runs, and whether a restart brings it up. */
class FakeServer {
  files = new Map<string, string>();
  restarts = 0;
  constructor(
    text: string,
    public running: boolean,
    private readonly startsWith: (text: string) => boolean,
  ) {
    this.files.set(server.configPath, text);
  }
  async readFile(path: string): Promise<Buffer | undefined> {
    const text = this.files.get(path);
    return text === undefined ? undefined : Buffer.from(text);
  }
  locks = 0;
  async stat(path: string): Promise<{ mode: number; uid: number; gid: number } | undefined> {
    return this.files.has(path) ? { mode: 0o600, uid: 0, gid: 0 } : undefined;
  }
  async createFile(path: string, data: string): Promise<void> {
    if (this.files.has(path)) throw new Error(`${path} exists`);
    this.files.set(path, data);
  }
  async unlink(path: string): Promise<void> {
    this.files.delete(path);
  }
  async list(): Promise<string[]> {
    return [];
  }
  async lock(): Promise<{ lost: () => undefined; release: () => Promise<void> }> {
    this.locks++;
    return { lost: () => undefined, release: async () => undefined };
  }
  async rename(from: string, to: string): Promise<void> {
    this.files.set(to, this.files.get(from)!);
    this.files.delete(from);
  }
  async exec(argv: readonly string[]): Promise<ExecResult> {
    if (argv.join(" ") === server.restart.join(" ")) {
      this.restarts++;
      this.running = this.startsWith(this.files.get(server.configPath)!);
      return { code: 0, stdout: "", stderr: "" };
    }
    return { code: this.running ? 0 : 3, stdout: "", stderr: "" };
  }
  close(): void {}
}

function contextWith(fake: FakeServer | Error): OperationContext {
  const connections = new ConnectionPool();
  void connections.get(sshKey(server.ssh), () => (fake instanceof Error ? Promise.reject(fake) : Promise.resolve(fake))).catch(() => undefined);
  return { connections, metrics: new Metrics(), redactor: new Redactor() } as unknown as OperationContext;
}

const cut = new Error("isc2 (root@127.0.0.1:22): the SSH connection was lost (closed) while running \"systemctl restart isc-dhcp-server\"");

describe("an ISC install cut off", () => {
  it("keeps the new file when dhcpd runs it, and says so", async () => {
    const fake = new FakeServer(NEW, true, () => true);
    const found = await recoverInstall(contextWith(fake), server, NEW, OLD);
    expect(found).toEqual({ kind: "new", running: true });
    expect(fake.restarts).toBe(0);
    expect(interruptedError(server, cut, found).message).toBe(
      `isc2: installing the new configuration was cut off: ${cut.message}\nOn reconnecting, isc2 holds the new configuration and dhcpd runs with it. Run pulumi up again to finish the run; it converges from there.`,
    );
  });

  it("rolls back to the previous file when dhcpd does not run the new one", async () => {
    const fake = new FakeServer(NEW, false, (text) => text === OLD);
    const found = await recoverInstall(contextWith(fake), server, NEW, OLD);
    expect(found).toEqual({ kind: "rolled back", running: true });
    expect(fake.files.get(server.configPath)).toBe(OLD);
    // The connection that dropped took the server's lock with it: the rollback takes it again first.
    expect(fake.locks).toBeGreaterThan(0);
    expect(interruptedError(server, cut, found).message).toContain("On reconnecting, isc2 was rolled back to the previous configuration (dhcpd was not running the new one) and dhcpd runs with it.");
  });

  it("starts dhcpd on the previous file when the cut came before the rename and dhcpd is down", async () => {
    const fake = new FakeServer(OLD, false, () => true);
    const found = await recoverInstall(contextWith(fake), server, NEW, OLD);
    expect(found).toEqual({ kind: "old", running: true });
    expect(fake.restarts).toBe(1);
  });

  it("says what to do when dhcpd stays down, naming the restart command", async () => {
    const found = await recoverInstall(contextWith(new FakeServer(NEW, false, () => false)), server, NEW, OLD);
    expect(interruptedError(server, cut, found).message).toContain(`but dhcpd does not run: start dhcpd on isc2 by hand (${server.restart.join(" ")}), then run pulumi up again.`);
  });

  it("touches nothing when someone else changed the file meanwhile", async () => {
    const fake = new FakeServer("# someone else\n", true, () => true);
    const found = await recoverInstall(contextWith(fake), server, NEW, OLD);
    expect(found).toEqual({ kind: "changed by someone else" });
    expect(fake.files.get(server.configPath)).toBe("# someone else\n");
  });

  it("says the file is the old or the new one when the server cannot be reached again", async () => {
    const found = await recoverInstall(contextWith(new Error("isc2: cannot connect over SSH: connect ECONNREFUSED")), server, NEW, OLD);
    const error = interruptedError(server, cut, found);
    expect(error.message).toContain("isc2 cannot be reached again (isc2: isc2: cannot connect over SSH: connect ECONNREFUSED), so what it holds is not known: the old or the new /etc/dhcp/dhcpd.conf, never a mix");
    expect(error.cause).toBe(cut);
  });
});
