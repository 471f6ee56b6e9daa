import { randomBytes } from "node:crypto";
import { StringDecoder } from "node:string_decoder";
import type { ClientChannel } from "ssh2";
import type { WindowsSshConnection } from "../model/connections";
import { SshSession, sshKey, type SshObserver } from "./ssh";
import { oneLineInvocation, type PowerShellOutput, type PowerShellRunner } from "./powershell";

/**
 * The options of the one PowerShell a run starts per server. `-Command -` reads one statement per stdin
 * line for as long as stdin stays open; the command line stays short, because cmd.exe (Windows OpenSSH's
 * default shell) limits it to 8191 characters.
 */
export const SESSION_OPTIONS = ["-NoProfile", "-NonInteractive", "-Command", "-"] as const;

export function sshCommandLine(executable: string): string {
  return [executable, ...SESSION_OPTIONS].join(" ");
}

/**
 * The lines sent for one script: markers written to both streams before and after it, and the script as one
 * line (see oneLineInvocation). The markers hold a fresh random nonce the script never sees, so no output a
 * script produces can end its reply early or forge another's; each marker is a statement of its own, so a
 * script that stops on an error still lets the end markers run.
 */
export function framedRequest(scriptText: string, nonce: string): { text: string; begin: string; end: string } {
  const begin = `pdf-begin-${nonce}`;
  const end = `pdf-end-${nonce}`;
  const mark = (marker: string) => `[Console]::Out.WriteLine('${marker}'); [Console]::Error.WriteLine('${marker}')`;
  return { text: `${mark(begin)}\n${oneLineInvocation(scriptText)}\n${mark(end)}\n`, begin, end };
}

/** What a stream holds between a line `begin` and a line `end`, once `end` has arrived; prompts or stray output before `begin` are not the script's. */
export function framedReply(buffer: string, begin: string, end: string): { reply: string; rest: string } | undefined {
  const endAt = lineIndex(buffer, end);
  if (endAt < 0) return undefined;
  const after = buffer.indexOf("\n", endAt);
  return { reply: afterLine(buffer.slice(0, endAt), begin), rest: after < 0 ? "" : buffer.slice(after + 1) };
}

/** What follows the line `line` in `buffer`, or all of it when that line is not there. */
function afterLine(buffer: string, line: string): string {
  const at = lineIndex(buffer, line);
  if (at < 0) return buffer;
  const next = buffer.indexOf("\n", at);
  return next < 0 ? "" : buffer.slice(next + 1);
}

/** Where `line` starts as a whole line of `buffer` (CRLF or LF), or -1. */
function lineIndex(buffer: string, line: string): number {
  const escaped = line.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const match = new RegExp(`(?:^|\\n)(${escaped})\\r?(?:\\n|$)`).exec(buffer);
  return match ? match.index + match[0].indexOf(line) : -1;
}

/** A safe word for cmd.exe and POSIX shells alike: a name or a path without spaces or metacharacters. */
const SAFE_EXECUTABLE = /^[A-Za-z0-9_.:\\/-]+$/;

/** How long closing waits for the remote PowerShell to exit on its own after its stdin ends. */
const CLOSE_GRACE_MS = 2_000;

interface Pending {
  begin: string;
  end: string;
  resolve(output: PowerShellOutput): void;
  reject(error: Error): void;
}

/**
 * One remote PowerShell per server for the whole run, over one SSH connection (ssh2 to a Windows OpenSSH
 * server): scripts are sent one at a time on its stdin and their replies read between markers.
 */
