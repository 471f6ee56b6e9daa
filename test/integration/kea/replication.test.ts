// Subnets on the lab's real Kea 2.2 pair through the real Pulumi CLI: a membership copies a subnet the
// partner lacks from the primary, a ReplicationTrigger reports and repairs an out-of-sync copy, and destroy
// takes the copy away again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLabInfo, type LabInfo } from "../../lab/index.ts";
import { PulumiProject } from "../../support/pulumiProject.ts";
import {
  commands,
  configureKeaSecrets,
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

/** Test data, not a lab address: a subnet only kea1 declares at first (TEST-NET-1, never routed). */
const EXTRA = "192.0.2.0/24";
const EXTRA_SUBNET = {
  id: 20,
  subnet: EXTRA,
  pools: [{ pool: "192.0.2.10 - 192.0.2.59" }],
  "option-data": [{ name: "routers", data: "192.0.2.1" }],
  reservations: [{ "hw-address": "02:00:00:00:00:01", "ip-address": "192.0.2.200" }],
};

type Obj = { [key: string]: Json };

describe("Kea subnets: membership copies and replication through the real Pulumi CLI", () => {
  let info: LabInfo;
  let project: PulumiProject;
  const outputs: string[] = [];
  const before: Obj[] = [];
  const run = async (step: Promise<{ output: string; code: number }>) => {
    const result = await step;
    outputs.push(result.output);
    return result;
  };
  const program = (): KeaProgramOptions => ({
    mode: "load-balancing",
    memberships: [info.kea.subnet, EXTRA],
    replication: { source: "kea1", level: "relationship" },
  });

  beforeAll(async () => {
    info = readLabInfo();
    await resetKeaPair(info);
    await handEdit(info.kea.servers[0], (dhcp4) => {
      (dhcp4.subnet4 as Json[]).push(EXTRA_SUBNET);
    });
    for (const server of info.kea.servers) before.push(await runningConfig(server));
    expect(subnetOf(before[1]!, EXTRA)).toBeUndefined();
    project = await PulumiProject.create("kea-subnets", keaProgram(info, program()));
    await configureKeaSecrets(project, info);
  });

  afterAll(async () => {
    await project?.destroy({ allowFailure: true });
    project?.remove();
  });

  it("copies the subnet kea2 lacks from the primary, same id, options and reservations, pools split like kea1's", async () => {
    const metrics = metricsFile();
    await run(project.up({ env: { PULUMI_DHCP_FAILOVER_METRICS_FILE: metrics } }));
    // One config-set per server for the relationship, one for both memberships together (coalesced), none
    // for the trigger (the copies already match).
    for (const server of info.kea.servers) expect(commands(metricsOf(metrics), "config-set", server.name)).toHaveLength(2);
    const [kea1, kea2] = await Promise.all(info.kea.servers.map(runningConfig));
    const copy = subnetOf(kea2!, EXTRA)!;
    const original = subnetOf(kea1!, EXTRA)!;
    expect(copy.id).toBe(20);
    expect(copy["option-data"]).toEqual(original["option-data"]);
    expect(copy.reservations).toEqual(original.reservations);
    expect((copy.pools as Obj[]).map((p) => [p.pool, p["client-class"]])).toEqual([
      ["192.0.2.10-192.0.2.34", "HA_kea1"],
      ["192.0.2.35-192.0.2.59", "HA_kea2"],
    ]);
    expect(copy.pools).toEqual(original.pools);
    expect((await project.outputs()).outOfSync).toEqual([]);
    await run(project.previewNoChanges());
  });

  it("an option changed by hand on the source shows as out of sync in preview, and up copies it", async () => {
    await handEdit(info.kea.servers[0], (dhcp4) => {
      const subnet = subnetOf({ Dhcp4: dhcp4 }, EXTRA)!;
      (subnet["option-data"] as Obj[])[0]!.data = "192.0.2.254";
    });
    const preview = await run(project.preview());
    expect(preview.output).toContain(`scope ${EXTRA} is out of sync: on kea2, option-data differs`);
    await run(project.up());
    const copy = subnetOf(await runningConfig(info.kea.servers[1]), EXTRA)!;
    expect((copy["option-data"] as Obj[])[0]!.data).toBe("192.0.2.254");
    await run(project.previewNoChanges());
  });

  it("destroy takes the copy away from kea2 and gives both servers back their configuration", async () => {
    await run(project.destroy());
    const after = await Promise.all(info.kea.servers.map(runningConfig));
    expect(subnetOf(after[1]!, EXTRA)).toBeUndefined();
    expect(after[1]).toEqual(before[1]);
    // kea1 keeps the option changed by hand: that edit was the administrator's, not this library's.
    const expected = structuredClone(before[0]!);
    (subnetOf(expected, EXTRA)!["option-data"] as Obj[])[0]!.data = "192.0.2.254";
    expect(after[0]).toEqual(expected);
    const state = await project.exportState();
    for (const secret of keaSecrets(info)) {
      expect(state).not.toContain(secret);
      for (const output of outputs) expect(output).not.toContain(secret);
    }
  });
});
