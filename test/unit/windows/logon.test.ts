// PowerShell over SSH and the partner: a Windows OpenSSH key logon has no credentials for outbound
// authentication (PowerShell/Win32-OpenSSH#518, #1264), so the failover cmdlets, which configure the partner
// with the session's credentials, get Access denied there. The emulator models it; the preflight finds it
// with a read-only call to the partner before anything is written, and says which logon to use.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { windowsBackend } from "../../../src/backends/windows";
import { PermissionError } from "../../../src/backends/preflight";
import { addFailoverInput } from "../../../src/backends/windows/plan";
import { windowsMembership, windowsRelationship, windowsRelationshipTarget, windowsTarget } from "../../../src/backends/windows/schema";
import { script, type ScriptKind } from "../../../src/backends/windows/scripts";
import { splitSecrets } from "../../../src/model/secrets";
import { operationContext } from "../../../src/provider/context";
import { oneLineInvocation, type PowerShellOutput } from "../../../src/transports/powershell";
import { powerShellOverSshKey } from "../../../src/transports/powershellOverSsh";
import { EmulatedSession } from "../../emulator/host.ts";
import { serially } from "./serially.ts";
import { addServers, journal, scope, setSshLogon } from "../../emulator/setup.ts";

let dir: string;
let counter = 0;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "winemu-logon-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOST_KEY = `SHA256:${"A".repeat(43)}`;
const keyLogon = { host: "127.0.0.1", username: "admin", hostKeySha256: HOST_KEY, privateKey: "KEY-TEXT" };
const passwordLogon = { host: "127.0.0.1", username: "admin", hostKeySha256: HOST_KEY, password: "Pa55-word-secret" };

async function servers() {
  counter++;
  const [a, b] = [`logon${counter}a`, `logon${counter}b`];
  await addServers(dir, [{ computerName: a, scopes: [scope("10.0.1.0")] }, { computerName: b }]);
  return { a, b };
}

describe("the emulator: what a key logon over SSH can reach", () => {
  async function run(session: EmulatedSession, kind: ScriptKind, input: Record<string, unknown>) {
    const output = await session.run(oneLineInvocation(script(kind, input).text));
    return JSON.parse(output.stdout.trim()) as { ok: boolean; message?: string; errorId?: string };
  }

  it("reads its own server, but gets Access denied from the partner and when a cmdlet configures it", async () => {
    const { a, b } = await servers();
    await setSshLogon(dir, a, "key");
    const session = new EmulatedSession(dir, () => "", "ssh");
    expect(await run(session, "readServer", { computerName: a })).toMatchObject({ ok: true });
    expect(await run(session, "reachPartner", { computerName: a, partner: b })).toMatchObject({ ok: false, errorId: "WIN32 5,Get-DhcpServerVersion" });
    const target = windowsTarget.parse({
      vendor: "windows",
      name: "rel",
      primary: { name: "p", computerName: a, connection: { local: { computerName: a } } },
      secondary: { name: "s", computerName: b, connection: { local: { computerName: b } } },
    });
    const added = await run(session, "addFailover", { computerName: a, ...addFailoverInput(target, ["10.0.1.0"]) });
    expect(added).toMatchObject({ ok: false, errorId: "WIN32 5,Add-DhcpServerv4Failover" });
    expect(added.message).toContain("Access is denied");
    await setSshLogon(dir, a, "password");
    expect(await run(session, "reachPartner", { computerName: a, partner: b })).toMatchObject({ ok: true });
    expect(await run(session, "addFailover", { computerName: a, ...addFailoverInput(target, ["10.0.1.0"]) })).toMatchObject({ ok: true });
  });

  it("binds an SSH session to the machine of its first script; local sessions reach any server", async () => {
    const { a, b } = await servers();
    await setSshLogon(dir, b, "key");
    const onB = new EmulatedSession(dir, () => "", "ssh");
    expect(await run(onB, "readServer", { computerName: b })).toMatchObject({ ok: true });
    expect(await run(onB, "readServer", { computerName: a })).toMatchObject({ ok: false, errorId: "WIN32 5,Get-DhcpServerVersion" });
    const local = new EmulatedSession(dir);
    expect(await run(local, "reachPartner", { computerName: b, partner: a })).toMatchObject({ ok: true });
  });
});

