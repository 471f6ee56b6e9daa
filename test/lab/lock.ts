import { mkdirSync, openSync, closeSync, readFileSync, rmSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { lockPath } from "./paths.ts";
import { isAlive } from "./pids.ts";
import { sleep } from "./wait.ts";

/** One lab-changing operation (up, down, reset) at a time, across processes. */

function holder(): number | null {
  try {
    const pid = Number.parseInt(readFileSync(lockPath, "utf8"), 10);
    return Number.isInteger(pid) ? pid : null;
  } catch {
    return null;
  }
}

function tryLock(): boolean {
  mkdirSync(dirname(lockPath), { recursive: true });
  try {
    const fd = openSync(lockPath, "wx");
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const pid = holder();
    // A lock left by a process that died is taken over.
    if (pid === null || !isAlive(pid)) rmSync(lockPath, { force: true });
    return false;
  }
}

export async function withLabLock<T>(what: string, action: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (!tryLock()) {
    if (Date.now() > deadline) {
      throw new Error(`Lab ${what} gave up after ${timeoutMs / 1000} s: process ${holder() ?? "?"} holds ${lockPath}. Wait for it to finish, or remove the file if that process is not a lab command.`);
    }
    await sleep(200);
  }
  try {
    return await action();
  } finally {
    rmSync(lockPath, { force: true });
  }
}
