// A stand-in for the SSH session of an ISC server that does each file operation with the same system calls
// OpenSSH's sftp-server makes for the SFTP request (open with O_CREAT|O_EXCL, fchown, fchmod, rename(2)),
// and runs commands (dhcpd -t, the lock script) with the local sh: the host's logic on a real file system.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { ExecResult, FileOwnership, HeldLock } from "../../../src/transports/ssh";
import { LockRefused } from "../../../src/transports/ssh";

export class LocalSession {
  readonly created: string[] = [];
  /** Set to make fchown fail as sftp-server does for a user who may not give that owner. */
  refuseChown = false;

  async readFile(file: string): Promise<Buffer | undefined> {
    return fs.existsSync(file) ? fs.readFileSync(file) : undefined;
  }

  async stat(file: string): Promise<FileOwnership | undefined> {
    if (!fs.existsSync(file)) return undefined;
    const s = fs.statSync(file);
    return { mode: s.mode & 0o7777, uid: s.uid, gid: s.gid };
  }

  async createFile(file: string, data: string | Buffer, attributes: { mode: number; uid?: number; gid?: number }): Promise<void> {
    this.created.push(file);
    const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_TRUNC, 0o600);
    try {
      fs.writeSync(fd, typeof data === "string" ? Buffer.from(data) : data);
      if (attributes.uid !== undefined && attributes.gid !== undefined) {
        if (this.refuseChown) throw new Error("Permission denied");
        fs.fchownSync(fd, attributes.uid, attributes.gid);
      }
      fs.fchmodSync(fd, attributes.mode);
    } catch (error) {
      fs.closeSync(fd);
      fs.rmSync(file, { force: true });
      throw error;
    }
    fs.closeSync(fd);
  }

  async rename(from: string, to: string): Promise<void> {
    fs.renameSync(from, to);
  }

  async unlink(file: string): Promise<void> {
    fs.rmSync(file, { force: true });
  }

  async list(dir: string): Promise<string[]> {
    return fs.readdirSync(dir);
  }

  exec(argv: readonly string[], options: { stdin?: string } = {}): Promise<ExecResult> {
    return new Promise((resolve) => {
      const child = spawn(argv[0]!, argv.slice(1), { stdio: "pipe" });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
      child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
      child.on("close", (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(options.stdin ?? "");
    });
  }

  /** Like SshSession.lock: waits for "locked", then feeds a heartbeat until released. */
  async lock(argv: readonly string[], heartbeatMs: number, _label?: readonly string[]): Promise<HeldLock> {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: "pipe" });
    let said = "";
    let lost: string | undefined;
    let released = false;
    child.stderr.on("data", (c: Buffer) => (said += c.toString()));
    const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
    await new Promise<void>((resolve, reject) => {
      let output = "";
      child.stdout.on("data", (c: Buffer) => {
        output += c.toString();
        if (output.includes("locked")) resolve();
      });
      void closed.then((code) => {
        if (!output.includes("locked")) reject(new LockRefused(code, said.trim()));
        else if (!released) lost = said.trim() || `exit ${code}`;
      });
    });
    const beat = setInterval(() => child.stdin.write("alive\n"), heartbeatMs);
    return {
      lost: () => lost,
      release: async () => {
        clearInterval(beat);
        released = true;
        child.stdin.end();
        await closed;
      },
    };
  }

  close(): void {}
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(fs.realpathSync("/tmp"), `${prefix}-`));
}
