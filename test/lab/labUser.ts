import { mkdirSync, readFileSync } from "node:fs";
import { failureMessage, run } from "./run.ts";
import { sshdFiles } from "./sshdConfig.ts";
import { labUser } from "./topology.ts";

/**
 * The lab's unprivileged system user: created on up when missing, removed on down. It is recognised by its
 * comment (GECOS), so that down removes only a user the lab made, even when lab.json is gone.
 */

interface PasswdEntry {
  name: string;
  comment: string;
}

function passwdEntry(name: string): PasswdEntry | undefined {
  for (const line of readFileSync("/etc/passwd", "utf8").split("\n")) {
    const fields = line.split(":");
    if (fields[0] === name) return { name, comment: fields[4] ?? "" };
  }
  return undefined;
}

function isLabUser(entry: PasswdEntry | undefined): boolean {
  return entry?.comment === labUser.comment;
}

export async function ensureLabUser(labDir: string): Promise<void> {
  const home = sshdFiles(labDir).userHome;
  mkdirSync(home, { recursive: true });
  const entry = passwdEntry(labUser.name);
  if (entry && !isLabUser(entry)) {
    throw new Error(`A user ${labUser.name} exists that the lab did not create (its comment is "${entry.comment}"): the lab needs that name for its unprivileged user; remove that user or rename it.`);
  }
  if (!entry) {
    const result = await run(["useradd", "--system", "--user-group", "--no-create-home", "--home-dir", home, "--shell", "/bin/sh", "--comment", labUser.comment, labUser.name]);
    if (result.exitCode !== 0) throw new Error(failureMessage(`Creating the lab's unprivileged user ${labUser.name}`, result));
  }
  // useradd locks a new account ("!"), and sshd refuses locked accounts even for keys: "*" has no password and is not locked.
  if (!shadowPassword(labUser.name).startsWith("!")) return;
  const unlock = await run(["usermod", "--password", "*", labUser.name]);
  if (unlock.exitCode !== 0) throw new Error(failureMessage(`Unlocking the lab's unprivileged user ${labUser.name} for key logins`, unlock));
}

function shadowPassword(name: string): string {
  const line = readFileSync("/etc/shadow", "utf8").split("\n").find((l) => l.split(":")[0] === name);
  return line?.split(":")[1] ?? "";
}

/** useradd --user-group made a group of the same name; userdel removes it when no other user is in it. */
function groupExists(name: string): boolean {
  return readFileSync("/etc/group", "utf8").split("\n").some((line) => line.split(":")[0] === name);
}

export async function removeLabUser(): Promise<void> {
  if (!isLabUser(passwdEntry(labUser.name))) return;
  const result = await run(["userdel", labUser.name]);
  if (result.exitCode !== 0) throw new Error(failureMessage(`Removing the lab's unprivileged user ${labUser.name}`, result));
  if (groupExists(labUser.name)) {
    const group = await run(["groupdel", labUser.name]);
    if (group.exitCode !== 0) throw new Error(failureMessage(`Removing the lab user's group ${labUser.name}`, group));
  }
}

/** "user pdf-lab-user" when the lab's user is still there. */
export function labUserLeftover(): string[] {
  return isLabUser(passwdEntry(labUser.name)) ? [`user ${labUser.name}`] : [];
}
