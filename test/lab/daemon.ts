import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { commandLine, findProcesses, isAlive, readPidFile, terminate } from "./pids.ts";
import { describeCommand, inNamespace, systemPath } from "./run.ts";

/** One long-running program of the lab, started in the background and tracked by its pid file. */
export interface DaemonSpec {
  label: string;
  namespace?: string;
  argv: string[];
  /** The command line once it runs, when a launcher (chroot) execs another program: how its pid is recognised. */
  runs?: string[];
  env?: Record<string, string>;
  pidPath: string;
  logPath: string;
}

/**
 * Whether pid runs this daemon: its command line holds the daemon's full argv (sshd prefixes it with "sshd: "),
 * which neither a recycled pid nor a `dhcpd -t -cf` on the same config has.
 */
function runsDaemon(spec: DaemonSpec, pid: number): boolean {
  return commandLine(pid).join(" ").includes((spec.runs ?? spec.argv).join(" "));
}

/** The daemon's pid, from its pid file or, when that is missing or stale, from its command line. */
export function daemonPid(spec: DaemonSpec): number | null {
  const recorded = readPidFile(spec.pidPath);
  if (recorded !== null && isAlive(recorded) && runsDaemon(spec, recorded)) return recorded;
  return findProcesses((argv) => argv.join(" ").includes((spec.runs ?? spec.argv).join(" ")))[0] ?? null;
}

export function logSize(spec: DaemonSpec): number {
  return existsSync(spec.logPath) ? statSync(spec.logPath).size : 0;
}

/** The last lines the daemon logged since byte offset `from`. */
export function logTail(spec: DaemonSpec, from = 0, lines = 25): string {
  if (!existsSync(spec.logPath)) return `(no log at ${spec.logPath})`;
  const text = readFileSync(spec.logPath).subarray(from).toString("utf8").trimEnd();
  const tail = text.split("\n").slice(-lines).join("\n");
  return tail === "" ? `(nothing logged to ${spec.logPath})` : tail;
}

/**
 * Starts the daemon in its own session, its output appended to its log, and records its pid.
 * `ip netns exec` execs in place, so the pid is the daemon's own.
 */
export async function startDaemon(spec: DaemonSpec): Promise<number> {
  mkdirSync(dirname(spec.pidPath), { recursive: true });
  mkdirSync(dirname(spec.logPath), { recursive: true });
  const argv = inNamespace(spec.namespace, spec.argv);
  const log = openSync(spec.logPath, "a");
  writeFileSync(log, `--- ${new Date().toISOString()} lab starts: ${describeCommand(argv)}\n`);
  const [program, ...args] = argv as [string, ...string[]];
  const child = spawn(program, args, {
    detached: true,
    stdio: ["ignore", log, log],
    env: { PATH: systemPath, LANG: "C", ...spec.env },
  });
  closeSync(log);
  const pid = await new Promise<number>((resolve, reject) => {
    child.once("spawn", () => resolve(child.pid as number));
    child.once("error", (error) => reject(new Error(`Cannot start ${spec.label}: \`${describeCommand(argv)}\`: ${error.message}`)));
  });
  child.unref();
  writeFileSync(spec.pidPath, `${pid}\n`);
  return pid;
}

export async function stopDaemon(spec: DaemonSpec): Promise<void> {
  const pid = daemonPid(spec);
  if (pid !== null) await terminate(pid, spec.label);
  rmSync(spec.pidPath, { force: true });
}
