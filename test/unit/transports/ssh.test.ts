// The SSH transport against an ssh2 server in this process, which answers exactly as a test needs: at once
// (a fast command's reply, exit status and close in one burst), never (a server that stopped answering), or
// by dropping the connection mid-operation.
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Server, utils, type Connection, type ServerChannel } from "ssh2";
import type { SshConnection } from "../../../src/model/connections.ts";
import { SshSession, fingerprintOf } from "../../../src/transports/ssh.ts";

type ExecHandler = (command: string, channel: ServerChannel, client: Connection) => void;

const hostKey = utils.generateKeyPairSync("ed25519");
const userKey = utils.generateKeyPairSync("ed25519");
let server: Server;
let port: number;
let onExec: ExecHandler = () => undefined;
let onSftp: (client: Connection) => void = () => undefined;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  server = new Server({ hostKeys: [hostKey.private] }, (client) => {
    client.on("error", () => undefined);
    client.on("authentication", (auth) => (auth.method === "publickey" ? auth.accept() : auth.reject(["publickey"])));
    client.on("session", (accept) => {
      const session = accept();
      session.on("exec", (acceptExec, _reject, info) => onExec(info.command, acceptExec(), client));
      session.on("sftp", (acceptSftp) => {
        acceptSftp();
        onSftp(client);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => {
  server.close();
});

function hostKeySha256(): string {
  const blob = utils.parseKey(hostKey.public);
  if (blob instanceof Error) throw blob;
  return fingerprintOf(blob.getPublicSSH());
}

function connect(): Promise<SshSession> {
  const connection = { host: "127.0.0.1", port, username: "probe", hostKeySha256: hostKeySha256(), privateKey: userKey.private, connectTimeoutSeconds: 5 } as SshConnection;
  return SshSession.connect(connection, "fake1");
}

describe("SSH transport: a command's exit status", () => {
  it("reports the exit status of a command that answers, exits and closes in one burst", async () => {
    // All in the same tick as the exec reply: ssh2 reads the whole burst in one chunk on the client.
    onExec = (_command, channel) => {
      channel.write("user=root uid=0\n");
      channel.exit(0);
      channel.end();
    };
    const session = await connect();
    try {
      for (let i = 0; i < 20; i++) {
        const result = await session.exec(["sh", "-c", "id"]);
        expect(result).toEqual({ code: 0, stdout: "user=root uid=0\n", stderr: "" });
      }
    } finally {
      session.close();
    }
  });

  it("reports a non-zero status and the signal of a fast command", async () => {
    onExec = (command, channel) => {
      if (command.includes("killed")) channel.exit("TERM", false, "terminated");
      else channel.exit(3);
      channel.end();
    };
    const session = await connect();
    try {
      expect((await session.exec(["false"])).code).toBe(3);
      expect(await session.exec(["killed"])).toMatchObject({ code: null, signal: "SIGTERM" });
    } finally {
      session.close();
    }
  });
});

describe("SSH transport: deadlines", () => {
  it("ends a command the server never answers at its deadline, naming the server and the command", async () => {
    onExec = () => undefined;
    const session = await connect();
    try {
      const started = Date.now();
      const error = (await session.exec(["systemctl", "restart", "isc-dhcp-server"], { timeoutMs: 300 }).catch((e: unknown) => e)) as Error;
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(error.message).toMatch(/^fake1 \(probe@127\.0\.0\.1:\d+\): no answer within 300 ms while running "systemctl restart isc-dhcp-server"/);
      expect(error.message).toMatch(/Check that fake1 is up and reachable/);
    } finally {
      session.close();
    }
  });

  it("fails a running command at once when the connection drops, instead of reporting exit null", async () => {
    onExec = (_command, _channel, client) => setTimeout(() => client.end(), 50);
    const session = await connect();
    try {
      const error = (await session.exec(["systemctl", "restart", "isc-dhcp-server"], { timeoutMs: 30_000 }).catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(Error);
      expect(error.message).toMatch(/^fake1 \(probe@127\.0\.0\.1:\d+\): the SSH connection was lost \(.+\) while running "systemctl restart isc-dhcp-server"/);
      expect(session.broken).toBe(true);
      // Every later use fails at once too: nothing waits on a connection that is gone.
      await expect(session.readFile("/etc/dhcp/dhcpd.conf")).rejects.toThrow(/the SSH connection was lost .* while (opening SFTP|reading)/);
      await expect(session.exec(["true"])).rejects.toThrow(/the SSH connection was lost/);
    } finally {
      session.close();
    }
  });

  it("fails a file operation at once when the connection drops while the server is silent", async () => {
    // The server starts the SFTP subsystem but never answers in it, then drops the connection.
    onSftp = (client) => setTimeout(() => client.end(), 100);
    const session = await connect();
    try {
      const started = Date.now();
      await expect(session.createFile("/etc/dhcp/dhcpd.conf.new", "x", { mode: 0o600 })).rejects.toThrow(/^fake1 \(probe@127\.0\.0\.1:\d+\): the SSH connection was lost \(.+\) while creating \/etc\/dhcp\/dhcpd\.conf\.new/);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      session.close();
    }
  });

  it("returns from releasing a lock whose connection dropped", async () => {
    let held: Connection | undefined;
    onExec = (_command, channel, client) => {
      held = client;
      channel.write("locked\n");
    };
    const session = await connect();
    const lock = await session.lock(["flock", "/etc/dhcp/dhcpd.conf.lock"], 10_000, 35_000);
    await new Promise<void>((resolve) => {
      held?.once("close", () => resolve());
      held?.end();
    });
    await pause(300);
    const started = Date.now();
    await lock.release();
    expect(Date.now() - started).toBeLessThan(1_000);
    session.close();
  });
});
