// Issue 12 items 1, 2, 7 and 8 on the lab's real sshd and dhcpd, through the library's own SSH transport:
// a write keeps dhcpd.conf's mode, owner and group and dhcpd restarts with it; the backup and candidates
// are 0600 and planted symbolic links are never followed; a lock holder that is gone frees the lock within
// its lease; runs with different lockPath values exclude each other; nothing of ours stays but the backup
// and the (empty) lock.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IscHost, LOCK_WAIT_ENV } from "../../../src/backends/isc/host.ts";
import { lockCommand } from "../../../src/backends/isc/lock.ts";
import { iscServer, type IscServer } from "../../../src/backends/isc/schema.ts";
import { CallCommits } from "../../../src/provider/callCommits.ts";
import { CommitQueues } from "../../../src/provider/commitQueue.ts";
import type { OperationContext } from "../../../src/provider/context.ts";
import { Logger } from "../../../src/provider/log.ts";
import { Metrics } from "../../../src/provider/metrics.ts";
import { ConnectionPool } from "../../../src/provider/pool.ts";
import { Redactor } from "../../../src/provider/redactor.ts";
import { SnapshotCache } from "../../../src/provider/snapshots.ts";
import { shellCommand, SshSession } from "../../../src/transports/ssh.ts";
import { readLabInfo, resetLab, type LabInfo } from "../../lab/index.ts";

const NOBODY = 65534;

const contexts: OperationContext[] = [];

function newContext(): OperationContext {
  const redactor = new Redactor();
  const timing = { quietMs: 0, maxQuietMs: 0, maxWaitMs: 0, stallMs: 0 };
  const ctx: OperationContext = { resource: "files test", connections: new ConnectionPool(), snapshots: new SnapshotCache(), commits: new CallCommits(new CommitQueues(timing)), log: new Logger(redactor), redactor, metrics: new Metrics() };
  contexts.push(ctx);
  return ctx;
}

/** Whether the lock is free right now (flock -n; the lab's servers share this machine's kernel). */
const free = (lock: string) => spawnSync("flock", ["-n", lock, "true"]).status === 0;
const modeOf = (file: string) => fs.lstatSync(file).mode & 0o7777;

