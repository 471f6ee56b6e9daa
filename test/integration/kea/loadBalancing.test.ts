// Kea High Availability on the lab's real Kea 2.2 pair, through the real Pulumi CLI: from no HA to
// load-balancing, leases replicated, a hand edit seen and repaired, a mode change, and destroy giving back
// the original configuration.
import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acquireLease, keaCommand, readLabInfo, type LabInfo } from "../../lab/index.ts";
import { PulumiProject } from "../../support/pulumiProject.ts";
import {
  commands,
  configureKeaSecrets,
  haEntry,
  handEdit,
  keaProgram,
  keaSecrets,
  metricsFile,
  metricsOf,
  resetKeaPair,
  runningConfig,
  subnetOf,
  type Json,
  type KeaProgramOptions,
} from "./keaLab.ts";

/**
 * Every value the pristine file states, missing or different in the written file (Kea's expanded form adds
 * defaults, so only the pristine's own values are checked). Kea 2.2 omits dhcp-socket-type "raw" (its
 * default for DHCPv4) and prints pools without spaces: both are the same configuration.
 */
function missingFrom(pristine: Json, written: Json, path = ""): string[] {
  if (path.endsWith("dhcp-socket-type") && pristine === "raw" && written === undefined) return [];
  if (path.endsWith(".pool") && typeof pristine === "string" && typeof written === "string") {
    return pristine.replace(/\s+/g, "") === written ? [] : [path];
  }
  if (Array.isArray(pristine)) {
    if (!Array.isArray(written) || written.length !== pristine.length) return [path];
    return pristine.flatMap((item, index) => missingFrom(item, written[index]!, `${path}[${index}]`));
  }
  if (pristine !== null && typeof pristine === "object") {
    if (written === null || typeof written !== "object" || Array.isArray(written)) return [path];
    return Object.entries(pristine).flatMap(([key, value]) => missingFrom(value, (written as { [key: string]: Json })[key]!, `${path}.${key}`));
  }
  return pristine === written ? [] : [path];
}

