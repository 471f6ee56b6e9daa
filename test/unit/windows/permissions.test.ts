// DHCP Administrators: the rule, the checkGroup script run by the emulator, and the emulator refusing
// changes by an account outside the group as Windows documents it (reads still work: DHCP Users).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DHCP_ADMINISTRATORS, groupCheck, windowsMissingPermissions } from "../../../src/backends/windows/permissions";
import { addFailoverInput } from "../../../src/backends/windows/plan";
import { windowsTarget } from "../../../src/backends/windows/schema";
import { script, type ScriptKind } from "../../../src/backends/windows/scripts";
import { EmulatedSession } from "../../emulator/host.ts";
import { addServers, editServer, journal, scope, server, setDhcpAdministrator, setReachable } from "../../emulator/setup.ts";
import { DEFAULT_ACCOUNT } from "../../emulator/store.ts";

const where = { name: "dhcp1", computerName: "dhcp1.lab" };

describe("the DHCP Administrators rule", () => {
  it("needs nothing from a member", () => {
    expect(windowsMissingPermissions(where, { account: "LAB\\ops", groupExists: true, member: true })).toEqual([]);
  });

  it("names the account, the group, the server and how to add it when it is not a member", () => {
    expect(windowsMissingPermissions(where, { account: "LAB\\ops", groupExists: true, member: false })).toEqual([
      {
        server: "dhcp1 (dhcp1.lab)",
        permission: "change DHCP failover as LAB\\ops",
        grant: "LAB\\ops is not a member of DHCP Administrators on dhcp1.lab (DHCP Users may only read): add it, e.g. Add-LocalGroupMember -Group 'DHCP Administrators' -Member 'LAB\\ops' on that server, then log in again",
      },
    ]);
  });

  it("says how to create the group when the server has none", () => {
    const [missing] = windowsMissingPermissions(where, { account: "LAB\\ops", groupExists: false, member: false });
    expect(missing!.grant).toContain("Add-DhcpServerSecurityGroup");
  });
});

describe("the checkGroup script on the emulator", () => {
  let dir: string;
  let session: EmulatedSession;
  const target = windowsTarget.parse({
    vendor: "windows",
    name: "rel",
    primary: { name: "a", computerName: "dhcp1", connection: { local: { computerName: "dhcp1" } } },
    secondary: { name: "b", computerName: "dhcp2", connection: { local: { computerName: "dhcp2" } } },
  });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "winemu-perm-"));
    session = new EmulatedSession(dir);
    await addServers(dir, [{ computerName: "dhcp1", scopes: [scope("10.0.1.0")] }, { computerName: "dhcp2" }]);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function run(kind: ScriptKind, input: Record<string, unknown>) {
    const output = await session.run(script(kind, input).text);
    expect(output.stderr).toBe("");
    return JSON.parse(output.stdout.trim()) as { ok: boolean; result?: unknown; message?: string; errorId?: string; step?: string };
  }

  it("reports membership, then its loss, without touching the servers", async () => {
    const before = await server(dir, "dhcp1");
    const member = await run("checkGroup", { computerName: "dhcp1", group: DHCP_ADMINISTRATORS });
    expect(groupCheck.parse(member.result)).toEqual({ account: DEFAULT_ACCOUNT.name, groupExists: true, member: true });
    await setDhcpAdministrator(dir, "dhcp1", false);
    const outside = await run("checkGroup", { computerName: "dhcp1", group: DHCP_ADMINISTRATORS });
    expect(outside.result).toEqual({ account: DEFAULT_ACCOUNT.name, groupExists: true, member: false });
    expect((await server(dir, "dhcp1")).relationships).toEqual(before.relationships);
    expect(await journal(dir, ["dhcp1"])).toEqual([]);
  });

  it("finds the account through a nested group's resolution (GetMembers recursive) among other members", async () => {
    await editServer(dir, "dhcp2", (s) => {
      s.dhcpAdministrators = ["S-1-5-21-1-2-3-500", DEFAULT_ACCOUNT.sid];
    });
    expect((await run("checkGroup", { computerName: "dhcp2", group: DHCP_ADMINISTRATORS })).result).toMatchObject({ member: true });
  });

  it("says a group other than DHCP Administrators does not exist, and an unreachable server is not found", async () => {
    expect((await run("checkGroup", { computerName: "dhcp1", group: "DHCP Operators" })).result).toEqual({ account: DEFAULT_ACCOUNT.name, groupExists: false, member: false });
    await setReachable(dir, "dhcp2", false);
    expect(await run("checkGroup", { computerName: "dhcp2", group: DHCP_ADMINISTRATORS })).toMatchObject({ ok: false, step: "GroupPrincipal.FindByIdentity", errorId: "PrincipalServerDownException" });
  });

  it("refuses account types without Add-Type, and groups API forms it does not model", async () => {
    const output = await session.run("$c = [System.DirectoryServices.AccountManagement.PrincipalContext]::new('Machine', 'dhcp1')");
    expect(output.exitCode).toBe(1);
    expect(output.stderr).toContain("Unable to find type [System.DirectoryServices.AccountManagement.PrincipalContext]");
    const domain = await session.run("Add-Type -AssemblyName 'System.DirectoryServices.AccountManagement'\n$c = [System.DirectoryServices.AccountManagement.PrincipalContext]::new('Domain', 'lab')");
    expect(domain.stderr).toContain("winemu: refused: PrincipalContext other than ('Machine', name): not modelled");
    const other = await session.run("Add-Type -AssemblyName 'System.Web'");
    expect(other.stderr).toContain("only System.DirectoryServices.AccountManagement is modelled");
  });

  it("denies a non-member every change with Windows' access denied (WIN32 5), on the server and through it on the partner, and lets it read", async () => {
    await setDhcpAdministrator(dir, "dhcp1", false);
    const add = await run("addFailover", { computerName: "dhcp1", ...addFailoverInput(target, ["10.0.1.0"]) });
    expect(add).toMatchObject({ ok: false, step: "Add-DhcpServerv4Failover", errorId: "WIN32 5,Add-DhcpServerv4Failover" });
    expect(add.message).toBe("Failed to add failover relationship on DHCP server dhcp1. Access is denied.");
    expect((await run("readServer", { computerName: "dhcp1" })).ok).toBe(true);

    await setDhcpAdministrator(dir, "dhcp1", true);
    await setDhcpAdministrator(dir, "dhcp2", false);
    const viaPartner = await run("addFailover", { computerName: "dhcp1", ...addFailoverInput(target, ["10.0.1.0"]) });
    expect(viaPartner).toMatchObject({ ok: false, errorId: "WIN32 5,Add-DhcpServerv4Failover" });
    expect(viaPartner.message).toContain("DHCP server dhcp2. Access is denied.");
    expect((await server(dir, "dhcp1")).relationships).toEqual([]);
    expect((await server(dir, "dhcp2")).relationships).toEqual([]);
  });
});