describe("the preflight over SSH", () => {
  async function pair(logon: Record<string, unknown>) {
    const { a, b } = await servers();
    const { ctx, done } = operationContext("test", []);
    const relationship = windowsRelationship.parse({
      vendor: "windows",
      name: `rel${counter}`,
      primary: { name: "dhcp1", computerName: a, connection: { overSsh: { ssh: logon } } },
      secondary: { name: "dhcp2", computerName: b, connection: { overSsh: { ssh: logon } } },
    });
    for (const side of [relationship.primary, relationship.secondary]) {
      const connection = side.connection as { overSsh: { ssh: Parameters<typeof powerShellOverSshKey>[0]; executable: string } };
      const session = new EmulatedSession(dir, () => "", "ssh");
      void ctx.connections.get(powerShellOverSshKey(connection.overSsh.ssh, connection.overSsh.executable, side.computerName), async () => ({
        run: (text: string): Promise<PowerShellOutput> => serially(() => session.run(oneLineInvocation(text))),
        close: () => undefined,
      }));
    }
    const membership = windowsMembership.parse({ vendor: "windows", relationship: windowsRelationshipTarget(relationship), scope: "10.0.1.0" });
    return { a, b, ctx, done, membership };
  }

  it("fails before any write when a key logon cannot reach the partner, and says to log on with a password", async () => {
    const { a, b, ctx, done, membership } = await pair(keyLogon);
    try {
      await setSshLogon(dir, a, "key");
      await setSshLogon(dir, b, "key");
      const error = await windowsBackend.membership.preflight!(ctx, membership, "create").catch((e: Error) => e);
      expect(error).toBeInstanceOf(PermissionError);
      const message = (error as Error).message;
      expect(message).toContain(`dhcp1 (${a}): cannot reach the failover partner dhcp2 (${b}) from its PowerShell over SSH session (Windows said: Failed to get version of the DHCP server on DHCP server ${b}. Access is denied.): `);
      expect(message).toContain(`dhcp2 (${b}): cannot reach the failover partner dhcp1 (${a})`);
      expect(message).toContain("Log on with a password instead (overSsh.ssh.password, a secret)");
      expect((await journal(dir, [a, b])).filter((entry) => !entry.split(":")[1]!.startsWith("Get-"))).toEqual([]);
    } finally {
      await done();
    }
  });

  it("passes with a password logon, and the change then reaches the partner", async () => {
    const { a, b, ctx, done, membership } = await pair(passwordLogon);
    try {
      await windowsBackend.membership.preflight!(ctx, membership, "create");
      await windowsBackend.membership.create(ctx, membership, { adopt: false });
      expect((await journal(dir, [a, b])).filter((entry) => entry.endsWith(":Add-DhcpServerv4Failover"))).toEqual([`${a}:Add-DhcpServerv4Failover`]);
    } finally {
      await done();
    }
  });

  it("takes the password as a secret: split out of the public inputs, never with a key", () => {
    const spec = {
      vendor: "windows",
      name: "rel",
      primary: { name: "dhcp1", computerName: "a", connection: { overSsh: { ssh: passwordLogon } } },
      secondary: { name: "dhcp2", computerName: "b", connection: { overSsh: { ssh: keyLogon } } },
    };
    const split = splitSecrets(spec);
    expect(JSON.stringify(split.public)).not.toContain(passwordLogon.password);
    expect(split.secrets["primary.connection.overSsh.ssh.password"]).toBe(passwordLogon.password);
    const both = windowsRelationship.safeParse({ ...spec, secondary: { ...spec.secondary, connection: { overSsh: { ssh: { ...keyLogon, password: "x" } } } } });
    expect(both.success).toBe(false);
    expect(JSON.stringify(both.error?.issues)).toContain("give exactly one of password");
  });
});
