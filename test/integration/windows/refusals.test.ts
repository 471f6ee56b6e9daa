// What Windows would refuse is refused at check time, through the real Pulumi CLI, before any cmdlet changes
// a server: IPv6 scopes, names over 126 characters, a 32nd relationship, a scope in another relationship,
// a scope already present on the partner.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLabInfo, type LabInfo } from "../../lab/index.ts";
import { addServers, editServer, journal, removeServers, scope } from "../../emulator/setup.ts";
import { PulumiProject } from "../../support/pulumiProject.ts";
import { uniqueName, windowsProgram, type WindowsProgramOptions } from "./windowsProgram.ts";

describe("Windows failover: refused at check time", () => {
  let info: LabInfo;
  let dir: string;
  let project: PulumiProject;
  let base: WindowsProgramOptions;
  const P = uniqueName("ref1");
  const S = uniqueName("ref2");
  const FULL = uniqueName("ref3");

  const refused = async (options: WindowsProgramOptions, expected: string) => {
    project.writeProgram(windowsProgram(info, options));
    const result = await project.preview([], { allowFailure: true });
    expect(result.code).not.toBe(0);
    expect(result.output).toContain(expected);
    const writes = (await journal(dir, [P, S, FULL])).filter((entry) => !entry.split(":")[1]!.startsWith("Get-"));
    expect(writes).toEqual([]);
  };

  beforeAll(async () => {
    info = readLabInfo();
    dir = info.winemu.stateDir;
    await addServers(dir, [
      { computerName: P, scopes: [scope("10.42.1.0"), scope("10.42.2.0"), scope("10.42.3.0")] },
      { computerName: S, scopes: [scope("10.42.2.0")] },
      { computerName: FULL },
    ]);
    await editServer(dir, P, (server) => {
      server.relationships.push({
        name: "other",
        partnerServer: "elsewhere",
        mode: "LoadBalance",
        serverRole: "",
        loadBalancePercent: 50,
        reservePercent: 5,
        maxClientLeadTimeSeconds: 3600,
        autoStateTransition: false,
        stateSwitchIntervalSeconds: null,
        enableAuth: false,
        sharedSecretDigest: null,
        state: "Normal",
        scopeIds: ["10.42.3.0"],
        serverType: "PrimaryServer",
      });
    });
    await editServer(dir, FULL, (server) => {
      for (let i = 0; i < 31; i++) {
        server.relationships.push({ ...filler(), name: `filler-${i}` });
      }
    });
    base = {
      transport: "ssh",
      name: uniqueName("refusals"),
      primary: { label: "dhcp1", computerName: P },
      secondary: { label: "dhcp2", computerName: S },
      scopes: [],
    };
    project = await PulumiProject.create("windows-refusals", windowsProgram(info, base));
  });

  afterAll(async () => {
    await project?.destroy({ allowFailure: true });
    project?.remove();
    await removeServers(dir, [P, S, FULL]);
  });

  it("refuses an IPv6 scope", () => refused({ ...base, scopes: ["2001:db8:42::"] }, "scope: Windows DHCP failover supports IPv4 scopes only"));

  it("refuses a name over 126 characters", () => refused({ ...base, name: "n".repeat(127) }, "name: must be at most 126 characters"));

  it("refuses a 32nd relationship on a server", () =>
    refused({ ...base, secondary: { label: "dhcp3", computerName: FULL } }, "already has 31 failover relationships, the most Windows allows (31)"));

  it("refuses a scope that is already in another relationship", () =>
    refused({ ...base, scopes: ["10.42.3.0"] }, 'scope: 10.42.3.0 is already in the failover relationship "other" on dhcp1'));

  it("refuses a scope already present on the partner", () =>
    refused({ ...base, scopes: ["10.42.2.0"] }, "scope: 10.42.2.0 already exists on the partner dhcp2"));

  it("accepts the same program with a scope Windows can take", async () => {
    project.writeProgram(windowsProgram(info, { ...base, scopes: ["10.42.1.0"] }));
    await project.up();
    await project.previewNoChanges();
  });
});

function filler() {
  return {
    name: "filler",
    partnerServer: "elsewhere",
    mode: "LoadBalance" as const,
    serverRole: "" as const,
    loadBalancePercent: 50,
    reservePercent: 5,
    maxClientLeadTimeSeconds: 3600,
    autoStateTransition: false,
    stateSwitchIntervalSeconds: null,
    enableAuth: false,
    sharedSecretDigest: null,
    state: "Normal" as const,
    scopeIds: [],
    serverType: "PrimaryServer" as const,
  };
}