describe("ISC files and lock on the lab's real servers", () => {
  let info: LabInfo;
  let ctx: OperationContext;
  let server: IscServer;
  let dir: string;

  beforeAll(async () => {
    await resetLab();
    info = readLabInfo();
    const s = info.isc.servers[0];
    dir = path.dirname(s.configPath);
    const ssh = { host: info.ssh.host, port: info.ssh.port, username: info.ssh.username, hostKeySha256: info.ssh.hostKeySha256, privateKey: fs.readFileSync(info.ssh.keys.admin, "utf8") };
    server = iscServer.parse({ name: s.name, address: s.address, ssh, configPath: s.configPath, restart: [...s.ctl, "restart"], isRunning: [...s.ctl, "status"] });
    ctx = newContext();
  });

  afterAll(async () => {
    delete process.env[LOCK_WAIT_ENV];
    for (const context of contexts) await context.connections.closeAll();
    await resetLab();
  });

  const ours = () => fs.readdirSync(dir).filter((name) => name.startsWith(`${path.basename(server.configPath)}.pulumi-dhcp-failover.`)).sort();

  it("a write keeps the config's mode, owner and group, dhcpd restarts with it, and the backup is 0600", async () => {
    fs.chmodSync(server.configPath, 0o640);
    fs.chownSync(server.configPath, NOBODY, 0);
    const host = await IscHost.open(ctx, server);
    const release = await host.lock();
    try {
      const previous = await host.readConfig();
      const next = `${previous}\n# written by the files test\n`;
      expect(await host.validate(next)).toEqual({ ok: true });
      await host.install(next, previous);
      expect(await host.restart()).toEqual({ ok: true });
    } finally {
      await release();
    }
    const stat = fs.statSync(server.configPath);
    expect({ mode: stat.mode & 0o7777, uid: stat.uid, gid: stat.gid }).toEqual({ mode: 0o640, uid: NOBODY, gid: 0 });
    expect(fs.readFileSync(server.configPath, "utf8")).toContain("# written by the files test");
    expect(modeOf(`${server.configPath}.pulumi-dhcp-failover.bak`)).toBe(0o600);
    expect(ours()).toEqual([`${path.basename(server.configPath)}.pulumi-dhcp-failover.bak`, `${path.basename(server.configPath)}.pulumi-dhcp-failover.lock`]);
    expect(fs.readFileSync(`${server.configPath}.pulumi-dhcp-failover.lock`, "utf8")).toBe("");
    expect(modeOf(`${server.configPath}.pulumi-dhcp-failover.lock`)).toBe(0o600);
  });

  it("symbolic links planted at the backup and at the old fixed temporary names are not followed", async () => {
    const victim = path.join(dir, "files-test-victim");
    fs.writeFileSync(victim, "untouched\n", { mode: 0o644 });
    const backup = `${server.configPath}.pulumi-dhcp-failover.bak`;
    fs.rmSync(backup, { force: true });
    for (const target of [backup, `${server.configPath}.pulumi-dhcp-failover.new`, `${server.configPath}.pulumi-dhcp-failover.candidate`]) fs.symlinkSync(victim, target);
    const host = await IscHost.open(ctx, server);
    const release = await host.lock();
    try {
      const previous = await host.readConfig();
      expect(await host.validate(previous)).toEqual({ ok: true });
      await host.install(`${previous}# again\n`, previous);
    } finally {
      await release();
    }
    expect(fs.readFileSync(victim, "utf8")).toBe("untouched\n");
    expect(modeOf(victim)).toBe(0o644);
    expect(fs.lstatSync(backup).isSymbolicLink()).toBe(false);
    expect(modeOf(backup)).toBe(0o600);
    for (const kind of ["new", "candidate"]) fs.rmSync(`${server.configPath}.pulumi-dhcp-failover.${kind}`);
    fs.rmSync(victim);
  });

  it("a holder that is gone (its channel open, no heartbeat) frees the lock within the lease; the lock file named it meanwhile", async () => {
    const lock = `${server.configPath}.pulumi-dhcp-failover.lock`;
    const session = await SshSession.connect(server.ssh, "lease test");
    try {
      const argv = lockCommand(lock, 5, "vanished-runner pid 1", 3);
      const channel = await session.openChannel(shellCommand(argv), argv);
      await new Promise<void>((resolve) => channel.on("data", (chunk: Buffer) => chunk.toString().includes("locked") && resolve()));
      const lockedAt = Date.now();
      expect(fs.readFileSync(lock, "utf8")).toContain(`vanished-runner pid 1, user ${info.ssh.username}, since `);
      expect(free(lock)).toBe(false);
      while (!free(lock) && Date.now() - lockedAt < 10_000) await new Promise((resolve) => setTimeout(resolve, 200));
      const heldMs = Date.now() - lockedAt;
      expect(free(lock)).toBe(true);
      expect(heldMs).toBeGreaterThan(2_000);
      expect(heldMs).toBeLessThan(6_000);
      expect(fs.readFileSync(lock, "utf8")).toBe("");
    } finally {
      session.close();
    }
  });

  it("runs with different lockPath values exclude each other, and the waiting one says who holds the lock", async () => {
    process.env[LOCK_WAIT_ENV] = "2";
    const a = await IscHost.open(newContext(), { ...server, lockPath: path.join(dir, "files-test-a.lock") });
    const b = await IscHost.open(newContext(), { ...server, lockPath: path.join(dir, "files-test-b.lock") });
    const release = await a.lock();
    try {
      await expect(b.lock()).rejects.toThrow(
        new RegExp(`^${server.name}: cannot lock ${server.configPath}\\.pulumi-dhcp-failover\\.lock: another run held it for more than 2 s \\(held by .* pid ${process.pid} \\(pulumi-dhcp-failover\\), user ${info.ssh.username}, since `),
      );
    } finally {
      await release();
    }
    const again = await b.lock();
    await again();
    for (const name of ["files-test-a.lock", "files-test-b.lock"]) fs.rmSync(path.join(dir, name));
  });
});
