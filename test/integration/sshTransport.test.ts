// The library's SSH transport (src/transports/ssh.ts) against the lab's real sshd: the pinned host key
// decides, and every way of authenticating the model offers works (a key given as text or as a file, a
// passphrase-protected key, an ssh-agent).
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLabInfo, type LabInfo } from "../lab/index.ts";
import type { SshConnection } from "../../src/model/connections.ts";
import { SshSession } from "../../src/transports/ssh.ts";

let info: LabInfo;
let temp: string;

function connection(over: Partial<SshConnection>): SshConnection {
  return {
    host: info.ssh.host,
    port: info.ssh.port,
    username: info.ssh.username,
    hostKeySha256: info.ssh.hostKeySha256,
    connectTimeoutSeconds: 10,
    ...over,
  } as SshConnection;
}

async function whoami(over: Partial<SshConnection>): Promise<string> {
  const session = await SshSession.connect(connection(over), "lab-sshd");
  try {
    const result = await session.exec(["id", "-un"]);
    expect(result.code).toBe(0);
    return result.stdout.trim();
  } finally {
    session.close();
  }
}

/** Waits for a file to appear (the agent's socket). */
async function appears(file: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!fs.existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`${file} did not appear within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(() => {
  info = readLabInfo();
  temp = fs.mkdtempSync(path.join(os.tmpdir(), "ssh-transport-"));
});

afterAll(() => {
  fs.rmSync(temp, { recursive: true, force: true });
});

describe("SSH transport: host key pinning", () => {
  it("refuses a wrong pin, naming the server, the endpoint, both fingerprints and what to do", async () => {
    const wrong = `SHA256:${randomBytes(32).toString("base64").replace(/=+$/, "")}`;
    const error = (await SshSession.connect(connection({ hostKeySha256: wrong, privateKey: fs.readFileSync(info.ssh.keys.admin, "utf8") }), "lab-sshd").catch(
      (e: unknown) => e,
    )) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toContain(`lab-sshd (${info.ssh.username}@${info.ssh.host}:${info.ssh.port})`);
    expect(error.message).toContain(`the server's ssh-ed25519 host key is ${info.ssh.hostKeySha256}, but the program pins ${wrong} (hostKeySha256)`);
    expect(error.message).toMatch(/check the new fingerprint on the server itself \(ssh-keygen -lf .*\) and update hostKeySha256/);
  });

  it("accepts the right pin", async () => {
    expect(await whoami({ privateKey: fs.readFileSync(info.ssh.keys.admin, "utf8") })).toBe("root");
  });
});

describe("SSH transport: authentication", () => {
  it("logs in with a key file", async () => {
    expect(await whoami({ privateKeyPath: info.ssh.keys.admin })).toBe("root");
  });

  it("logs in with a passphrase-protected key, and says what is wrong without the right passphrase", async () => {
    // The lab's admin key, re-encrypted with a passphrase: the same key pair, so sshd already authorizes it.
    const keyPath = path.join(temp, "admin-with-passphrase");
    fs.copyFileSync(info.ssh.keys.admin, keyPath);
    fs.chmodSync(keyPath, 0o600);
    const passphrase = `pass-${randomBytes(6).toString("hex")}`;
    execFileSync("ssh-keygen", ["-q", "-p", "-P", "", "-N", passphrase, "-f", keyPath]);
    const encrypted = fs.readFileSync(keyPath, "utf8");
    expect(() => execFileSync("ssh-keygen", ["-y", "-P", "", "-f", keyPath], { stdio: "pipe" })).toThrow();

    expect(await whoami({ privateKey: encrypted, passphrase })).toBe("root");
    expect(await whoami({ privateKeyPath: keyPath, passphrase })).toBe("root");
    for (const given of [{}, { passphrase: "not-it" }]) {
      const error = (await SshSession.connect(connection({ privateKey: encrypted, ...given }), "lab-sshd").catch((e: unknown) => e)) as Error;
      expect(error.message).toMatch(new RegExp(`^lab-sshd \\(${info.ssh.username}@${info.ssh.host}:${info.ssh.port}\\): cannot use the SSH private key`));
      expect(error.message).toContain("passphrase");
      expect(error.message).not.toContain(passphrase);
    }
  });

  describe("through a real ssh-agent", () => {
    let agent: ChildProcess;
    let socket: string;

    beforeAll(async () => {
      socket = path.join(temp, "agent.sock");
      agent = spawn("ssh-agent", ["-D", "-a", socket], { stdio: "ignore" });
      await appears(socket, 5000);
      execFileSync("ssh-add", ["-q", info.ssh.keys.admin], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: "pipe" });
    });

    afterAll(() => {
      agent?.kill();
    });

    it("logs in with the agent's key, given the socket path or through SSH_AUTH_SOCK", async () => {
      expect(execFileSync("ssh-add", ["-l"], { env: { ...process.env, SSH_AUTH_SOCK: socket } }).toString()).toMatch(/ED25519/);
      expect(await whoami({ agent: socket })).toBe("root");
      const previous = process.env.SSH_AUTH_SOCK;
      process.env.SSH_AUTH_SOCK = socket;
      try {
        expect(await whoami({ agent: true })).toBe("root");
      } finally {
        if (previous === undefined) delete process.env.SSH_AUTH_SOCK;
        else process.env.SSH_AUTH_SOCK = previous;
      }
    });

    it("fails authentication, saying so, when the agent holds no authorized key", async () => {
      execFileSync("ssh-add", ["-D"], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: "pipe" });
      await expect(whoami({ agent: socket })).rejects.toThrow(/lab-sshd \(.*\): SSH authentication failed .*check the user name and key/);
    });
  });
});
