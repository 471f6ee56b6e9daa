// A run shares one SSH connection per server, so many resources run their commands on it at once. The
// lab's sshd keeps OpenSSH's default MaxSessions (10 channels per connection): every command must still run.
import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLabInfo } from "../lab/index.ts";
import type { SshConnection } from "../../src/model/connections.ts";
import { lockCommand } from "../../src/backends/isc/lock.ts";
import { SshSession } from "../../src/transports/ssh.ts";

describe("many commands at once on one SSH connection", () => {
  let session: SshSession;

  beforeAll(async () => {
    const info = readLabInfo();
    const connection = {
      host: info.ssh.host,
      port: info.ssh.port,
      username: info.ssh.username,
      hostKeySha256: info.ssh.hostKeySha256,
      privateKey: fs.readFileSync(info.ssh.keys.admin, "utf8"),
      connectTimeoutSeconds: 10,
    } as SshConnection;
    session = await SshSession.connect(connection, "lab-sshd");
  });

  afterAll(() => session?.close());

  it("runs 30 concurrent commands, more than sshd's MaxSessions, while the SFTP channel and a lock stay open", async () => {
    const lockFile = `/tmp/pdf-ssh-channels-${process.pid}.lock`;
    await session.readFile("/etc/hostname");
    const lock = await session.lock(lockCommand(lockFile, 10, "sshChannels test"), 10_000, 40_000);
    try {
      const results = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => session.exec(["sh", "-c", `sleep 0.2; echo ${i}`], { timeoutMs: 30_000 })));
      const failures = results.flatMap((r) => (r.status === "rejected" ? [(r.reason as Error).message] : []));
      expect(failures).toEqual([]);
      expect(results.map((r) => (r.status === "fulfilled" ? r.value.stdout.trim() : ""))).toEqual(Array.from({ length: 30 }, (_, i) => String(i)));
    } finally {
      await lock.release();
      await session.exec(["rm", "-f", lockFile]);
    }
  });
});
