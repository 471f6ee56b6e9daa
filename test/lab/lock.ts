import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { lockPath, runLockPath } from "./paths.ts";
import { isAlive } from "./pids.ts";
import { sleep } from "./wait.ts";

/** Pid-file locks across processes; a lock whose holder died is taken over. */

function holder(path: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(path, "utf8"), 10);
    return Number.isInteger(pid) ? pid : null;
  } catch {
    return null;
  }
}

function tryLock(path: string): boolean {
  mkdirSync(dirname(path), { recursive: true });
  // The pid is written first and the lock appears with it in one step (link fails if it exists), so no
  // other process ever sees an empty lock file and takes it for a dead holder's.
  const candidate = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  try {
    writeFileSync(candidate, `${process.pid}\n`);
    linkSync(candidate, path);
    return true;
  } catch (error) {
    // ENOENT: a lab up or down cleared .lab between the write and the link; try again.
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    // Only a holder known to be dead is taken over; a lock that vanished meanwhile is simply tried again.
    const pid = holder(path);
    if (pid !== null && !isAlive(pid)) releaseIfHeldBy(path, pid);
    return false;
  } finally {
    rmSync(candidate, { force: true });
  }
}

/** Removes the lock only while `pid` holds it: a release must never free a lock another process took since. */
function releaseIfHeldBy(path: string, pid: number): void {
  if (holder(path) === pid) rmSync(path, { force: true });
}

async function acquire(path: string, what: string, timeoutMs: number): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  while (!tryLock(path)) {
    if (Date.now() > deadline) {
      throw new Error(`${what} gave up after ${timeoutMs / 1000} s: process ${holder(path) ?? "?"} holds ${path}. Wait for it to finish, or remove the file if that process is not using the lab.`);
    }
    await sleep(200);
  }
  return () => releaseIfHeldBy(path, process.pid);
}

/** One lab-changing operation (up, down, reset) at a time. */
export async function withLabLock<T>(what: string, action: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  const release = await acquire(lockPath, `Lab ${what}`, timeoutMs);
  try {
    return await action();
  } finally {
    release();
  }
}

/**
 * One integration run at a time on this machine: every run resets the shared lab between its test files,
 * so a second run waits here instead of pulling the servers from under the first. Returns the release.
 */
export function holdLabForRun(timeoutMs = 30 * 60_000): Promise<() => void> {
  return acquire(runLockPath, "Waiting for another integration run to release the lab", timeoutMs);
}
