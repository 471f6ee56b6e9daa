// The partner-reach preflight through the real PowerShell over SSH transport (ssh2 to the lab's sshd, the
// emulator as its forced command): a session standing for a Windows OpenSSH key logon cannot reach the partner
// (PowerShell/Win32-OpenSSH#518, #1264), so the preflight fails before any write and says to log on with a
// password; a session standing for a password logon passes and the change reaches the partner. The lab's sshd
// takes keys only: the emulator's per-server sshLogon says which logon the session stands for.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PermissionError } from "../../../src/backends/preflight";
import { windowsBackend } from "../../../src/backends/windows";
import { windowsMembership, windowsRelationship, windowsRelationshipTarget } from "../../../src/backends/windows/schema";
import { operationContext } from "../../../src/provider/context";
import { readLabInfo, type LabInfo } from "../../lab/index.ts";
import { addServers, journal, removeServers, scope, server, setSshLogon } from "../../emulator/setup.ts";
import { uniqueName } from "./windowsProgram.ts";

describe("PowerShell over SSH: the logon that reaches the partner", () => {
  let info: LabInfo;
  let dir: string;
  const made: string[] = [];

  /** A fresh pair per test: the run's preflight verdicts are cached per session and partner. */
  async function pair(logon: "key" | "password") {
    const [P, S] = [uniqueName("logon1"), uniqueName("logon2")];
    made.push(P, S);
    await addServers(dir, [{ computerName: P, scopes: [scope("10.45.1.0")] }, { computerName: S }]);
    await setSshLogon(dir, P, logon);
    await setSshLogon(dir, S, logon);
    const ssh = { host: info.ssh.host, port: info.ssh.port, username: info.ssh.username, hostKeySha256: info.ssh.hostKeySha256, privateKeyPath: info.ssh.keys.winemu };
    const relationship = windowsRelationship.parse({
      vendor: "windows",
      name: uniqueName("logon"),
      primary: { name: "dhcp1", computerName: P, connection: { overSsh: { ssh } } },
      secondary: { name: "dhcp2", computerName: S, connection: { overSsh: { ssh } } },
    });
    const membership = windowsMembership.parse({ vendor: "windows", relationship: windowsRelationshipTarget(relationship), scope: "10.45.1.0" });
    const changes = async () => (await journal(dir, [P, S])).filter((entry) => !entry.split(":")[1]!.startsWith("Get-"));
    return { P, S, membership, changes };
  }

  beforeAll(() => {
    info = readLabInfo();
    dir = info.winemu.stateDir;
  });

  afterAll(async () => {
    await removeServers(dir, made);
  });

  it("a key logon: the preflight fails before any write, for each session, and says to log on with a password", async () => {
    const { P, S, membership, changes } = await pair("key");
    const { ctx, done } = operationContext("test", []);
    try {
      const error = await windowsBackend.membership.preflight!(ctx, membership, "create").catch((e: Error) => e);
      expect(error).toBeInstanceOf(PermissionError);
      const message = (error as Error).message;
      expect(message).toContain(`dhcp1 (${P}): cannot reach the failover partner dhcp2 (${S}) from its PowerShell over SSH session (Windows said: Failed to get version of the DHCP server on DHCP server ${S}. Access is denied.)`);
      expect(message).toContain(`dhcp2 (${S}): cannot reach the failover partner dhcp1 (${P})`);
      expect(message).toContain("Log on with a password instead (overSsh.ssh.password, a secret)");
      expect(await changes()).toEqual([]);
    } finally {
      await done();
    }
  });

  it("a password logon: the preflight passes and Add-DhcpServerv4Failover configures the partner", async () => {
    const { P, S, membership, changes } = await pair("password");
    const { ctx, done } = operationContext("test", []);
    try {
      await windowsBackend.membership.preflight!(ctx, membership, "create");
      await windowsBackend.membership.create(ctx, membership, { adopt: false });
      expect(await changes()).toEqual([`${P}:Add-DhcpServerv4Failover`]);
      expect((await server(dir, S)).relationships.map((r) => r.scopeIds)).toEqual([["10.45.1.0"]]);
      await windowsBackend.membership.delete(ctx, membership);
    } finally {
      await done();
    }
  });
});