export class PowerShellOverSsh implements PowerShellRunner {
  private stdout = "";
  private stderr = "";
  private readonly decoders = { stdout: new StringDecoder("utf8"), stderr: new StringDecoder("utf8") };
  private pending: Pending | undefined;
  private ended: string | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly ssh: SshSession,
    private readonly channel: ClientChannel,
    readonly server: string,
    private readonly executable: string,
  ) {
    channel.on("data", (chunk: Buffer) => {
      this.stdout += this.decoders.stdout.write(chunk);
      this.settle();
    });
    channel.stderr.on("data", (chunk: Buffer) => {
      this.stderr += this.decoders.stderr.write(chunk);
      this.settle();
    });
    let exit = "";
    channel.on("exit", (code: number | null, signal?: string) => {
      exit = signal ? ` (signal ${signal})` : ` (exit code ${String(code)})`;
    });
    channel.on("close", () => this.end(`the remote PowerShell session ended${exit}`));
    channel.on("error", (error: Error) => this.end(`the SSH channel failed: ${error.message}`));
  }

  static async connect(connection: WindowsSshConnection, executable: string, server: string, observer: SshObserver = {}): Promise<PowerShellOverSsh> {
    if (!SAFE_EXECUTABLE.test(executable)) {
      throw new Error(`${server}: overSsh.executable ${JSON.stringify(executable)} must be a plain path (letters, digits, . _ - : \\ /)`);
    }
    const ssh = await SshSession.connect(connection, server, observer);
    try {
      const channel = await ssh.openChannel(sshCommandLine(executable), [executable, ...SESSION_OPTIONS]);
      return new PowerShellOverSsh(ssh, channel, server, executable);
    } catch (error) {
      ssh.close();
      throw error;
    }
  }

  /** Scripts run one after the other: a session has one stdin. */
  run(scriptText: string, timeoutMs: number): Promise<PowerShellOutput> {
    const next = this.queue.then(() => this.send(scriptText, timeoutMs));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private send(scriptText: string, timeoutMs: number): Promise<PowerShellOutput> {
    if (this.ended !== undefined) return Promise.reject(this.failure(`the session stopped earlier in this run: ${this.ended}`));
    const request = framedRequest(scriptText, randomBytes(16).toString("hex"));
    return new Promise<PowerShellOutput>((resolve, reject) => {
      const timer = setTimeout(() => {
        // The session is still busy with that script and cannot serve another one: it goes.
        this.end(`a script did not finish within ${timeoutMs} ms`);
        this.channel.close();
      }, timeoutMs);
      this.pending = {
        begin: request.begin,
        end: request.end,
        resolve: (output) => {
          clearTimeout(timer);
          resolve(output);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.channel.write(request.text);
    });
  }

  /** Completes the pending script once both streams carry its end marker. */
  private settle(): void {
    const pending = this.pending;
    if (!pending) return;
    const stdout = framedReply(this.stdout, pending.begin, pending.end);
    const stderr = framedReply(this.stderr, pending.begin, pending.end);
    if (!stdout || !stderr) return;
    this.stdout = stdout.rest;
    this.stderr = stderr.rest;
    this.pending = undefined;
    pending.resolve({ stdout: stdout.reply, stderr: stderr.reply });
  }

  /** Records why the session is gone (the first reason wins) and fails the script it was running. */
  private end(reason: string): void {
    if (this.ended !== undefined) return;
    const pending = this.pending;
    this.pending = undefined;
    const said = (pending ? afterLine(this.stderr, pending.begin) : this.stderr).trim();
    this.ended = said ? `${reason}; it said: ${said.length > 600 ? `${said.slice(0, 597)}...` : said}` : reason;
    pending?.reject(this.failure(this.ended));
  }

  private failure(reason: string): Error {
    return new Error(
      `${this.server}: PowerShell over SSH (${this.executable} ${SESSION_OPTIONS.join(" ")}): ${reason}. ` +
        "Check that the account may run it through Windows OpenSSH, then run the command again.",
    );
  }

  /** Ends the session's stdin, so that PowerShell exits on its own, then the connection. */
  async close(): Promise<void> {
    const open = this.ended === undefined;
    this.end("the session was closed");
    if (open) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, CLOSE_GRACE_MS);
        this.channel.once("close", () => {
          clearTimeout(timer);
          resolve();
        });
        this.channel.end();
      });
    }
    this.ssh.close();
  }
}

/**
 * The pool key of a session: one per server, even when servers share an SSH endpoint (a management host that
 * reaches them by -ComputerName), so that each server's scripts queue only behind its own.
 */
export function powerShellOverSshKey(connection: WindowsSshConnection, executable: string, computerName: string): string {
  return `${sshKey(connection)}#${executable}#${computerName.toLowerCase()}`;
}