describe("Kea HA load-balancing through the real Pulumi CLI", () => {
  let info: LabInfo;
  let project: PulumiProject;
  const outputs: string[] = [];
  const baseline: Array<{ [key: string]: Json }> = [];
  const run = async (step: Promise<{ output: string; code: number }>) => {
    const result = await step;
    outputs.push(result.output);
    return result;
  };
  const deploy = (options: KeaProgramOptions, env: Record<string, string> = {}) => {
    project.writeProgram(keaProgram(info, options));
    return run(project.up({ env }));
  };
  const lb = (): KeaProgramOptions => ({ mode: "load-balancing", memberships: [info.kea.subnet] });

  beforeAll(async () => {
    info = readLabInfo();
    await resetKeaPair(info);
    for (const server of info.kea.servers) baseline.push(await runningConfig(server));
    project = await PulumiProject.create("kea-lb", keaProgram(info, lb()));
    await configureKeaSecrets(project, info);
  });

  afterAll(async () => {
    await project?.destroy({ allowFailure: true });
    project?.remove();
  });

  it("preview of the new relationship changes nothing and sends no config-test or config-set", async () => {
    const metrics = metricsFile();
    const preview = await run(project.preview([], { env: { PULUMI_DHCP_FAILOVER_METRICS_FILE: metrics } }));
    expect(preview.output).toContain("+ 3 to create");
    const writes = metricsOf(metrics).filter((e) => ["config-test", "config-set", "config-write"].includes(e.detail ?? ""));
    expect(writes).toEqual([]);
    for (const [index, server] of info.kea.servers.entries()) expect(await runningConfig(server)).toEqual(baseline[index]);
  });

  it("brings both servers from no HA to load-balancing, with one config-set per server per resource, and reports the states", async () => {
    const metrics = metricsFile();
    await deploy(lb(), { PULUMI_DHCP_FAILOVER_METRICS_FILE: metrics });
    const events = metricsOf(metrics);
    for (const server of info.kea.servers) {
      // One for the relationship, one for the membership's pool split.
      expect(commands(events, "config-set", server.name)).toHaveLength(2);
      expect(commands(events, "config-write", server.name)).toHaveLength(2);
      const config = await runningConfig(server);
      const hooks = ((config.Dhcp4 as { [key: string]: Json })["hooks-libraries"] as Array<{ library: string }>).map((h) => h.library.split("/").pop());
      expect(hooks).toEqual(["libdhcp_lease_cmds.so", "libdhcp_ha.so"]);
      expect(haEntry(config)).toMatchObject({ "this-server-name": server.name, mode: "load-balancing", "heartbeat-delay": 2000 });
      const pools = (subnetOf(config, info.kea.subnet)!.pools as Array<{ pool: string; "client-class": string }>).map((p) => [p.pool, p["client-class"]]);
      expect(pools).toEqual([
        [`${info.kea.pool.first}-10.231.2.149`, "HA_kea1"],
        [`10.231.2.150-${info.kea.pool.last}`, "HA_kea2"],
      ]);
      // config-write saved it to the server's own file.
      expect(haEntry(JSON.parse(fs.readFileSync(server.configPath, "utf8")))).toMatchObject({ mode: "load-balancing" });
    }
    const stack = await project.outputs();
    const status = stack.status as Record<string, { state: string; partnerState?: string }>;
    expect(status.kea1?.state).toBe("load-balancing");
    expect(status.kea2?.state).toBe("load-balancing");
    expect(stack.summary).toEqual({ mode: "load-balancing", primary: "kea1", secondary: "kea2" });
  });

  it("a second preview shows no changes", async () => {
    await run(project.previewNoChanges());
  });

  it("a lab client gets a lease, and the lease is on the partner too", async () => {
    const lease = await acquireLease("kea");
    for (const server of info.kea.servers) {
      const deadline = Date.now() + 10_000;
      let answer = await keaCommand(server, "lease4-get", { "ip-address": lease.address });
      while (answer.result !== 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        answer = await keaCommand(server, "lease4-get", { "ip-address": lease.address });
      }
      expect(answer.result, `lease ${lease.address} on ${server.name}`).toBe(0);
    }
  });

  it("a hand edit of the HA configuration shows in preview, and up repairs it", async () => {
    const kea2 = info.kea.servers[1];
    await handEdit(kea2, (dhcp4) => {
      const ha = haEntry({ Dhcp4: dhcp4 })!;
      ha["heartbeat-delay"] = 3000;
    });
    const preview = await run(project.preview());
    expect(preview.output).toContain("on kea2, high-availability.heartbeat-delay is 3000, the program wants 2000");
    expect(preview.output).toMatch(/~ 1 to update/);
    await deploy(lb());
    expect(haEntry(await runningConfig(kea2))?.["heartbeat-delay"]).toBe(2000);
    await run(project.previewNoChanges());
  });

  it("a hand-removed pool split shows in the membership's preview, and up splits again", async () => {
    const kea1 = info.kea.servers[0];
    await handEdit(kea1, (dhcp4) => {
      const subnet = subnetOf({ Dhcp4: dhcp4 }, info.kea.subnet)!;
      subnet.pools = [{ pool: `${info.kea.pool.first}-${info.kea.pool.last}` }];
    });
    const preview = await run(project.preview());
    expect(preview.output).toContain("on kea1, pools is");
    await deploy(lb());
    const pools = subnetOf(await runningConfig(kea1), info.kea.subnet)!.pools as Array<{ "client-class": string }>;
    expect(pools.map((p) => p["client-class"])).toEqual(["HA_kea1", "HA_kea2"]);
    await run(project.previewNoChanges());
  });

  it("changes mode to hot-standby: both servers reach hot-standby and the pools are whole again", async () => {
    await deploy({ mode: "hot-standby", memberships: [info.kea.subnet] });
    const stack = await project.outputs();
    const status = stack.status as Record<string, { state: string }>;
    expect(status.kea1?.state).toBe("hot-standby");
    expect(status.kea2?.state).toBe("hot-standby");
    for (const server of info.kea.servers) {
      const config = await runningConfig(server);
      expect(haEntry(config)).toMatchObject({ mode: "hot-standby" });
      expect(subnetOf(config, info.kea.subnet)!.pools).toEqual([{ "option-data": [], pool: `${info.kea.pool.first}-${info.kea.pool.last}` }]);
    }
    await run(project.previewNoChanges());
  });

  it("never writes a password into state or output", async () => {
    const state = await project.exportState();
    for (const secret of keaSecrets(info)) {
      expect(state).not.toContain(secret);
      for (const output of outputs) expect(output).not.toContain(secret);
    }
  });

  it("destroy gives back the original configuration, running and in the file", async () => {
    await run(project.destroy());
    for (const [index, server] of info.kea.servers.entries()) {
      const running = await runningConfig(server);
      expect(running).toEqual(baseline[index]);
      // config-write rewrote the file in Kea's expanded form: compare it with what runs, semantically.
      const file = JSON.parse(fs.readFileSync(server.configPath, "utf8")) as Json;
      expect(file).toEqual(running);
      expect(missingFrom(JSON.parse(fs.readFileSync(server.pristineConfigPath, "utf8")) as Json, file)).toEqual([]);
    }
  });
});
