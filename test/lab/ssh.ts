import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { Client } from "ssh2";
import { readLabInfo } from "./labInfo.ts";
import type { LabInfo } from "./labInfo.ts";

/** SSH to the lab's sshd with one of its keys, the host key pinned to the fingerprint in lab.json. */

export interface SshOptions {
  /** A private key to use instead of the lab's (e.g. to prove an unknown key is refused). */
  privateKey?: Buffer | string;
  info?: LabInfo;
}

export function hostKeySha256(key: Buffer): string {
  return `SHA256:${createHash("sha256").update(key).digest("base64").replace(/=+$/, "")}`;
}

export function connectSsh(keyName: "admin" | "winemu", options: SshOptions = {}): Promise<Client> {
  const info = options.info ?? readLabInfo();
  const client = new Client();
  let presented = "(none)";
  return new Promise((resolve, reject) => {
    client.once("ready", () => resolve(client));
    client.once("error", (error) => {
      const hint = presented !== "(none)" && presented !== info.ssh.hostKeySha256 ? ` The server presented host key ${presented}, lab.json pins ${info.ssh.hostKeySha256}.` : "";
      reject(new Error(`SSH as ${info.ssh.username} with the ${keyName} key to ${info.ssh.host}:${info.ssh.port} failed: ${error.message}.${hint}`));
    });
    client.connect({
      host: info.ssh.host,
      port: info.ssh.port,
      username: info.ssh.username,
      privateKey: options.privateKey ?? readFileSync(info.ssh.keys[keyName]),
      hostVerifier: (key: Buffer) => {
        presented = hostKeySha256(key);
        return presented === info.ssh.hostKeySha256;
      },
      readyTimeout: 10_000,
    });
  });
}

export interface SshExecResult {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

export function sshExec(client: Client, command: string): Promise<SshExecResult> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, channel) => {
      if (error) {
        reject(new Error(`SSH exec of \`${command}\` failed: ${error.message}`));
        return;
      }
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let exitCode: number | null = null;
      let signal: string | null = null;
      channel.on("data", (chunk: Buffer) => out.push(chunk));
      channel.stderr.on("data", (chunk: Buffer) => err.push(chunk));
      channel.on("exit", (code: number | null, signalName?: string) => {
        exitCode = code;
        signal = signalName ?? null;
      });
      channel.on("close", () => resolve({ exitCode, signal, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }));
    });
  });
}
