import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Client } from "ssh2";
import { utils } from "ssh2";
import { beforeAll, describe, expect, test } from "vitest";
import {
  acquireLease,
  connectSsh,
  dhcpdCtl,
  keaCommand,
  keaCtl,
  labStatus,
  omshell,
  readLabInfo,
  releaseLease,
  resetLab,
  sshExec,
} from "../lab/index.ts";
import type { LabInfo } from "../lab/index.ts";
import { labUserLeftover } from "../lab/labUser.ts";
import { existingNamespaces } from "../lab/network.ts";
import { labDir, lastRunLogsDir, repoRoot, runLockPath } from "../lab/paths.ts";
import { allNamespaces } from "../lab/topology.ts";

/** Proves the lab is real: its servers serve, its channels authenticate, and resetLab really resets. */

let info: LabInfo;

beforeAll(async () => {
  await resetLab();
  info = readLabInfo();
});

function ipNumber(address: string): number {
  return address.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
}

function inPool(address: string, pool: { first: string; last: string }): boolean {
  return ipNumber(address) >= ipNumber(pool.first) && ipNumber(address) <= ipNumber(pool.last);
}

function sftpWrite(client: Client, path: string, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    client.sftp((error, sftp) => {
      if (error) return reject(error);
      sftp.writeFile(path, text, (writeError) => {
        sftp.end();
        if (writeError) reject(writeError);
        else resolve();
      });
    });
  });
}

function sftpRemove(client: Client, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    client.sftp((error, sftp) => {
      if (error) return reject(error);
      sftp.unlink(path, (unlinkError) => {
        sftp.end();
        if (unlinkError) reject(unlinkError);
        else resolve();
      });
    });
  });
}

test("status reports every server and sshd serving", async () => {
  const status = await labStatus();
  expect(status.problems).toEqual([]);
  const expected: string[] = [...info.isc.servers, ...info.kea.servers, ...info.keaVersions.flatMap((pair) => [...pair.servers, pair.spoke])].map((s) => s.name);
  expect(status.services.map((s) => s.name).sort()).toEqual([...expected, "sshd"].sort());
});

describe("ISC pair", () => {
  test.each([0, 1] as const)("dhcpd #%i alone hands out a lease from the shared pool", async (index) => {
    const server = info.isc.servers[index];
    const partner = info.isc.servers[1 - index]!;
    expect((await dhcpdCtl(partner, "stop")).exitCode).toBe(0);
    try {
      const lease = await acquireLease("isc");
      expect(lease.serverId).toBe(server.address);
      expect(inPool(lease.address, info.isc.pool)).toBe(true);
    } finally {
      expect((await dhcpdCtl(partner, "start")).exitCode).toBe(0);
    }
  });

  test("a released lease is released on the dhcpd that granted it", async () => {
    const lease = await acquireLease("isc");
    await releaseLease("isc");
    const server = info.isc.servers.find((s) => s.address === lease.serverId)!;
    expect(readFileSync(server.logPath, "utf8")).toContain(`DHCPRELEASE of ${lease.address} from ${info.clients.isc.mac} via eth0 (found)`);
  });

  test.each([0, 1] as const)("OMAPI on dhcpd #%i opens objects with the lab's key and refuses another key", async (index) => {
    const server = info.isc.servers[index];
    const openLease = ["new lease", `set ip-address = ${info.isc.pool.first}`, "open"];
    expect(await omshell(server, openLease)).toMatch(/^state = /m);
    const stranger = { ...server, omapi: { ...server.omapi, secret: randomBytes(32).toString("base64") } };
    expect(await omshell(stranger, openLease)).toContain("can't open object");
  });

  test("only isc1's base config declares the extra subnets and the fixed-address host", () => {
    const [first, second] = info.isc.servers.map((s) => readFileSync(s.pristineConfigPath, "utf8"));
    for (const subnet of info.isc.extraSubnets) {
      const declaration = `subnet ${subnet.split("/")[0]} netmask`;
      expect(first).toContain(declaration);
      expect(second).not.toContain(declaration);
    }
    expect(first).toMatch(/fixed-address /);
    expect(second).not.toMatch(/fixed-address /);
    expect(first).not.toMatch(/^\s*failover peer/m);
  });

  test("dhcpd-ctl restart fails on a broken config and shows dhcpd's own complaint", async () => {
    const server = info.isc.servers[1];
    appendFileSync(server.configPath, "subnet 10.0.0.0 {\n");
    const restart = await dhcpdCtl(server, "restart");
    expect(restart.exitCode).not.toBe(0);
    expect(restart.output).toContain(`${server.configPath} line`);
    expect((await dhcpdCtl(server, "status")).exitCode).toBe(3);
    await resetLab();
    expect((await dhcpdCtl(server, "status")).exitCode).toBe(0);
  });
});

