// Windows DHCP failover through the real Pulumi CLI against the emulated pair, over both real transports:
// PowerShell over SSH (the lab's sshd) and a local node-powershell session. The backend is verified against
// the emulator of the documented cmdlet behaviour, not against a live Windows server.
import { execFile } from "node:child_process";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLabInfo, type LabInfo } from "../../lab/index.ts";
import { addServers, editServer, journal, removeServers, scope, server, setReachable } from "../../emulator/setup.ts";
import { pulumiEnv, repoRoot } from "../../../scripts/pulumiCli.ts";
import { PulumiProject, projectsRoot } from "../../support/pulumiProject.ts";
import { uniqueName, windowsProgram, type Transport, type WindowsProgramOptions } from "./windowsProgram.ts";

const SECRET = "Failover-Secret-7f3a9c";
const NEW_SECRET = "Rotated-Secret-2b81de";

describe.each(["ssh", "local"] as Transport[])("Windows failover over %s through the real Pulumi CLI", (transport) => {
  let info: LabInfo;
  let dir: string;
  let project: PulumiProject;
  let options: WindowsProgramOptions;
  const outputs: string[] = [];
  const P = uniqueName("win1");
  const S = uniqueName("win2");
  const T = uniqueName("win3");
  const scopes = ["10.41.1.0", "10.41.2.0", "10.41.3.0"];

  const run = async (step: Promise<{ output: string; code: number }>) => {
    const result = await step;
    outputs.push(result.output);
    return result;
  };
  const deploy = (next: WindowsProgramOptions) => {
    options = next;
    project.writeProgram(windowsProgram(info, options));
    return run(project.up());
  };
  const relationshipOn = async (computerName: string) => (await server(dir, computerName)).relationships.find((r) => r.name === options.name);
  const cmdlets = async () => (await journal(dir, [P, S, T])).map((entry) => entry.split(":")[1]!);

  beforeAll(async () => {
    info = readLabInfo();
    dir = info.winemu.stateDir;
    await addServers(dir, [
      { computerName: P, version: "2019", scopes: scopes.map((id) => scope(id)) },
      { computerName: S, version: "2012R2" },
      { computerName: T, version: "2022" },
    ]);
    options = {
      transport,
      // Not ASCII: names must survive the transports' encodings both ways.
      name: uniqueName(`relé-${transport}`),
      primary: { label: "dhcp1", computerName: P },
      secondary: { label: "dhcp2", computerName: S },
      windows: { loadBalancePercent: 60, maxClientLeadTimeSeconds: 1800 },
      sharedSecret: true,
      scopes: [],
    };
    project = await PulumiProject.create(`windows-${transport}`, windowsProgram(info, options));
    await project.setConfig("sharedSecret", SECRET, { secret: true });
  });

  afterAll(async () => {
    await project?.destroy({ allowFailure: true });
    project?.remove();
    await removeServers(dir, [P, S, T]);
  });

  it("records a relationship without scopes in the program and state only: no cmdlet changes Windows", async () => {
    await deploy(options);
    expect(await relationshipOn(P)).toBeUndefined();
    expect(await relationshipOn(S)).toBeUndefined();
    expect((await cmdlets()).filter((c) => !c.startsWith("Get-"))).toEqual([]);
    const outputs = await project.outputs();
    expect(JSON.stringify(outputs.status)).toContain("not-on-server");
    await run(project.previewNoChanges());
    await run(project.refresh());
    await run(project.previewNoChanges());
  });

  it("creates the relationship on Windows with its first scope, with every parameter, once", async () => {
    await deploy({ ...options, scopes: [scopes[0]!] });
    const primary = await relationshipOn(P);
    const secondary = await relationshipOn(S);
    expect(primary).toMatchObject({ partnerServer: S, mode: "LoadBalance", loadBalancePercent: 60, maxClientLeadTimeSeconds: 1800, enableAuth: true, scopeIds: [scopes[0]] });
    expect(secondary).toMatchObject({ partnerServer: P, loadBalancePercent: 40, maxClientLeadTimeSeconds: 1800, enableAuth: true, scopeIds: [scopes[0]] });
    expect((await server(dir, S)).scopes.map((s) => s.scopeId)).toEqual([scopes[0]]);
    expect((await cmdlets()).filter((c) => c === "Add-DhcpServerv4Failover")).toHaveLength(1);
    // Stack outputs change only with `up`; a refresh updates the resource's own outputs.
    await run(project.refresh());
    const status = (await resourceOutputs(project, "relationship")).status as Record<string, { state: string; partnerState?: string; details?: { statistics?: unknown[] } }>;
    expect(status.dhcp2).toMatchObject({ state: "normal", partnerState: "normal" });
    expect(status.dhcp1!.details!.statistics).toEqual([expect.objectContaining({ scopeId: scopes[0], addressesInUse: 12 })]);
    expect(status.dhcp1).toMatchObject({ state: "normal", partnerState: "normal" });
    await run(project.previewNoChanges());
  });

  it("adds more scopes with Add-DhcpServerv4FailoverScope, coalesced", async () => {
    await deploy({ ...options, scopes });
    expect((await relationshipOn(P))!.scopeIds.sort()).toEqual(scopes);
    expect((await relationshipOn(S))!.scopeIds.sort()).toEqual(scopes);
    const calls = await cmdlets();
    expect(calls.filter((c) => c === "Add-DhcpServerv4Failover")).toHaveLength(1);
    expect(calls.filter((c) => c === "Add-DhcpServerv4FailoverScope").length).toBeGreaterThanOrEqual(1);
    await run(project.previewNoChanges());
  });

  it("shows a hand edit on the partner in preview without touching anything, and up repairs it", async () => {
    await editServer(dir, S, (s) => {
      s.relationships.find((r) => r.name === options.name)!.loadBalancePercent = 50;
    });
    const before = (await cmdlets()).length;
    const preview = await run(project.preview());
    expect(preview.output).toContain("on dhcp2, loadBalancePercent is 50, the program wants 60");
    expect((await cmdlets()).slice(before).filter((c) => !c.startsWith("Get-"))).toEqual([]);
    await run(project.up());
    expect((await relationshipOn(S))!.loadBalancePercent).toBe(40);
    await run(project.previewNoChanges());
  });

  it("changes percentage and mode in place with Set-DhcpServerv4Failover", async () => {
    const percent = await deploy({ ...options, windows: { loadBalancePercent: 70, maxClientLeadTimeSeconds: 1800 } });
    expect(percent.output).not.toMatch(/replaced|replacing/);
    expect((await relationshipOn(P))!.loadBalancePercent).toBe(70);
    expect((await relationshipOn(S))!.loadBalancePercent).toBe(30);
    const mode = await deploy({ ...options, windows: { mode: "hotStandby", reservePercent: 10, maxClientLeadTimeSeconds: 900, stateSwitchIntervalSeconds: 1200 } });
    expect(mode.output).not.toMatch(/replaced|replacing/);
    expect(await relationshipOn(P)).toMatchObject({ mode: "HotStandby", serverRole: "Active", reservePercent: 10, maxClientLeadTimeSeconds: 900, stateSwitchIntervalSeconds: 1200, autoStateTransition: true });
    expect(await relationshipOn(S)).toMatchObject({ mode: "HotStandby", serverRole: "Standby", reservePercent: 10, stateSwitchIntervalSeconds: 1200, autoStateTransition: true });
    expect((await cmdlets()).filter((c) => c === "Add-DhcpServerv4Failover")).toHaveLength(1);
    await run(project.previewNoChanges());
  });

  it("notices a changed shared secret through its hash and sets it; the secret never appears in plaintext", async () => {
    const digest = (await relationshipOn(P))!.sharedSecretDigest;
    await project.setConfig("sharedSecret", NEW_SECRET, { secret: true });
    const preview = await run(project.preview());
    expect(preview.output).toContain("the secret windows.sharedSecret changed");
    await run(project.up());
    expect((await relationshipOn(P))!.sharedSecretDigest).not.toBe(digest);
    expect((await relationshipOn(S))!.sharedSecretDigest).toBe((await relationshipOn(P))!.sharedSecretDigest);
    await run(project.previewNoChanges());
    const state = await project.exportState();
    for (const text of [state, ...outputs]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(NEW_SECRET);
    }
  });

  it("replicates at relationship, scope and server level, and its preview reports out-of-sync scopes", async () => {
    await editServer(dir, P, (s) => {
      s.scopes.find((x) => x.scopeId === scopes[0])!.reservations.push({ ipAddress: "10.41.1.100", clientId: "00-15-5d-a7-66-02", name: "printer", type: "Both", description: "" });
    });
    await deploy({ ...options, replication: { source: "dhcp1", level: "relationship", triggers: ["v1"] } });
    const copy = (await server(dir, S)).scopes.find((x) => x.scopeId === scopes[0])!;
    expect(copy.reservations.map((r) => r.ipAddress)).toEqual(["10.41.1.100"]);
    expect(((await project.outputs()).replicated as string[]).sort()).toEqual(scopes);
    await run(project.previewNoChanges());

    await editServer(dir, P, (s) => {
      s.scopes.find((x) => x.scopeId === scopes[1])!.exclusions.push({ startRange: "10.41.2.10", endRange: "10.41.2.19" });
    });
    const preview = await run(project.preview());
    expect(preview.output).toContain(`scope ${scopes[1]} is out of sync: exclusion 10.41.2.10-10.41.2.19: only on dhcp1`);
    await run(project.up());
    expect((await server(dir, S)).scopes.find((x) => x.scopeId === scopes[1])!.exclusions).toHaveLength(1);
    await run(project.previewNoChanges());

    await editServer(dir, P, (s) => {
      s.scopes.find((x) => x.scopeId === scopes[2])!.options.push({ optionId: 6, name: "DNS Servers", type: "IPv4Address", value: ["10.41.3.53"], vendorClass: "", userClass: "" });
    });
    const before = (await journal(dir, [P])).length;
    await deploy({ ...options, replication: { source: "dhcp1", level: "scope", scopes: [scopes[2]!], triggers: ["v2"] } });
    expect((await server(dir, S)).scopes.find((x) => x.scopeId === scopes[2])!.options.map((o) => o.optionId)).toContain(6);
    expect((await project.outputs()).replicated).toEqual([scopes[2]]);

    await deploy({ ...options, replication: { source: "dhcp1", level: "server", triggers: ["v3"] } });
    const invoked = (await readInvocations(dir, P)).slice(-1)[0]!;
    expect(invoked).not.toHaveProperty("name");
    expect(invoked).not.toHaveProperty("scopeid");
    expect((await journal(dir, [P])).length).toBeGreaterThan(before);

    const older = await deploy({ ...options, replication: { source: "dhcp2", level: "relationship", triggers: ["v4"] } });
    expect(older.output).toContain("dhcp2 runs an older Windows (6.3) than its partner dhcp1 (10.0)");
    await run(project.previewNoChanges());
  });

  it("refuses partner down through the CLI while the partner answers, and applies it when the partner is down", async () => {
    const before = (await cmdlets()).length;
    const refused = await partnerDownCli(project, options.name, "dhcp1");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^pulumi-dhcp-failover partner-down failed: .*partner down refused: dhcp2 .* answers/);
    expect((await cmdlets()).slice(before).filter((c) => !c.startsWith("Get-"))).toEqual([]);
    expect((await relationshipOn(P))!.state).toBe("Normal");
    await setReachable(dir, S, false);
    try {
      const applied = await partnerDownCli(project, options.name, "dhcp1");
      expect(applied.stderr).toBe("");
      expect(applied.code).toBe(0);
      expect(applied.stdout).toContain(options.name);
      expect(applied.stdout).toContain("partner-down");
      expect((await relationshipOn(P))!.state).toBe("PartnerDown");
      expect((await cmdlets()).slice(before)).toContain("Set-DhcpServerv4Failover");
    } finally {
      await setReachable(dir, S, true);
    }
    await editServer(dir, P, (s) => {
      s.relationships.find((r) => r.name === options.name)!.state = "Normal";
    });
  });

  it("removing scopes deletes the partner's copies; removing the last one leaves the relationship declared", async () => {
    await deploy({ ...options, replication: undefined, scopes: [scopes[0]!] });
    expect((await relationshipOn(P))!.scopeIds).toEqual([scopes[0]]);
    expect((await server(dir, S)).scopes.map((s) => s.scopeId)).toEqual([scopes[0]]);
    expect((await server(dir, P)).scopes.map((s) => s.scopeId).sort()).toEqual(scopes);
    await deploy({ ...options, scopes: [] });
    expect(await relationshipOn(P)).toBeUndefined();
    expect(await relationshipOn(S)).toBeUndefined();
    expect((await server(dir, S)).scopes).toEqual([]);
    expect(await project.exportState()).toContain(options.name);
    await run(project.previewNoChanges());
    await deploy({ ...options, scopes });
    expect((await relationshipOn(S))!.scopeIds.sort()).toEqual(scopes);
    expect((await cmdlets()).filter((c) => c === "Add-DhcpServerv4Failover")).toHaveLength(2);
  });

  it("replaces the relationship when the partner changes, deleting the old partner's copies (keep on primary, delete)", async () => {
    const result = await deploy({ ...options, secondary: { label: "dhcp3", computerName: T } });
    expect(result.output).toMatch(/replaced/);
    expect(await relationshipOn(S)).toBeUndefined();
    expect((await server(dir, S)).scopes).toEqual([]);
    expect(await relationshipOn(P)).toMatchObject({ partnerServer: T });
    expect((await relationshipOn(T))!.scopeIds.sort()).toEqual(scopes);
    expect((await server(dir, P)).scopes.every((s) => s.state === "Active")).toBe(true);
    await run(project.previewNoChanges());
  });

  it("destroys as Micetro offers: scopes kept on the secondary, the primary's copies disabled", async () => {
    await deploy({ ...options, onDelete: { keepScopesOn: "secondary", otherCopies: "disable" } });
    await run(project.destroy());
    expect(await relationshipOn(P)).toBeUndefined();
    expect(await relationshipOn(T)).toBeUndefined();
    expect((await server(dir, T)).scopes.map((s) => [s.scopeId, s.state]).sort()).toEqual(scopes.map((id) => [id, "Active"]));
    expect((await server(dir, P)).scopes.map((s) => [s.scopeId, s.state]).sort()).toEqual(scopes.map((id) => [id, "InActive"]));
    for (const text of [await project.exportState(), ...outputs]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(NEW_SECRET);
    }
  });
});

