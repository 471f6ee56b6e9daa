import * as os from "node:os";
import type { OperationContext } from "../../provider/context";
import { LOCK_MARGIN_MS, LockRefused, SshSession, sshKey, type ExecResult, type HeldLock } from "../../transports/ssh";
import { backupPathOf, directoryOf, isTemporaryOf, PRIVATE_MODE, temporaryPath } from "./files";
import { LOCK_HEARTBEAT_MS, lockCommand, lockFailure, lockPathsOf } from "./lock";
import type { IscServer } from "./schema";
import { iscSecretsIn } from "./secretsInText";

const RESTART_TIMEOUT_MS = 60_000;
const RUNNING_WAIT_MS = 15_000;
const LOCK_WAIT_SECONDS = 300;
/** Seconds a run waits for another run's lock on dhcpd.conf before it gives up (default LOCK_WAIT_SECONDS). */
export const LOCK_WAIT_ENV = "PULUMI_DHCP_FAILOVER_LOCK_WAIT_SECONDS";

export function lockWaitSeconds(): number {
  const text = process.env[LOCK_WAIT_ENV];
  if (text === undefined || text === "") return LOCK_WAIT_SECONDS;
  const seconds = Number(text);
  if (!Number.isInteger(seconds) || seconds < 1) throw new Error(`${LOCK_WAIT_ENV}=${JSON.stringify(text)}: give a whole number of seconds of at least 1, or unset it for ${LOCK_WAIT_SECONDS}`);
  return seconds;
}

export type Validation = { ok: true } | { ok: false; message: string };

/** The SSH session for a server, shared by every operation of the run (one connection per endpoint). */
export function sshSessionFor(ctx: OperationContext, server: IscServer): Promise<SshSession> {
  const endpoint = `${server.ssh.username}@${server.ssh.host}:${server.ssh.port}`;
  const key = sshKey(server.ssh);
  return ctx.connections.get(key, () =>
    SshSession.connect(server.ssh, endpoint, {
      connected: (label) => ctx.metrics.count("ssh.connect", label),
      executed: (label, argv) => ctx.metrics.count("ssh.exec", label, argv[0]),
      // A dropped connection is not handed out again: the next operation (a rollback too) reconnects.
      lost: () => ctx.connections.drop(key),
    }),
  );
}

/**
 * One dhcpd server as files and commands over SSH: read the config, validate a candidate with the
 * server's own dhcpd, install it atomically with a backup, restart and check that dhcpd came back.
 * It knows nothing of dhcpd.conf's syntax.
 */
export class IscHost {
  readonly server: IscServer;
  private readonly ssh: SshSession;
  private readonly ctx: OperationContext;
  private locks: HeldLock[] = [];

  private constructor(server: IscServer, ssh: SshSession, ctx: OperationContext) {
    this.server = server;
    this.ssh = ssh;
    this.ctx = ctx;
  }

  static async open(ctx: OperationContext, server: IscServer): Promise<IscHost> {
    try {
      return new IscHost(server, await sshSessionFor(ctx, server), ctx);
    } catch (error) {
      throw new Error(`${server.name}: ${(error as Error).message}`);
    }
  }

  get backupPath(): string {
    return backupPathOf(this.server.configPath);
  }

  async readConfig(): Promise<string> {
    const data = await this.ssh.readFile(this.server.configPath);
    if (data === undefined) {
      throw new Error(`${this.server.name}: ${this.server.configPath} does not exist: check configPath`);
    }
    return this.remembered(data.toString("utf8"));
  }

  async readFile(path: string): Promise<string | undefined> {
    const data = await this.ssh.readFile(path);
    return data === undefined ? undefined : this.remembered(data.toString("utf8"));
  }

  /** Hands the secrets a config text holds to the run's redactor: a message quoting a line of it (even cut short) shows none. */
  private remembered(text: string): string {
    this.ctx.redactor.remember(iscSecretsIn(text));
    return text;
  }

  /** Runs the server's dhcpd on a candidate file next to the config (so relative includes resolve alike). */
  async validate(text: string): Promise<Validation> {
    const candidate = temporaryPath(this.server.configPath, "candidate");
    await this.ssh.createFile(candidate, text, { mode: PRIVATE_MODE });
    try {
      const result = await this.run([this.server.dhcpd, "-t", "-cf", candidate]);
      if (result.code === 0) return { ok: true };
      return { ok: false, message: dhcpdMessage(result, candidate, this.server.configPath) };
    } finally {
      await this.ssh.unlink(candidate);
    }
  }

  /**
   * Keeps the current file as the backup (0600), then replaces the config in one rename by a file with the
   * config's own mode, owner and group: a write never makes the config (or its secrets) more readable.
   * Both are written under fresh names first and renamed into place: rename(2) replaces a symbolic link
   * found at the destination instead of following it.
   */
  async install(text: string, previous: string): Promise<void> {
    const { configPath } = this.server;
    const current = await this.ssh.stat(configPath);
    if (current === undefined) throw new Error(`${this.server.name}: ${configPath} disappeared while locked: check configPath; it was not changed`);
    this.ensureLocked();
    const backup = temporaryPath(configPath, "bak");
    await this.ssh.createFile(backup, previous, { mode: PRIVATE_MODE });
    await this.renameOrRemove(backup, this.backupPath);
    const staged = temporaryPath(configPath, "new");
    try {
      await this.ssh.createFile(staged, text, current);
    } catch (error) {
      throw new Error(
        `${this.server.name}: cannot write the new ${configPath} with its mode ${current.mode.toString(8).padStart(4, "0")}, owner ${current.uid} and group ${current.gid} ` +
          `(${(error as Error).message}), so ${configPath} was not changed: log in as its owner (or root), and as a member of its group`,
        { cause: error },
      );
    }
    this.ensureLocked();
    await this.renameOrRemove(staged, configPath);
    this.ctx.metrics.count("isc.write", this.server.name);
  }

