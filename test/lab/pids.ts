import { readdirSync, readFileSync } from "node:fs";
import { sleep, waitUntil } from "./wait.ts";

/** Process inspection through /proc. A killed daemon can stay a zombie for seconds: zombies count as dead. */

export type ProcessState = "alive" | "zombie" | "gone";

interface Stat {
  state: string;
  ppid: number;
}

function readStat(pid: number): Stat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // The command name in parentheses may itself contain spaces or parentheses.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { state: fields[0] ?? "?", ppid: Number(fields[1]) };
}

export function processState(pid: number): ProcessState {
  const stat = readStat(pid);
  if (!stat) return "gone";
  return stat.state === "Z" || stat.state === "X" ? "zombie" : "alive";
}

export function isAlive(pid: number): boolean {
  return processState(pid) === "alive";
}

export function commandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter((a) => a !== "");
  } catch {
    return [];
  }
}

export function readPidFile(path: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(path, "utf8").trim(), 10);
    return Number.isInteger(pid) && pid > 1 ? pid : null;
  } catch {
    return null;
  }
}

function allPids(): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** Every live process for which match(argv) holds. */
export function findProcesses(match: (argv: string[]) => boolean): number[] {
  return allPids().filter((pid) => pid !== process.pid && isAlive(pid) && match(commandLine(pid)));
}

/** Children, grandchildren... of pid (e.g. sshd's per-connection sessions). */
export function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const candidate of allPids()) {
    const stat = readStat(candidate);
    if (stat) parents.set(candidate, stat.ppid);
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift();
    for (const [child, ppid] of parents) {
      if (ppid === parent && !found.includes(child)) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

/** SIGTERM, then SIGKILL after graceMs; throws if the process still lives after that. */
export async function terminate(pid: number, label: string, graceMs = 10_000): Promise<void> {
  if (!isAlive(pid)) return;
  signal(pid, "SIGTERM");
  if (await waitUntil(() => !isAlive(pid), graceMs)) return;
  signal(pid, "SIGKILL");
  if (await waitUntil(() => !isAlive(pid), 5_000)) return;
  throw new Error(`Cannot stop ${label} (pid ${pid}): it survived SIGTERM and SIGKILL. Inspect it with \`ps -o pid,stat,cmd -p ${pid}\`.`);
}

export async function terminateAll(pids: number[], label: string, graceMs = 10_000): Promise<void> {
  await Promise.all(pids.map((pid) => terminate(pid, `${label} ${commandLine(pid).join(" ")}`.trim(), graceMs)));
}

/** Used after a start: a daemon that dies on a bad config usually does so within a second. */
export async function staysAlive(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return false;
    await sleep(50);
  }
  return isAlive(pid);
}
