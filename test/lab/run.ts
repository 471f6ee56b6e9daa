import { spawn } from "node:child_process";

/** Runs short-lived tools (ip, ssh-keygen, dhclient...) and reports what they said. */

export interface RunResult {
  command: string;
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Run inside this network namespace (`ip netns exec`). */
  namespace?: string;
  input?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** A fixed PATH: the lab must not depend on the caller's environment (vitest, ssh sessions, npm). */
export const systemPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export function inNamespace(namespace: string | undefined, argv: string[]): string[] {
  return namespace ? ["ip", "netns", "exec", namespace, ...argv] : argv;
}

export function describeCommand(argv: string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(" ");
}

/** Resolves with the exit code whatever it is; rejects only when the program cannot run at all. */
export function run(argv: string[], options: RunOptions = {}): Promise<RunResult> {
  const full = inNamespace(options.namespace, argv);
  const command = describeCommand(full);
  return new Promise((resolve, reject) => {
    const [program, ...args] = full as [string, ...string[]];
    const child = spawn(program, args, {
      stdio: ["pipe", "pipe", "pipe"],
      env: { PATH: systemPath, LANG: "C", ...options.env },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    let timedOut = false;
    const timer = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill("SIGKILL");
        }, options.timeoutMs)
      : undefined;
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`Cannot run \`${command}\`: ${error.message}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString("utf8");
      resolve({
        command,
        exitCode: code ?? 128,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: timedOut ? `${stderr}\n(killed after ${options.timeoutMs} ms)` : signal ? `${stderr}\n(killed by ${signal})` : stderr,
      });
    });
    // A program may exit without reading its input (EPIPE): its exit code and output tell what happened.
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.input ?? "");
  });
}

/** Like run, but a non-zero exit is an error that names the step, the command and the tool's own words. */
export async function runChecked(what: string, argv: string[], options: RunOptions = {}): Promise<RunResult> {
  const result = await run(argv, options);
  if (result.exitCode !== 0) throw new Error(failureMessage(what, result));
  return result;
}

export function failureMessage(what: string, result: RunResult): string {
  const said = `${result.stderr}${result.stdout}`.trim() || "(no output)";
  return `${what} failed: \`${result.command}\` exited ${result.exitCode}: ${said}`;
}
