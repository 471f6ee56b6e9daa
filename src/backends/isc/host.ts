import type { OperationContext } from "../../provider/context";
import { SshSession, sshKey, type ExecResult } from "../../transports/ssh";
import type { IscServer } from "./schema";

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

  get lockPath(): string {
    return this.server.lockPath ?? `${this.server.configPath}.pulumi-dhcp-failover.lock`;
  }

  get backupPath(): string {
    return `${this.server.configPath}.pulumi-dhcp-failover.bak`;
  }

  async readConfig(): Promise<string> {
    const data = await this.ssh.readFile(this.server.configPath);
    if (data === undefined) {
      throw new Error(`${this.server.name}: ${this.server.configPath} does not exist: check configPath`);
    }
    return data.toString("utf8");
  }

  async readFile(path: string): Promise<string | undefined> {
    return (await this.ssh.readFile(path))?.toString("utf8");
  }

  /** Runs the server's dhcpd on a candidate file next to the config (so relative includes resolve alike). */
  async validate(text: string): Promise<Validation> {
    const candidate = `${this.server.configPath}.pulumi-dhcp-failover.candidate`;
    await this.ssh.writeFile(candidate, text, 0o600);
    try {
      const result = await this.run([this.server.dhcpd, "-t", "-cf", candidate]);
      if (result.code === 0) return { ok: true };
      return { ok: false, message: dhcpdMessage(result, candidate, this.server.configPath) };
    } finally {
      await this.ssh.unlink(candidate);
    }
  }

  /** Keeps the current file as the backup, then replaces the config in one rename. */
  async install(text: string, previous: string): Promise<void> {
    const staged = `${this.server.configPath}.pulumi-dhcp-failover.new`;
    await this.ssh.writeFile(this.backupPath, previous, 0o644);
    await this.ssh.writeFile(staged, text, 0o644);
    await this.ssh.rename(staged, this.server.configPath);
    this.ctx.metrics.count("isc.write", this.server.name);
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

  /** An exclusive lock on the server, held until released: concurrent runs never interleave edits. */
  lock(): Promise<() => Promise<void>> {
    return this.ssh.lock(this.lockPath, lockWaitSeconds());
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
