// A failure says what happened and what to do, and leaves each server in a valid configuration; one PowerShell
// session per server per run; destroy puts the servers back as they were.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLabInfo, type LabInfo } from "../../lab/index.ts";
import { addServers, journal, removeServers, scope, server, setReachable } from "../../emulator/setup.ts";
import type { EmuServer } from "../../emulator/store.ts";
import { PulumiProject } from "../../support/pulumiProject.ts";
import { uniqueName, windowsProgram, type WindowsProgramOptions } from "./windowsProgram.ts";
import { metricsOf } from "../support/metrics.ts";

describe("Windows failover: failures, sessions and destroy (node-powershell)", () => {
  let info: LabInfo;
  let dir: string;
  let project: PulumiProject;
  let options: WindowsProgramOptions;
  let before: { primary: EmuServer; secondary: EmuServer };
  const P = uniqueName("fail1");
  const S = uniqueName("fail2");

  beforeAll(async () => {
    info = readLabInfo();
    dir = info.winemu.stateDir;
    await addServers(dir, [{ computerName: P, scopes: [scope("10.43.1.0"), scope("10.43.2.0")] }, { computerName: S }]);
    before = { primary: await server(dir, P), secondary: await server(dir, S) };
    options = {
      transport: "local",
      name: uniqueName("failures"),
      primary: { label: "dhcp1", computerName: P },
      secondary: { label: "dhcp2", computerName: S },
      scopes: ["10.43.1.0", "10.43.2.0"],
    };
    project = await PulumiProject.create("windows-failures", windowsProgram(info, options));
  });

  afterAll(async () => {
    await setReachable(dir, S, true);
    await project?.destroy({ allowFailure: true });
    project?.remove();
    await removeServers(dir, [P, S]);
  });

  it("fails with the cmdlet's message and what to do when the partner does not answer, changing nothing", async () => {
    await setReachable(dir, S, false);
    const result = await project.up({ allowFailure: true });
    expect(result.code).not.toBe(0);
    expect(result.output).toContain(`dhcp2 (${S}): Get-DhcpServerVersion failed: Failed to get version of the DHCP server on DHCP server ${S}. The RPC server is unavailable.`);
    expect(result.output).toContain("Check that the server is up and the DHCP Server service runs, then run `pulumi up` again.");
    expect(await server(dir, P)).toEqual(before.primary);
    expect((await journal(dir, [P, S])).filter((entry) => !entry.split(":")[1]!.startsWith("Get-"))).toEqual([]);
  });

  it("finishes on the next up, with one PowerShell session per server for the whole run", async () => {
    await setReachable(dir, S, true);
    const metrics = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "windows-metrics-")), "events.jsonl");
    await project.up({ env: { PULUMI_DHCP_FAILOVER_METRICS_FILE: metrics } });
    const events = metricsOf(metrics);
    const sessions = events.filter((e) => e.event === "windows.session");
    const perProcess = new Map<string, number>();
    for (const e of sessions) perProcess.set(`${e.pid}/${e.server}`, (perProcess.get(`${e.pid}/${e.server}`) ?? 0) + 1);
    expect([...perProcess.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(sessions.map((e) => e.server))).toEqual(new Set(["dhcp1", "dhcp2"]));
    const commands = events.filter((e) => e.event === "windows.command");
    expect(commands.filter((e) => e.detail === "Add-DhcpServerv4Failover")).toHaveLength(1);
    expect(commands.length).toBeGreaterThan(sessions.length);
    expect((await server(dir, S)).relationships[0]!.scopeIds.sort()).toEqual(["10.43.1.0", "10.43.2.0"]);
    await project.previewNoChanges();
  });

  it("destroy puts both servers back as they were (keep on the primary, delete the partner's copies)", async () => {
    await project.destroy();
    expect(await server(dir, P)).toEqual(before.primary);
    expect(await server(dir, S)).toEqual(before.secondary);
  });
});
