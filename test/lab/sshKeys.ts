import { createHash } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { runChecked } from "./run.ts";

/** Throwaway ed25519 keys: a new set for every lab. */
export async function generateKey(path: string, comment: string): Promise<void> {
  rmSync(path, { force: true });
  rmSync(`${path}.pub`, { force: true });
  await runChecked(`Generating the lab ssh key ${path}`, ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", path]);
}

export function publicKeyLine(path: string): string {
  return readFileSync(`${path}.pub`, "utf8").trim();
}

/** The fingerprint `ssh-keygen -l -E sha256` prints: SHA-256 of the key blob, unpadded base64. */
export function sha256Fingerprint(publicKeyPath: string): string {
  const blob = readFileSync(publicKeyPath, "utf8").trim().split(/\s+/)[1];
  if (!blob) throw new Error(`${publicKeyPath} is not an OpenSSH public key ("TYPE BASE64 COMMENT").`);
  return `SHA256:${createHash("sha256").update(Buffer.from(blob, "base64")).digest("base64").replace(/=+$/, "")}`;
}
