// A preview of many Kea memberships reads each server once: one config-get and one status-get per server,
// however many memberships the relationship has (the lab's real Kea 2.2 pair, through the real Pulumi CLI).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLabInfo, type LabInfo } from "../../lab/index.ts";
import { PulumiProject } from "../../support/pulumiProject.ts";
import { commands, configureKeaSecrets, handEdit, keaProgram, metricsFile, metricsOf, resetKeaPair, type Json } from "./keaLab.ts";

/** Test data, not lab addresses: subnets only kea1 declares at first (TEST-NET-2, never routed). */
const SCOPES = [0, 1, 2, 3].map((i) => `198.51.100.${i * 64}/26`);

describe("Kea: a preview of N memberships reads each server once", () => {
  let info: LabInfo;
  let project: PulumiProject;

  beforeAll(async () => {
    info = readLabInfo();
    await resetKeaPair(info);
    await handEdit(info.kea.servers[0], (dhcp4) => {
      SCOPES.forEach((subnet, i) => {
        const base = subnet.split("/")[0]!.split(".").map(Number);
        const first = `198.51.100.${base[3]! + 10}`;
        const last = `198.51.100.${base[3]! + 50}`;
        (dhcp4.subnet4 as Json[]).push({ id: 30 + i, subnet, pools: [{ pool: `${first} - ${last}` }] });
      });
    });
    project = await PulumiProject.create("kea-preview-reads", keaProgram(info, { mode: "load-balancing", memberships: SCOPES }));
    await configureKeaSecrets(project, info);
    await project.up();
  });

  afterAll(async () => {
    await project?.destroy({ allowFailure: true });
    project?.remove();
    await resetKeaPair(info);
  });

  it("sends one config-get and one status-get per server for the relationship and its four memberships", async () => {
    const metrics = metricsFile();
    await project.previewNoChanges({ env: { PULUMI_DHCP_FAILOVER_METRICS_FILE: metrics } });
    const events = metricsOf(metrics);
    for (const server of info.kea.servers) {
      expect(commands(events, "config-get", server.name)).toHaveLength(1);
      expect(commands(events, "status-get", server.name)).toHaveLength(1);
    }
  });
});
