// Kea hot-standby on the lab's real Kea 2.2 pair through the real Pulumi CLI: from no HA to hot-standby,
// refresh, recovery after Kea dropped its hooks, maintenance, passive-backup, and destroy.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RelationshipTarget } from "../../../src/backends/backend.ts";
import { keaBackend } from "../../../src/backends/kea/index.ts";
import { keaRelationshipTarget } from "../../../src/backends/kea/schema.ts";
import { operationContext } from "../../../src/provider/context.ts";
import { acquireLease, keaCommand, readLabInfo, type LabInfo } from "../../lab/index.ts";
import { PulumiProject } from "../../support/pulumiProject.ts";
import { configureKeaSecrets, haEntry, handEdit, keaProgram, keaSecrets, resetKeaPair, runningConfig, waitForHaState, type Json, type KeaProgramOptions } from "./keaLab.ts";

describe("Kea HA hot-standby through the real Pulumi CLI", () => {
  let info: LabInfo;
  let project: PulumiProject;
  const outputs: string[] = [];
  const baseline: Array<{ [key: string]: Json }> = [];
  const run = async (step: Promise<{ output: string; code: number }>) => {
    const result = await step;
    outputs.push(result.output);
    return result;
  };
  const hs = (): KeaProgramOptions => ({ mode: "hot-standby", memberships: [info.kea.subnet] });

  beforeAll(async () => {
    info = readLabInfo();
    await resetKeaPair(info);
    for (const server of info.kea.servers) baseline.push(await runningConfig(server));
    project = await PulumiProject.create("kea-hs", keaProgram(info, hs()));
    await configureKeaSecrets(project, info);
  });

  afterAll(async () => {
    await project?.destroy({ allowFailure: true });
    project?.remove();
  });

  it("brings both servers from no HA to hot-standby, and the primary serves", async () => {
    await run(project.up());
    const status = (await project.outputs()).status as Record<string, { state: string; details: { role: string } }>;
    expect([status.kea1?.state, status.kea1?.details.role, status.kea2?.state, status.kea2?.details.role]).toEqual(["hot-standby", "primary", "hot-standby", "standby"]);
    for (const server of info.kea.servers) expect(haEntry(await runningConfig(server))).toMatchObject({ mode: "hot-standby", "this-server-name": server.name });
    const lease = await acquireLease("kea");
    expect(lease.serverId).toBe(info.kea.servers[0].address);
  });

  it("refresh finds nothing to change, and preview after it shows no changes", async () => {
    const refresh = await run(project.refresh());
    expect(refresh.output).not.toMatch(/~ \d+ updated/);
    await run(project.previewNoChanges());
  });

  it("when a server runs without its hooks (someone's config-set failed), preview says so and up brings HA back", async () => {
    const kea2 = info.kea.servers[1];
    const config = await runningConfig(kea2);
    const broken = structuredClone(config);
    haEntry(broken)!.mode = "bogus";
    // Kea 2.2 accepts this in config-test, then fails config-set and keeps running with no hooks loaded.
    expect((await keaCommand(kea2, "config-test", broken)).result).toBe(0);
    expect((await keaCommand(kea2, "config-set", broken)).result).toBe(1);
    expect(await waitForHaState(kea2, "not-running", 5)).toBe("not-running");
    const preview = await run(project.preview());
    expect(preview.output).toContain("on kea2, ha-running is false, the program wants true");
    await run(project.up());
    expect(await waitForHaState(kea2, "hot-standby", 30)).toBe("hot-standby");
    await run(project.previewNoChanges());
  });

  it("a peer password changed by hand shows as differing, never in plain text, and up puts the declared one back", async () => {
    const kea1 = info.kea.servers[0];
    const handTyped = `hand-typed-${randomBytes(6).toString("hex")}`;
    await handEdit(kea1, (dhcp4) => {
      ((haEntry({ Dhcp4: dhcp4 })!.peers as Array<{ [key: string]: Json }>)[1]!)["basic-auth-password"] = handTyped;
    });
    const preview = await run(project.preview());
    expect(preview.output).toContain("on kea1, high-availability.peers.kea2.basic-auth-password differs from the program's secret (neither value is shown)");
    const up = await run(project.up());
    const repaired = (haEntry(await runningConfig(kea1))!.peers as Array<{ [key: string]: Json }>)[1]!;
    expect(repaired["basic-auth-password"]).toBe(info.kea.servers[1].auth.password);
    await run(project.previewNoChanges());
    const state = await project.exportState();
    for (const text of [preview.output, up.output, state]) expect(text).not.toContain(handTyped);
  });

  it("puts the relationship into maintenance and out of it (ha-maintenance-start / -cancel, sent to the primary)", async () => {
    const { ctx, done } = operationContext("kea maintenance test", keaSecrets(info));
    // What a program's relationship hands to its memberships: the raw target, validated by the backend.
    const target = keaRelationshipTarget(programArgs(info)) as RelationshipTarget;
    try {
      const started = await keaBackend.state.maintenance!(ctx, target, "start");
      expect([started.kea1?.state, started.kea2?.state]).toEqual(["partner-in-maintenance", "in-maintenance"]);
      const cancelled = await keaBackend.state.maintenance!(ctx, target, "cancel");
      expect([cancelled.kea1?.state, cancelled.kea2?.state]).toEqual(["hot-standby", "hot-standby"]);
    } finally {
      await done();
    }
  });

  it("changes mode to passive-backup (kea2 a backup): the primary reaches passive-backup, the backup backup", async () => {
    project.writeProgram(keaProgram(info, { mode: "passive-backup", memberships: [info.kea.subnet] }));
    await run(project.up());
    const status = (await project.outputs()).status as Record<string, { state: string }>;
    expect([status.kea1?.state, status.kea2?.state]).toEqual(["passive-backup", "backup"]);
    await run(project.previewNoChanges());
  });

  it("never writes a password into state or output, and destroy gives back the original configuration", async () => {
    const state = await project.exportState();
    for (const secret of keaSecrets(info)) {
      expect(state).not.toContain(secret);
      for (const output of outputs) expect(output).not.toContain(secret);
    }
    await run(project.destroy());
    for (const [index, server] of info.kea.servers.entries()) expect(await runningConfig(server)).toEqual(baseline[index]);
  });
});

/** The relationship's arguments as the test program gives them, for calling the backend directly. */
function programArgs(info: LabInfo): Record<string, unknown> {
  return {
    vendor: "kea",
    name: "kea-lab",
    peers: info.kea.servers.map((server, index) => ({
      name: server.name,
      url: server.agentUrl,
      role: index === 0 ? "primary" : "standby",
      basicAuthUser: server.auth.user,
      basicAuthPassword: server.auth.password,
      api: { url: server.agentUrl, username: server.auth.user, password: server.auth.password },
      configPath: server.configPath,
    })),
    kea: { mode: "hot-standby" },
  };
}
