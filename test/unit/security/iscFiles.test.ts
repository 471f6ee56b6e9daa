// How an ISC write treats the files beside dhcpd.conf (issue 12 items 1, 2 and 8): the config keeps its mode,
// owner and group; backups and candidates are 0600; temporary names are fresh and created exclusively,
// never through a planted symbolic link; nothing of ours stays behind; two lockPath values still exclude each other.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { IscHost, LOCK_WAIT_ENV } from "../../../src/backends/isc/host";
import { iscServer, type IscServer } from "../../../src/backends/isc/schema";
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

const NOBODY = 65534;

function context(session: LocalSession, server: IscServer): OperationContext {
  const connections = new ConnectionPool();
  void connections.get(sshKey(server.ssh), async () => session);
  const redactor = new Redactor();
  const timing = { quietMs: 0, maxQuietMs: 0, maxWaitMs: 0, stallMs: 0 };
  return { resource: "test", connections, snapshots: new SnapshotCache(), commits: new CallCommits(new CommitQueues(timing)), log: new Logger(redactor), redactor, metrics: new Metrics() };
}

function serverAt(configPath: string, over: Record<string, unknown> = {}): IscServer {
  return iscServer.parse({
    name: "dhcp1",
    address: "192.0.2.11",
    ssh: { host: "127.0.0.1", port: 22, username: "root", hostKeySha256: `SHA256:${"A".repeat(43)}`, privateKey: "k" },
    configPath,
    dhcpd: "true",
    ...over,
  });
}

async function hostFor(server: IscServer, session = new LocalSession()): Promise<{ host: IscHost; session: LocalSession }> {
  return { host: await IscHost.open(context(session, server), server), session };
}

const modeOf = (file: string) => fs.lstatSync(file).mode & 0o7777;

