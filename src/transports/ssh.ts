import { createHash, timingSafeEqual } from "node:crypto";
import * as fs from "node:fs/promises";
import { Client, type ClientChannel, type ConnectConfig, type SFTPWrapper } from "ssh2";
import type { SshConnection } from "../model/connections";

export interface ExecResult {
  code: number | null;
  signal?: string;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  stdin?: string | Buffer;
  timeoutMs?: number;
}

/** Events the transport reports, for the benchmark's counts. */
export interface SshObserver {
  connected?(server: string): void;
  executed?(server: string, argv: readonly string[]): void;
  /** The connection dropped or stopped answering: the next use must reconnect. */
  lost?(server: string): void;
}

/** A file's permission bits, owner and group. */
export interface FileOwnership {
  mode: number;
  uid: number;
  gid: number;
}

/** A lock a remote command holds for us until released; `lost` says why it ended early, if it did. */
export interface HeldLock {
  lost(): string | undefined;
  release(): Promise<void>;
}

/** The lock command ended before it said "locked": its exit code and what it wrote on stderr. */
export class LockRefused extends Error {
  constructor(
    readonly code: number | null,
    readonly said: string,
  ) {
    super(said || `the lock command exited with ${code}`);
  }
}

// SFTP servers accept writes of at least this size (OpenSSH allows up to 256 KiB).
const SFTP_CHUNK_BYTES = 32_768;

/** Quotes one word for a POSIX shell: the remote side runs exec requests through the user's shell. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function shellCommand(argv: readonly string[]): string {
  return argv.map(shellQuote).join(" ");
}

/** OpenSSH's fingerprint format: "SHA256:" + unpadded base64 of the SHA-256 of the key blob. */
export function fingerprintOf(hostKey: Buffer): string {
  return `SHA256:${createHash("sha256").update(hostKey).digest("base64").replace(/=+$/, "")}`;
}

/** The key's algorithm, the first string of its SSH wire-format blob ("ssh-ed25519", "ssh-rsa"...). */
function keyType(hostKey: Buffer): string {
  const length = hostKey.length >= 4 ? hostKey.readUInt32BE(0) : 0;
  return length > 0 && length <= 64 && hostKey.length >= 4 + length ? hostKey.subarray(4, 4 + length).toString("latin1") : "unknown-type";
}