/** The package's CLI, as a person runs it in the project's directory: it reads the stack with `pulumi stack export --show-secrets`. */
function partnerDownCli(project: PulumiProject, relationship: string, serverName: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = pulumiEnv({ stateDir: path.join(project.dir, ".state"), homeDir: path.join(projectsRoot, ".home"), passphrase: "test-passphrase" });
  const main = path.join(repoRoot, "dist", "cli", "main.js");
  return new Promise((resolve, reject) => {
    // `node` from the environment's PATH: the project's Node, as for the Pulumi CLI.
    execFile("node", [main, "partner-down", relationship, serverName, "--stack", project.stack, "--cwd", project.dir], { env, timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      if (error && code === -1) reject(error);
      else resolve({ code, stdout, stderr });
    });
  });
}

async function readInvocations(dir: string, computerName: string): Promise<Array<Record<string, unknown>>> {
  const { readState } = await import("../../emulator/store.ts");
  return (await readState(dir)).journal
    .filter((entry) => entry.server === computerName.toLowerCase() && entry.cmdlet === "Invoke-DhcpServerv4FailoverReplication")
    .map((entry) => entry.parameters);
}

async function resourceOutputs(project: PulumiProject, name: string): Promise<Record<string, unknown>> {
  const state = JSON.parse(await project.exportState()) as { deployment: { resources: Array<{ urn: string; outputs?: Record<string, unknown> }> } };
  const resource = state.deployment.resources.find((r) => r.urn.endsWith(`::${name}`));
  if (!resource?.outputs) throw new Error(`no resource named ${name} in the stack's state`);
  return resource.outputs;
}