  private async renameOrRemove(from: string, to: string): Promise<void> {
    try {
      await this.ssh.rename(from, to);
    } catch (error) {
      await this.ssh.unlink(from).catch(() => undefined);
      throw error;
    }
  }

  /** Removes temporary files of ours that a run which died left beside the config; only while holding its lock. */
  async removeLeftovers(): Promise<void> {
    const { configPath } = this.server;
    for (const name of await this.ssh.list(directoryOf(configPath))) {
      if (isTemporaryOf(configPath, name)) await this.ssh.unlink(`${directoryOf(configPath)}/${name}`);
    }
  }

  /** Restarts dhcpd (it has no reload) and waits until it runs; the failure carries what the server said. */
  async restart(): Promise<{ ok: true } | { ok: false; message: string }> {
    this.ctx.metrics.count("isc.restart", this.server.name);
    const outcome = await this.restartAndWait();
    // The end of the restart too, so that a run's restarts can be shown never to overlap.
    this.ctx.metrics.count("isc.restarted", this.server.name, outcome.ok ? "running" : "failed");
    return outcome;
  }

  private async restartAndWait(): Promise<{ ok: true } | { ok: false; message: string }> {
    const result = await this.run(this.server.restart, RESTART_TIMEOUT_MS);
    if (result.code !== 0) {
      return { ok: false, message: `"${this.server.restart.join(" ")}" exited with ${result.code}: ${outputOf(result)}` };
    }
    const deadline = Date.now() + RUNNING_WAIT_MS;
    for (;;) {
      const running = await this.run(this.server.isRunning);
      if (running.code === 0) return { ok: true };
      if (Date.now() > deadline) {
        return { ok: false, message: `dhcpd is not running ${RUNNING_WAIT_MS / 1000} s after the restart (${this.server.isRunning.join(" ")}: ${outputOf(running) || `exit ${running.code}`})` };
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /**
   * Exclusive locks on the server, held until released, so that concurrent runs never interleave edits of
   * this config: its own lock whatever lockPath says, then lockPath's. The release gives them back in reverse.
   */
  async lock(): Promise<() => Promise<void>> {
    const wait = lockWaitSeconds();
    const holder = `${os.userInfo().username}@${os.hostname()} pid ${process.pid} (pulumi-dhcp-failover)`;
    const held: HeldLock[] = [];
    const releaseAll = async () => {
      for (const lock of held.reverse()) await lock.release();
      this.locks = [];
    };
    try {
      for (const path of lockPathsOf(this.server)) {
        try {
          held.push(await this.ssh.lock(lockCommand(path, wait, holder), LOCK_HEARTBEAT_MS, wait * 1000 + LOCK_MARGIN_MS, ["flock", path]));
        } catch (error) {
          if (!(error instanceof LockRefused)) throw error;
          throw new Error(lockFailure(this.server.name, path, wait, error.code, error.said), { cause: error });
        }
      }
    } catch (error) {
      await releaseAll();
      throw error;
    }
    this.locks = [...held];
    return releaseAll;
  }

  /** Refuses to write once a lock was lost (its lease ran out): another run may be editing the file now. */
  private ensureLocked(): void {
    for (const lock of this.locks) {
      const lost = lock.lost();
      if (lost !== undefined) throw new Error(`${this.server.name}: lost the lock on ${this.server.configPath} (${lost}), so nothing more is written: run pulumi up again`);
    }
  }

  run(argv: readonly string[], timeoutMs = 30_000, stdin?: string): Promise<ExecResult> {
    return this.ssh.exec(argv, stdin === undefined ? { timeoutMs } : { timeoutMs, stdin });
  }
}

// dhcpd ends every fatal error with the same advice on reporting bugs; it would push its own message out.
const BUG_REPORT_ADVICE =
  /^(If you think you have received this message due to a bug rather|than a configuration issue please read the section on submitting|bugs on either our web page at www\.isc\.org or in the README file|before submitting a bug\.\s+These pages explain the proper|process and the information we find helpful for debugging\.)$/;

/** dhcpd's start-up banner, which every message of it begins with. */
const BANNER = /^(Internet Systems Consortium|Copyright|All rights reserved|For info, please visit|ldap_gssapi_principal|Config file:|Database file:|PID file:|$)/;

function outputOf(result: ExecResult): string {
  return `${result.stderr}\n${result.stdout}`
    .split("\n")
    .filter((line) => !BANNER.test(line.trim()) && !BUG_REPORT_ADVICE.test(line.trim()))
    .slice(-12)
    .join("\n");
}

/** dhcpd's own error, without its banner, naming the real config file instead of the candidate. */
export function dhcpdMessage(result: ExecResult, candidate: string, configPath: string): string {
  const lines = `${result.stderr}\n${result.stdout}`
    .split("\n")
    .filter((line) => !BANNER.test(line.trim()))
    .map((line) => line.split(candidate).join(configPath));
  return lines.join("\n").trim() || `dhcpd -t exited with ${result.code} and said nothing`;
}