describe("ISC files beside dhcpd.conf", () => {
  let dir: string;
  let config: string;

  beforeEach(() => {
    dir = tempDir("isc-files");
    config = path.join(dir, "dhcpd.conf");
    fs.writeFileSync(config, 'key omapi { algorithm hmac-sha256; secret "c2VjcmV0IGtleQ=="; }\n', { mode: 0o640 });
    fs.chmodSync(config, 0o640);
    fs.chownSync(config, NOBODY, NOBODY);
  });

  afterEach(() => {
    delete process.env[LOCK_WAIT_ENV];
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("a written config keeps its mode, owner and group; the backup is 0600", async () => {
    const { host } = await hostFor(serverAt(config));
    const previous = fs.readFileSync(config, "utf8");
    await host.install(`${previous}# changed\n`, previous);
    const stat = fs.statSync(config);
    expect({ mode: stat.mode & 0o7777, uid: stat.uid, gid: stat.gid }).toEqual({ mode: 0o640, uid: NOBODY, gid: NOBODY });
    expect(fs.readFileSync(config, "utf8")).toContain("# changed");
    expect(modeOf(`${config}.pulumi-dhcp-failover.bak`)).toBe(0o600);
    expect(fs.readFileSync(`${config}.pulumi-dhcp-failover.bak`, "utf8")).toBe(previous);
  });

  it("a 0600 config stays 0600", async () => {
    fs.chmodSync(config, 0o600);
    const { host } = await hostFor(serverAt(config));
    await host.install("# new\n", "# old\n");
    expect(modeOf(config)).toBe(0o600);
  });

  it("the candidate for dhcpd -t is 0600 while dhcpd reads it, under a fresh name each time, and removed after", async () => {
    const seen = path.join(dir, "seen");
    // A stand-in for dhcpd that records the mode and name of the file it was given.
    const dhcpd = path.join(dir, "fake-dhcpd");
    fs.writeFileSync(dhcpd, `#!/bin/sh\nstat -c '%a %n' "$3" >>${seen}\n`, { mode: 0o700 });
    const { host } = await hostFor(serverAt(config, { dhcpd }));
    expect(await host.validate("# one\n")).toEqual({ ok: true });
    expect(await host.validate("# two\n")).toEqual({ ok: true });
    const lines = fs.readFileSync(seen, "utf8").trim().split("\n");
    expect(lines.map((l) => l.split(" ")[0])).toEqual(["600", "600"]);
    const names = lines.map((l) => l.split(" ")[1]);
    expect(new Set(names).size).toBe(2);
    for (const name of names) expect(name).toMatch(/dhcpd\.conf\.pulumi-dhcp-failover\.[0-9a-f]{16}\.candidate$/);
    expect(fs.readdirSync(dir).sort()).toEqual(["dhcpd.conf", "fake-dhcpd", "seen"]);
  });

  it("symbolic links planted at the old fixed names are never followed: their targets stay as they were", async () => {
    const victim = path.join(dir, "victim");
    fs.writeFileSync(victim, "untouched\n", { mode: 0o644 });
    for (const kind of ["bak", "new", "candidate"]) fs.symlinkSync(victim, `${config}.pulumi-dhcp-failover.${kind}`);
    const { host } = await hostFor(serverAt(config));
    await host.validate("# candidate\n");
    await host.install("# new\n", "# old\n");
    expect(fs.readFileSync(victim, "utf8")).toBe("untouched\n");
    expect(modeOf(victim)).toBe(0o644);
    // The backup's symbolic link was replaced by a file of ours, not written through.
    expect(fs.lstatSync(`${config}.pulumi-dhcp-failover.bak`).isSymbolicLink()).toBe(false);
    expect(fs.lstatSync(config).isSymbolicLink()).toBe(false);
  });

  it("a file already at a temporary name is refused (created exclusively), never truncated or reused", async () => {
    const session = new LocalSession();
    const { host } = await hostFor(serverAt(config), session);
    await host.install("# first\n", "# old\n");
    const staged = session.created.find((f) => f.endsWith(".new"))!;
    fs.writeFileSync(staged, "planted\n", { mode: 0o666 });
    await expect(session.createFile(staged, "ours", { mode: 0o600 })).rejects.toThrow(/EEXIST/);
    expect(fs.readFileSync(staged, "utf8")).toBe("planted\n");
  });

  it("when the new file cannot get the config's owner, nothing is written and nothing of ours stays", async () => {
    const session = new LocalSession();
    session.refuseChown = true;
    const { host } = await hostFor(serverAt(config), session);
    const before = fs.readFileSync(config, "utf8");
    await expect(host.install("# new\n", before)).rejects.toThrow(`cannot write the new ${config} with its mode 0640, owner ${NOBODY} and group ${NOBODY}`);
    expect(fs.readFileSync(config, "utf8")).toBe(before);
    expect(fs.readdirSync(dir).filter((n) => /[0-9a-f]{16}/.test(n))).toEqual([]);
  });

  it("temporary files a dead run left are removed under the lock; nothing else is", async () => {
    const left = ["0123456789abcdef.new", "fedcba9876543210.candidate", "00000000ffffffff.bak"].map((n) => `dhcpd.conf.pulumi-dhcp-failover.${n}`);
    const kept = ["dhcpd.conf.pulumi-dhcp-failover.bak", "dhcpd.conf.pulumi-dhcp-failover.xyz.new", "other.conf.pulumi-dhcp-failover.0123456789abcdef.new", "dhcpd.conf.orig"];
    for (const name of [...left, ...kept]) fs.writeFileSync(path.join(dir, name), "x");
    const { host } = await hostFor(serverAt(config));
    await host.removeLeftovers();
    expect(fs.readdirSync(dir).sort()).toEqual(["dhcpd.conf", ...kept].sort());
  });

  it("one lock per config file whatever lockPath says: a run with another lockPath waits for the first", async () => {
    process.env[LOCK_WAIT_ENV] = "1";
    const first = await hostFor(serverAt(config, { lockPath: path.join(dir, "a.lock") }));
    const second = await hostFor(serverAt(config, { lockPath: path.join(dir, "b.lock") }));
    const release = await first.host.lock();
    try {
      await expect(second.host.lock()).rejects.toThrow(`dhcp1: cannot lock ${config}.pulumi-dhcp-failover.lock: another run held it for more than 1 s (held by `);
    } finally {
      await release();
    }
    const again = await second.host.lock();
    await again();
    expect(fs.readFileSync(`${config}.pulumi-dhcp-failover.lock`, "utf8")).toBe("");
    expect(modeOf(`${config}.pulumi-dhcp-failover.lock`)).toBe(0o600);
  });
});
