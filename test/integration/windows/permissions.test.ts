// The permissions preflight against the emulated Windows pair over the real SSH transport: an account that
// is not in DHCP Administrators on a server stops `pulumi up` before any cmdlet that changes anything, with
// the account, the server and how to add it; once it is a member again, the same program goes up.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLabInfo, type LabInfo } from "../../lab/index.ts";
import { addServers, journal, removeServers, scope, server, setDhcpAdministrator } from "../../emulator/setup.ts";
import { DEFAULT_ACCOUNT, type EmuServer } from "../../emulator/store.ts";
import { PulumiProject } from "../../support/pulumiProject.ts";
import { uniqueName, windowsProgram, type WindowsProgramOptions } from "./windowsProgram.ts";

describe("Windows permissions preflight (PowerShell over SSH)", () => {
  let info: LabInfo;
  let dir: string;
  let project: PulumiProject;
  let options: WindowsProgramOptions;
  let before: { primary: EmuServer; secondary: EmuServer };
  const P = uniqueName("perm1");
  const S = uniqueName("perm2");
  const changes = async () => (await journal(dir, [P, S])).filter((entry) => !entry.split(":")[1]!.startsWith("Get-"));

  beforeAll(async () => {
    info = readLabInfo();
    dir = info.winemu.stateDir;
    await addServers(dir, [{ computerName: P, scopes: [scope("10.44.1.0")] }, { computerName: S }]);
    before = { primary: await server(dir, P), secondary: await server(dir, S) };
    options = {
      transport: "ssh",
      name: uniqueName("permissions"),
      primary: { label: "dhcp1", computerName: P },
      secondary: { label: "dhcp2", computerName: S },
      windows: { mode: "loadBalance", loadBalancePercent: 60 },
      scopes: ["10.44.1.0"],
    };
    project = await PulumiProject.create("windows-permissions", windowsProgram(info, options));
  });

  afterAll(async () => {
    await setDhcpAdministrator(dir, P, true);
    await setDhcpAdministrator(dir, S, true);
    await project?.destroy({ allowFailure: true });
    project?.remove();
    await removeServers(dir, [P, S]);
  });

  it("a non-member on the partner: up fails before any change, naming the account, the server and the group", async () => {
    await setDhcpAdministrator(dir, S, false);
    const result = await project.up({ allowFailure: true });
    expect(result.code).not.toBe(0);
    expect(result.output).toContain(
      `dhcp2 (${S}): cannot change DHCP failover as ${DEFAULT_ACCOUNT.name}: ${DEFAULT_ACCOUNT.name} is not a member of DHCP Administrators on ${S} (DHCP Users may only read): add it`,
    );
    expect(result.output).not.toContain(`dhcp1 (${P}): cannot`);
    expect(await changes()).toEqual([]);
    expect(await server(dir, P)).toEqual(before.primary);
    expect(await server(dir, S)).toEqual({ ...before.secondary, dhcpAdministrators: [] });
  });

  it("a member again: the same program goes up", async () => {
    await setDhcpAdministrator(dir, S, true);
    await project.up();
    expect((await server(dir, S)).relationships.map((r) => r.name)).toEqual([options.name]);
  });

  it("an update by a non-member on the primary stops before Set-DhcpServerv4Failover, and the relationship is unchanged", async () => {
    const written = await changes();
    const relationships = { primary: (await server(dir, P)).relationships, secondary: (await server(dir, S)).relationships };
    await setDhcpAdministrator(dir, P, false);
    project.writeProgram(windowsProgram(info, { ...options, windows: { mode: "loadBalance", loadBalancePercent: 70 } }));
    const result = await project.up({ allowFailure: true });
    expect(result.code).not.toBe(0);
    expect(result.output).toContain(`dhcp1 (${P}): cannot change DHCP failover as ${DEFAULT_ACCOUNT.name}`);
    expect(await changes()).toEqual(written);
    expect((await server(dir, P)).relationships).toEqual(relationships.primary);
    expect((await server(dir, S)).relationships).toEqual(relationships.secondary);
    await setDhcpAdministrator(dir, P, true);
  });
});