describe("Kea pair", () => {
  test.each([0, 1] as const)("kea #%i answers status-get through its control agent with basic auth", async (index) => {
    const answer = await keaCommand(info.kea.servers[index], "status-get");
    expect(answer.result).toBe(0);
    expect(answer.arguments?.pid).toEqual(expect.any(Number));
  });

  test.each([0, 1] as const)("the control agent of kea #%i refuses requests without or with wrong credentials", async (index) => {
    const server = info.kea.servers[index];
    const body = JSON.stringify({ command: "status-get", service: ["dhcp4"] });
    const anonymous = await fetch(server.agentUrl, { method: "POST", headers: { "content-type": "application/json" }, body });
    expect(anonymous.status).toBe(401);
    const wrong = `Basic ${Buffer.from(`${server.auth.user}:not-${server.auth.password}`).toString("base64")}`;
    const impostor = await fetch(server.agentUrl, { method: "POST", headers: { "content-type": "application/json", authorization: wrong }, body });
    expect(impostor.status).toBe(401);
    await expect(keaCommand(server, "status-get", undefined, { credentials: null })).rejects.toThrow(/HTTP 401/);
  });

  test.each([0, 1] as const)("kea #%i alone hands out a lease from the shared pool", async (index) => {
    const server = info.kea.servers[index];
    const partner = info.kea.servers[1 - index]!;
    expect((await keaCtl(partner, "stop")).exitCode).toBe(0);
    try {
      const lease = await acquireLease("kea");
      expect(lease.serverId).toBe(server.address);
      expect(inPool(lease.address, info.kea.pool)).toBe(true);
    } finally {
      expect((await keaCtl(partner, "start")).exitCode).toBe(0);
    }
  });

  test("udhcpc gets a Kea lease too, and a dhclient lease can be released", async () => {
    const viaUdhcpc = await acquireLease("kea", { client: "udhcpc" });
    expect(inPool(viaUdhcpc.address, info.kea.pool)).toBe(true);
    const lease = await acquireLease("kea");
    await releaseLease("kea");
    const server = info.kea.servers.find((s) => s.address === lease.serverId)!;
    expect(readFileSync(server.logPath, "utf8")).toContain(`address ${lease.address} was released properly`);
  });
});

describe("sshd", () => {
  test("accepts the admin key from a client that pins the host key in lab.json, and runs commands as root", async () => {
    const ssh = await connectSsh("admin");
    try {
      const whoami = await sshExec(ssh, "id -u");
      expect(whoami).toMatchObject({ exitCode: 0, stdout: "0\n" });
      const ctl = await sshExec(ssh, `${info.isc.servers[0].ctl.join(" ")} status`);
      expect(ctl.exitCode).toBe(0);
      expect(ctl.stdout).toContain("running");
    } finally {
      ssh.end();
    }
  });

  test("dhcpd -t -cf over ssh returns dhcpd's exit code and its error on stderr", async () => {
    const server = info.isc.servers[0];
    const broken = `${server.configPath}.syntax-test`;
    const ssh = await connectSsh("admin");
    try {
      expect((await sshExec(ssh, `dhcpd -t -cf ${server.configPath}`)).exitCode).toBe(0);
      await sftpWrite(ssh, broken, `${readFileSync(server.configPath, "utf8")}subnet 10.0.0.0 {\n`);
      const check = await sshExec(ssh, `dhcpd -t -cf ${broken}`);
      expect(check.exitCode).toBe(1);
      expect(check.stderr).toContain(`${broken} line`);
      await sftpRemove(ssh, broken);
    } finally {
      ssh.end();
    }
  });

  test("lets the unprivileged user in with the admin key, as a user who is not root and may not write the ISC configs", async () => {
    const ssh = await connectSsh("admin", { info: { ...info, ssh: { ...info.ssh, username: info.ssh.unprivilegedUsername } } });
    try {
      const id = await sshExec(ssh, "id -un; id -u");
      expect(id.exitCode).toBe(0);
      const [name, uid] = id.stdout.trim().split("\n");
      expect(name).toBe(info.ssh.unprivilegedUsername);
      expect(Number(uid)).toBeGreaterThan(0);
      for (const server of info.isc.servers) {
        const access = await sshExec(ssh, `test -r ${server.configPath} && ! test -w ${server.configPath} && ! test -w $(dirname ${server.configPath}) && echo read-only`);
        expect(access.stdout.trim()).toBe("read-only");
      }
    } finally {
      ssh.end();
    }
  });

  test("refuses a key it does not know", async () => {
    const stranger = utils.generateKeyPairSync("ed25519");
    await expect(connectSsh("admin", { privateKey: stranger.private })).rejects.toThrow(/authentication methods failed/);
  });

  test("the client refuses the server when the pinned fingerprint differs", async () => {
    const wrongPin = { ...info, ssh: { ...info.ssh, hostKeySha256: `SHA256:${randomBytes(32).toString("base64").replace(/=+$/, "")}` } };
    await expect(connectSsh("admin", { info: wrongPin })).rejects.toThrow(/host key/i);
  });

  test("the winemu key runs only its forced command, never the command asked for", async () => {
    const ssh = await connectSsh("winemu");
    try {
      const result = await sshExec(ssh, "echo not-forced");
      expect(result.stdout).not.toContain("not-forced");
    } finally {
      ssh.end();
    }
  });
});

