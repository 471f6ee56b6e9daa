// The ISC lock script run with the local sh, flock and timeout (issue 12 item 7): a holder that is gone
// frees the lock within its lease, the lock file says who holds it, a planted file is refused, and a
// timed-out wait says who holds the lock rather than suggesting flock is missing.
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { lockCommand, lockFailure, LOCK_LEASE_SECONDS } from "../../../src/backends/isc/lock";
import { LocalSession, tempDir } from "./localSession";

const NOBODY = 65534;

/** Whether another process could take the lock right now (flock -n). */
function free(lock: string): boolean {
  return spawnSync("flock", ["-n", lock, "true"]).status === 0;
}

describe("the ISC lock on the server", () => {
  let dir: string;
  let lock: string;

  beforeEach(() => {
    dir = tempDir("isc-lock");
    lock = path.join(dir, "dhcpd.conf.pulumi-dhcp-failover.lock");
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("is created 0600, says who holds it while held, and is emptied on release", async () => {
    const held = await new LocalSession().lock(lockCommand(lock, 5, "alice@ci pid 42"), 200);
    expect(fs.readFileSync(lock, "utf8")).toMatch(/^alice@ci pid 42, user root, since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$/);
    expect(fs.statSync(lock).mode & 0o7777).toBe(0o600);
    expect(free(lock)).toBe(false);
    await held.release();
    expect(fs.readFileSync(lock, "utf8")).toBe("");
    expect(free(lock)).toBe(true);
  });

  it("a holder that is gone (connection open, no heartbeat) frees it within the lease", async () => {
    // Stdin stays open and silent, as for a runner whose machine vanished without closing its connection.
    const argv = lockCommand(lock, 5, "gone", 1);
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ["pipe", "pipe", "pipe"] });
    let said = "";
    child.stderr.on("data", (c: Buffer) => (said += c.toString()));
    await new Promise<void>((resolve) => child.stdout.on("data", (c: Buffer) => c.toString().includes("locked") && resolve()));
    expect(free(lock)).toBe(false);
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code).toBe(4);
    expect(said).toContain("no heartbeat from the holder for 1 s: the lock was freed");
    expect(free(lock)).toBe(true);
    expect(fs.readFileSync(lock, "utf8")).toBe("");
    child.stdin.destroy();
  });

  it("a holder that keeps beating keeps it past the lease", async () => {
    const held = await new LocalSession().lock(lockCommand(lock, 5, "busy", 1), 200);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(held.lost()).toBeUndefined();
    expect(free(lock)).toBe(false);
    await held.release();
  });

  it("a wait that times out names the holder and the lease, and does not suggest flock is missing", async () => {
    const held = await new LocalSession().lock(lockCommand(lock, 5, "bob@laptop pid 7"), 200);
    try {
      const refused = await new LocalSession().lock(lockCommand(lock, 1, "me"), 200).then(
        () => undefined,
        (error: { code: number | null; said: string }) => error,
      );
      expect(refused?.code).toBe(1);
      const message = lockFailure("dhcp1", lock, 1, refused!.code, refused!.said);
      expect(message).toContain(`dhcp1: cannot lock ${lock}: another run held it for more than 1 s (held by bob@laptop pid 7, user root, since `);
      expect(message).toContain(`a holder that is gone frees it within ${LOCK_LEASE_SECONDS} s`);
      expect(message).not.toMatch(/flock.*install/);
    } finally {
      await held.release();
    }
  });

  it("refuses a symbolic link, another user's file and a hard link planted as the lock, leaving their targets alone", async () => {
    const victim = path.join(dir, "victim");
    fs.writeFileSync(victim, "precious\n");
    const cases: Array<[string, () => void, string]> = [
      ["symlink", () => fs.symlinkSync(victim, lock), "is not a regular file"],
      ["dangling symlink", () => fs.symlinkSync(path.join(dir, "nowhere"), lock), "is not a regular file"],
      ["other owner", () => (fs.writeFileSync(lock, ""), fs.chownSync(lock, NOBODY, NOBODY)), "belongs to another user"],
      ["hard link", () => fs.linkSync(victim, lock), "has other hard links"],
    ];
    for (const [name, plant, reason] of cases) {
      fs.rmSync(lock, { force: true });
      plant();
      const error = await new LocalSession().lock(lockCommand(lock, 1, "me"), 200).then(
        () => undefined,
        (e: { code: number | null; said: string }) => e,
      );
      expect(error?.code, name).toBe(3);
      expect(error?.said, name).toContain(reason);
      expect(fs.readFileSync(victim, "utf8"), name).toBe("precious\n");
      expect(fs.existsSync(path.join(dir, "nowhere")), name).toBe(false);
    }
  });

  it("says which tool is missing when flock or timeout is not installed", async () => {
    // A PATH holding every tool the script needs except flock.
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    for (const tool of ["sh", "id", "timeout", "head", "find", "date", "tr"]) {
      const found = spawnSync("sh", ["-c", `command -v ${tool}`]).stdout.toString().trim();
      fs.symlinkSync(found, path.join(bin, tool));
    }
    const argv = lockCommand(lock, 1, "me");
    const result = spawnSync(path.join(bin, "sh"), argv.slice(1), { env: { PATH: bin } });
    expect(result.status).toBe(127);
    const message = lockFailure("dhcp1", lock, 1, result.status, result.stderr.toString().trim());
    expect(message).toContain("flock(1) is not installed");
    expect(message).toContain("install util-linux's flock(1) and coreutils' timeout(1) on the server");
  });
});