function sameFingerprint(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * OpenSSH refuses channels beyond MaxSessions (10 by default) on one connection, and a run shares one
 * connection per server: commands beyond this many wait their turn, leaving room for the SFTP channel and
 * the lock and shell channels that stay open.
 */
const MAX_CONCURRENT_COMMANDS = 6;

/** A command's deadline when its caller gives none. */
export const COMMAND_TIMEOUT_MS = 60_000;
/** Each SFTP operation's deadline (a configuration file is at most a few megabytes). */
export const FILE_TIMEOUT_MS = 60_000;
/** Keepalive probes: after KEEPALIVE_COUNT_MAX unanswered ones, ssh2 closes a connection that went silent. */
export const KEEPALIVE_INTERVAL_MS = 15_000;
export const KEEPALIVE_COUNT_MAX = 3;
/** Margin over flock's own wait for the lock's answer, and the wait for a lock's release. */
export const LOCK_MARGIN_MS = 30_000;

/** An SSH connection to one server, reused for every command and file of a run. */
export class SshSession {
  private sftpChannel: Promise<SFTPWrapper> | undefined;
  private commandsRunning = 0;
  private readonly commandsWaiting: Array<() => void> = [];
  /** Why the connection is gone, once it is. */
  private lost: string | undefined;
  /** Operations in flight, each failed at once if the connection drops. */
  private readonly pending = new Set<() => void>();

  private constructor(
    private readonly client: Client,
    readonly server: string,
    readonly endpoint: string,
    private readonly observer: SshObserver,
  ) {
    // "end" and "close" come before ssh2 closes the channels, so a command cut off is told from one that ended.
    client.on("end", () => this.connectionLost("the server closed it"));
    client.on("close", () => this.connectionLost("closed"));
    client.on("error", (error: Error) => this.connectionLost(error.message));
  }

  /** True once the connection dropped: the session cannot be used again. */
  get broken(): boolean {
    return this.lost !== undefined;
  }

  /** A password (Windows OpenSSH, windowsSshConnection) is offered when given; ssh2 never logs it. */
  static async connect(connection: SshConnection & { password?: string }, server: string, observer: SshObserver = {}): Promise<SshSession> {
    const endpoint = `${connection.username}@${connection.host}:${connection.port}`;
    const client = new Client();
    let presented: { type: string; fingerprint: string } | undefined;
    const config: ConnectConfig = {
      host: connection.host,
      port: connection.port,
      username: connection.username,
      readyTimeout: connection.connectTimeoutSeconds * 1000,
      keepaliveInterval: KEEPALIVE_INTERVAL_MS,
      keepaliveCountMax: KEEPALIVE_COUNT_MAX,
      hostVerifier: (key: Buffer) => {
        presented = { type: keyType(key), fingerprint: fingerprintOf(key) };
        return sameFingerprint(presented.fingerprint, connection.hostKeySha256);
      },
    };
    if (connection.privateKey !== undefined) config.privateKey = connection.privateKey;
    if (connection.privateKeyPath !== undefined) {
      try {
        config.privateKey = await fs.readFile(connection.privateKeyPath);
      } catch (error) {
        throw new Error(`${server}: cannot read the SSH private key at ${connection.privateKeyPath}: ${(error as Error).message}`);
      }
    }
    if (connection.passphrase !== undefined) config.passphrase = connection.passphrase;
    if (connection.password !== undefined) config.password = connection.password;
    if (connection.agent !== undefined) {
      const socket = connection.agent === true ? process.env.SSH_AUTH_SOCK : connection.agent;
      if (!socket) throw new Error(`${server}: ssh agent requested but SSH_AUTH_SOCK is not set in the environment that runs pulumi`);
      config.agent = socket;
    }

    await new Promise<void>((resolve, reject) => {
      client.once("ready", () => resolve());
      client.once("error", (error: Error & { level?: string }) => {
        if (presented !== undefined && !sameFingerprint(presented.fingerprint, connection.hostKeySha256)) {
          reject(
            new Error(
              `${server} (${endpoint}): refused the connection because the server's ${presented.type} host key is ${presented.fingerprint}, ` +
                `but the program pins ${connection.hostKeySha256} (hostKeySha256). If the server's key changed on purpose, ` +
                `check the new fingerprint on the server itself (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub on its console) ` +
                `and update hostKeySha256; otherwise do not connect: another machine may be answering in its place.`,
            ),
          );
        } else if (error.level === "client-authentication") {
          reject(new Error(`${server} (${endpoint}): SSH authentication failed (${error.message}): check the user name and ${connection.password === undefined ? "key" : "password"}`));
        } else {
          reject(new Error(`${server} (${endpoint}): cannot connect over SSH: ${error.message}`));
        }
      });
      try {
        client.connect(config);
      } catch (error) {
        // ssh2 parses the key before connecting: an encrypted key without (or with a wrong) passphrase fails here.
        reject(
          new Error(
            `${server} (${endpoint}): cannot use the SSH private key: ${(error as Error).message}. ` +
              `Give the key's passphrase (a secret) as passphrase if it is encrypted, and check that privateKey holds the whole key text.`,
          ),
        );
      }
    });
    observer.connected?.(server);
    return new SshSession(client, server, endpoint, observer);
  }

  /** Runs argv on the server (each word quoted), optionally feeding stdin; never throws on a non-zero exit. */
  exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    return this.execCommand(shellCommand(argv), argv, options);
  }

  /**
   * Runs a command line exactly as given, for servers whose shell is not POSIX (Windows OpenSSH runs
   * cmd.exe, where single quotes are not quotes): the caller makes sure every word is safe unquoted.
   */
  async execCommand(commandLine: string, argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    this.observer.executed?.(this.server, argv);
    await this.commandSlot();
    try {
      return await this.runCommand(commandLine, argv, options);
    } finally {
      this.releaseCommandSlot();
    }
  }

  private async commandSlot(): Promise<void> {
    if (this.commandsRunning < MAX_CONCURRENT_COMMANDS) {
      this.commandsRunning++;
      return;
    }
    // A finishing command hands its slot over (releaseCommandSlot), so the count stays as it is.
    await new Promise<void>((resolve) => this.commandsWaiting.push(resolve));
  }

  private releaseCommandSlot(): void {
    const next = this.commandsWaiting.shift();
    if (next) next();
    else this.commandsRunning--;
  }

  private runCommand(commandLine: string, argv: readonly string[], options: ExecOptions): Promise<ExecResult> {
    const timeoutMs = options.timeoutMs ?? COMMAND_TIMEOUT_MS;
    let channel: ClientChannel | undefined;
    return this.bounded<ExecResult>(`running "${argv.join(" ")}"`, timeoutMs, () => channel?.close(), (resolve, reject) => {
      this.client.exec(commandLine, (error, stream) => {
        if (error) {
          reject(this.wrap(error, argv));
          return;
        }
        channel = stream;
        // Listeners go on in the same tick as the channel arrives: a fast command's exit status, end and
        // close can come in the same packet as the exec reply, and ssh2 emits "exit" once, without replay.
        const stdout: Buffer[] = [];
        const stderr: Buffer[] = [];
        let exit: { code: number | null; signal?: string } | undefined;
        stream.on("data", (chunk: Buffer) => stdout.push(chunk));
        stream.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
        stream.on("exit", (code: number | null, signal?: string) => {
          exit = signal ? { code, signal } : { code };
        });
        stream.on("close", () => {
          if (exit === undefined && this.lost !== undefined) {
            reject(this.lostError(`running "${argv.join(" ")}"`));
            return;
          }
          resolve({ ...(exit ?? { code: null }), stdout: Buffer.concat(stdout).toString("utf8"), stderr: Buffer.concat(stderr).toString("utf8") });
        });
        stream.on("error", (streamError: Error) => reject(this.wrap(streamError, argv)));
        stream.end(options.stdin ?? "");
      });
    });
  }

  /**
   * Runs one remote operation with a deadline: it settles once, with its own result, with a timeout error
   * after `ms`, or with the lost connection's error as soon as the connection drops, so that no caller
   * waits on a server that went away.
   */
  private bounded<T>(
    what: string,
    ms: number,
    onTimeout: () => void,
    body: (resolve: (value: T) => void, reject: (error: Error) => void) => void,
  ): Promise<T> {
    if (this.lost !== undefined) return Promise.reject(this.lostError(what));
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const finish = (settle: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.pending.delete(onLost);
        settle();
      };
      const onLost = () => finish(() => reject(this.lostError(what)));
      const timer = setTimeout(() => {
        finish(() =>
          reject(
            new Error(
              `${this.server} (${this.endpoint}): no answer within ${ms < 10_000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`} while ${what}: the server or the network stopped answering. ` +
                `Check that ${this.server} is up and reachable, then run the command again.`,
            ),
          ),
        );
        onTimeout();
      }, ms);
      this.pending.add(onLost);
      try {
        body(
          (value) => finish(() => resolve(value)),
          (error) => finish(() => reject(error)),
        );
      } catch (error) {
        // ssh2 throws "Not connected" synchronously once the socket is gone.
        finish(() => reject(this.wrap(error as Error, [what])));
      }
    });
  }

  /** Marks the connection as gone and fails everything still waiting on it. */
  private connectionLost(reason: string): void {
    if (this.lost !== undefined) return;
    this.lost = reason;
    for (const fail of [...this.pending]) fail();
    this.observer.lost?.(this.server);
  }

  private lostError(what: string): Error {
    return new Error(
      `${this.server} (${this.endpoint}): the SSH connection was lost (${this.lost ?? "closed"}) while ${what}. ` +
        `Check that ${this.server} and its sshd are up and reachable, then run the command again.`,
    );
  }

  /**
   * Starts a command that lives as long as the caller keeps its channel (a remote shell session fed through
   * stdin), for transports that frame their own requests and replies on it.
   */
  async openChannel(commandLine: string, argv: readonly string[]): Promise<ClientChannel> {
    this.observer.executed?.(this.server, argv);
    return this.bounded<ClientChannel>(`starting "${argv.join(" ")}"`, COMMAND_TIMEOUT_MS, () => undefined, (resolve, reject) => {
      this.client.exec(commandLine, (error, stream) => (error ? reject(this.wrap(error, argv)) : resolve(stream)));
    });
  }

  private sftp(): Promise<SFTPWrapper> {
    this.sftpChannel ??= this.bounded<SFTPWrapper>("opening SFTP", FILE_TIMEOUT_MS, () => undefined, (resolve, reject) => {
      this.client.sftp((error, sftp) => (error ? reject(new Error(`${this.server}: cannot open SFTP: ${error.message}`)) : resolve(sftp)));
    });
    // A failed opening is not kept: the next file operation tries again and reports its own error.
    this.sftpChannel.catch(() => (this.sftpChannel = undefined));
    return this.sftpChannel;
  }

  /** The file's bytes, or undefined when it does not exist. */
  async readFile(path: string): Promise<Buffer | undefined> {
    const sftp = await this.sftp();
    return this.bounded<Buffer | undefined>(`reading ${path}`, FILE_TIMEOUT_MS, () => undefined, (resolve, reject) => {
      sftp.readFile(path, (error: (Error & { code?: number }) | null | undefined, data: Buffer) => {
        if (!error) resolve(data);
        else if (error.code === 2) resolve(undefined);
        else reject(new Error(`${this.server}: cannot read ${path}: ${error.message}`));
      });
    });
  }

  /** The file's mode bits, owner and group (following a symbolic link), or undefined when it does not exist. */
  async stat(path: string): Promise<FileOwnership | undefined> {
    const sftp = await this.sftp();
    return this.bounded<FileOwnership | undefined>(`reading the mode and owner of ${path}`, FILE_TIMEOUT_MS, () => undefined, (resolve, reject) => {
      sftp.stat(path, (error: (Error & { code?: number }) | null | undefined, stats) => {
        if (!error) resolve({ mode: stats.mode & 0o7777, uid: stats.uid, gid: stats.gid });
        else if (error.code === 2) resolve(undefined);
        else reject(new Error(`${this.server}: cannot read the mode and owner of ${path}: ${error.message}`));
      });
    });
  }

  /**
   * Creates a file that must not exist yet (O_CREAT|O_EXCL: a file or a symbolic link already there is
   * refused, never followed or truncated) with mode 0600, writes it, then sets the owner and mode asked
   * for through the open handle. The file is removed again when any step fails. Each step has a deadline.
   */
  async createFile(path: string, data: string | Buffer, attributes: { mode: number; uid?: number; gid?: number }): Promise<void> {
    const sftp = await this.sftp();
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    const fail = (what: string) => (error: Error) => new Error(`${this.server}: cannot ${what} ${path}: ${error.message}`, { cause: error });
    const handle = await this.bounded<Buffer>(`creating ${path}`, FILE_TIMEOUT_MS, () => undefined, (resolve, reject) => {
      sftp.open(path, "wx", { mode: 0o600 }, (error, h) => (error ? reject(fail("create")(error)) : resolve(h)));
    });
    const step = (what: string, run: (done: (error?: Error | null) => void) => void) =>
      this.bounded<void>(`${what} ${path}`, FILE_TIMEOUT_MS, () => undefined, (resolve, reject) => run((error) => (error ? reject(fail(what)(error)) : resolve())));
    try {
      for (let offset = 0; offset < bytes.length; offset += SFTP_CHUNK_BYTES) {
        const length = Math.min(SFTP_CHUNK_BYTES, bytes.length - offset);
        await step("write", (done) => sftp.write(handle, bytes, offset, length, offset, done));
      }
      if (attributes.uid !== undefined && attributes.gid !== undefined) {
        const { uid, gid } = attributes;
        await step(`give owner ${uid} and group ${gid} to`, (done) => sftp.fchown(handle, uid, gid, done));
      }
      await step(`set mode ${attributes.mode.toString(8).padStart(4, "0")} on`, (done) => sftp.fchmod(handle, attributes.mode, done));
    } catch (error) {
      await step("close", (done) => sftp.close(handle, done)).catch(() => undefined);
      await this.unlink(path).catch(() => undefined);
      throw error;
    }
    await step("close", (done) => sftp.close(handle, done));
  }

  /** The names in a directory. */
  async list(dir: string): Promise<string[]> {
    const sftp = await this.sftp();
    return this.bounded<string[]>(`listing ${dir}`, FILE_TIMEOUT_MS, () => undefined, (resolve, reject) => {
      sftp.readdir(dir, (error, entries) => (error ? reject(new Error(`${this.server}: cannot list ${dir}: ${error.message}`)) : resolve(entries.map((e) => e.filename))));
    });
  }

  /** Replaces `to` with `from` in one step (POSIX rename), so readers see the old file or the new one. */
  async rename(from: string, to: string): Promise<void> {
    const sftp = await this.sftp();
    await this.bounded<void>(`renaming ${from} to ${to}`, FILE_TIMEOUT_MS, () => undefined, (resolve, reject) => {
      sftp.ext_openssh_rename(from, to, (error) =>
        error ? reject(new Error(`${this.server}: cannot rename ${from} to ${to}: ${error.message}`)) : resolve(),
      );
    });
  }

  async unlink(path: string): Promise<void> {
    const sftp = await this.sftp();
    await this.bounded<void>(`removing ${path}`, FILE_TIMEOUT_MS, () => undefined, (resolve, reject) => {
      sftp.unlink(path, (error: (Error & { code?: number }) | null | undefined) =>
        !error || error.code === 2 ? resolve() : reject(new Error(`${this.server}: cannot remove ${path}: ${error.message}`)),
      );
    });
  }

  /**
   * Runs a lock command (a remote script that prints "locked" once it holds its lock, then keeps it while
   * it hears from us) and feeds it a heartbeat line every `heartbeatMs`, so that the server can free the
   * lock of a runner that is gone. Resolves once locked; rejects with what the command said otherwise.
   * `label` is what the observer is told was run (the lock, not the shell that takes it).
   */
  async lock(argv: readonly string[], heartbeatMs: number, acquireMs: number, label: readonly string[] = argv): Promise<HeldLock> {
    this.observer.executed?.(this.server, label);
    const what = `taking the lock (${label.join(" ")})`;
    let lost: string | undefined;
    let released = false;
    let errors = "";
    let closed = false;
    const beat: { timer?: NodeJS.Timeout } = {};
    let opened: ClientChannel | undefined;
    // Waiting for the lock has its own deadline (the command's own wait plus a margin); a connection that
    // drops meanwhile fails the wait at once.
    const channel = await this.bounded<ClientChannel>(what, acquireMs, () => opened?.close(), (resolve, reject) => {
      this.client.exec(shellCommand(argv), (error, stream) => {
        if (error) {
          reject(this.wrap(error, argv));
          return;
        }
        opened = stream;
        let output = "";
        stream.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString()));
        stream.on("data", (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes("locked")) resolve(stream);
        });
        stream.on("close", (code: number | null) => {
          closed = true;
          clearInterval(beat.timer);
          if (!output.includes("locked")) {
            if (this.lost !== undefined) reject(this.lostError(what));
            else reject(new LockRefused(code, errors.trim()));
          } else if (!released) lost = errors.trim() || this.lost || `the lock command ended (exit ${code})`;
        });
      });
    });
    if (!closed) {
      beat.timer = setInterval(() => channel.write("alive\n"), heartbeatMs);
      beat.timer.unref();
    }
    return {
      lost: () => lost,
      release: async () => {
        clearInterval(beat.timer);
        // A dropped connection already ended the lock command on the server: nothing is left to wait for.
        if (closed || this.lost !== undefined) return;
        released = true;
        await this.bounded<void>(`releasing the lock (${label.join(" ")})`, LOCK_MARGIN_MS, () => channel.close(), (resolve) => {
          channel.once("close", () => resolve());
          channel.end();
        }).catch(() => undefined);
      },
    };
  }

  private wrap(error: Error, argv: readonly string[]): Error {
    return new Error(`${this.server} (${this.endpoint}): cannot run "${argv.join(" ")}": ${error.message}`);
  }

  close(): void {
    this.client.end();
  }
}

/** The pool key of an SSH endpoint: one connection per user@host:port with the same pinned key. */
export function sshKey(connection: SshConnection): string {
  return `ssh:${connection.username}@${connection.host}:${connection.port}#${connection.hostKeySha256}`;
}