describe("resetLab", () => {
  test("restores every config byte for byte, forgets every lease and leaves the servers serving", async () => {
    for (const server of info.isc.servers) appendFileSync(server.configPath, "# a test was here\n");
    for (const server of info.kea.servers) {
      appendFileSync(server.configPath, "\n");
      appendFileSync(server.agentConfigPath, "\n");
    }
    const iscLease = await acquireLease("isc");
    const keaLease = await acquireLease("kea");

    await resetLab();

    const pairs = [
      ...info.isc.servers.map((s) => [s.configPath, s.pristineConfigPath]),
      ...info.kea.servers.flatMap((s) => [
        [s.configPath, s.pristineConfigPath],
        [s.agentConfigPath, s.pristineAgentConfigPath],
      ]),
    ];
    for (const [live, pristine] of pairs) expect(readFileSync(live!).equals(readFileSync(pristine!)), live).toBe(true);
    for (const server of info.isc.servers) expect(readFileSync(server.leasePath, "utf8")).not.toContain(`lease ${iscLease.address}`);
    for (const server of info.kea.servers) expect(readFileSync(server.leasePath, "utf8")).not.toContain(keaLease.address);
    expect((await labStatus()).problems).toEqual([]);
  });
});

// Last in this file: it takes the lab down and brings it back with new keys, so every test above has run
// with the lab it read. The suite's run lock keeps every other run off the lab meanwhile; the lab is up
// again at the end, as the suite found it.
describe("npm run lab: up twice, then down twice", () => {
  /** `npm run lab -- <command>` on this project's Node, timed. */
  function lab(command: "up" | "down" | "status"): { code: number; output: string; seconds: number } {
    const started = performance.now();
    const result = spawnSync("npm", ["run", "--silent", "lab", "--", command], {
      cwd: repoRoot,
      env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}` },
      encoding: "utf8",
      timeout: 300_000,
    });
    return { code: result.status ?? -1, output: `${result.stdout}${result.stderr}`, seconds: (performance.now() - started) / 1000 };
  }

  /** Every process whose command line names a file of the lab directory (what the lab starts all do). */
  function labProcessLines(): string[] {
    return readdirSync("/proc")
      .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
      .flatMap((pid) => {
        try {
          const line = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
          return line.includes(`${labDir}/`) && !line.includes(`${labDir}/last-run-logs`) ? [`${pid} ${line}`] : [];
        } catch {
          return [];
        }
      });
  }

  async function leftovers(): Promise<string[]> {
    const namespaces = await existingNamespaces();
    const links = spawnSync("ip", ["-o", "link", "show"], { encoding: "utf8" }).stdout;
    return [
      ...allNamespaces().filter((ns) => namespaces.has(ns)).map((ns) => `namespace ${ns}`),
      ...(links.match(/^\d+: (pdf[^:@\s]*)/gm) ?? []).map((line) => `link ${line}`),
      ...labProcessLines().map((line) => `process ${line}`),
      ...labUserLeftover(),
      // What down keeps, by design: the logs of the run it ended and the lock of the run in progress (ours);
      // a run waiting for the lab meanwhile writes its lock candidate (lock.PID.RANDOM) for an instant.
      ...(existsSync(labDir)
        ? readdirSync(labDir)
            .filter((entry) => !/^(run\.)?lock\.\d+\.[a-z0-9]+$/.test(entry))
            .map((entry) => join(labDir, entry))
            .filter((path) => ![lastRunLogsDir, runLockPath].includes(path))
        : []),
    ];
  }

  test("leaves no namespace, link, process, user or file behind, and comes back up", async () => {
    const times: Record<string, number> = {};
    const before = readFileSync(join(labDir, "lab.json"), "utf8");
    for (const step of ["up", "up again"] as const) {
      const up = lab("up");
      times[step] = up.seconds;
      expect(up.code, up.output).toBe(0);
      expect(lab("status").code).toBe(0);
    }
    // Up on a running lab keeps it as it is: the same keys, addresses and host key.
    expect(readFileSync(join(labDir, "lab.json"), "utf8")).toBe(before);

    for (const step of ["down", "down again"] as const) {
      const down = lab("down");
      times[step] = down.seconds;
      expect(down.code, down.output).toBe(0);
      expect(await leftovers()).toEqual([]);
    }
    expect(readdirSync(lastRunLogsDir).some((file) => file.endsWith(".log"))).toBe(true);
    expect(lab("status").code).toBe(3);

    const up = lab("up");
    times["up from nothing"] = up.seconds;
    expect(up.code, up.output).toBe(0);
    expect((await labStatus()).problems).toEqual([]);
    console.log(`lab times (s): ${Object.entries(times).map(([step, s]) => `${step} ${s.toFixed(1)}`).join(", ")}`);
  });
});
