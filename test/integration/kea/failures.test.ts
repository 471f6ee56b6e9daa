// Failures on the lab's real Kea 2.2 pair through the real Pulumi CLI: bad input refused before any server
// is touched, and a configuration Kea rejects at config-set rolled back while the servers keep serving.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acquireLease, readLabInfo, type LabInfo } from "../../lab/index.ts";
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
  sendOk,
  waitForHaState,
  type Json,
  type KeaProgramOptions,
} from "./keaLab.ts";

describe("Kea HA failures through the real Pulumi CLI", () => {
  let info: LabInfo;
  let project: PulumiProject;
  const outputs: string[] = [];
  const baseline: Array<{ [key: string]: Json }> = [];
  const run = async (step: Promise<{ output: string; code: number }>) => {
    const result = await step;
    outputs.push(result.output);
    return result;
  };
  const lb = (): KeaProgramOptions => ({ mode: "load-balancing", memberships: [info.kea.subnet] });
  const metrics = metricsFile();

  beforeAll(async () => {
    info = readLabInfo();
    await resetKeaPair(info);
    for (const server of info.kea.servers) baseline.push(await runningConfig(server));
    project = await PulumiProject.create("kea-failures", keaProgram(info, lb()));
    await configureKeaSecrets(project, info);
  });

  afterAll(async () => {
    await project?.destroy({ allowFailure: true });
    project?.remove();
  });

  it("refuses bad input with the property and the fix, before any command reaches a server", async () => {
    const kea1 = info.kea.servers[0];
    project.writeProgram(
      keaProgram(info, {
        mode: "load-balancing",
        partnerRole: "standby",
        heartbeatDelay: 7000,
        peerExtras: [{ url: `http://kea1.lab.example:${new URL(kea1.agentUrl).port}/` }, {}],
      }),
    );
    for (const step of [() => project.preview([], { allowFailure: true, env: { PULUMI_DHCP_FAILOVER_METRICS_FILE: metrics } }), () => project.up({ allowFailure: true, env: { PULUMI_DHCP_FAILOVER_METRICS_FILE: metrics } })]) {
      const result = await run(step());
      expect(result.code).not.toBe(0);
      expect(result.output).toContain("peers[0].url: must name its host by IP address (Kea refuses host names in HA URLs)");
      expect(result.output).toContain('peers[1].role: "standby" is not allowed in load-balancing');
      expect(result.output).toContain('peers: load-balancing needs a peer with role "secondary"');
    }
    expect(commands(metricsOf(metrics))).toEqual([]);
    for (const [index, server] of info.kea.servers.entries()) expect(await runningConfig(server)).toEqual(baseline[index]);
  });

  it("refuses, at check time, a second relationship on a Kea 2.2 server that already runs one", async () => {
    const [kea1, kea2] = info.kea.servers;
    project.writeProgram(keaProgram(info, lb()));
    await handEdit(kea1, (dhcp4) => {
      dhcp4["hooks-libraries"] = [
        { library: `${info.kea.hooksDir}/libdhcp_lease_cmds.so` },
        {
          library: `${info.kea.hooksDir}/libdhcp_ha.so`,
          parameters: {
            "high-availability": [
              {
                "this-server-name": "other-a",
                mode: "hot-standby",
                peers: [
                  { name: "other-a", url: kea1.agentUrl, role: "primary" },
                  { name: "other-b", url: kea2.agentUrl, role: "standby" },
                ],
              },
            ],
          },
        },
      ];
    });
    try {
      const result = await run(project.preview([], { allowFailure: true }));
      expect(result.code).not.toBe(0);
      expect(result.output).toContain(
        "peers[0]: kea1 (Kea 2.2.0) already runs another HA relationship (this-server-name other-a); Kea before 2.6 runs one relationship per server: remove that one, or upgrade to 2.6 for hub-and-spoke",
      );
    } finally {
      await sendOk(kea1, "config-set", baseline[0]!);
      await sendOk(kea1, "config-write", { filename: kea1.configPath });
    }
    expect(await runningConfig(kea1)).toEqual(baseline[0]);
  });

  it("wrong API credentials: up says which server refused and what to check, shows no password, and changes nothing", async () => {
    const wrongPassword = `wrong-${Date.now().toString(36)}-password`;
    const wrong = await PulumiProject.create("kea-wrong-password", keaProgram(info, lb()));
    try {
      await configureKeaSecrets(wrong, info);
      await wrong.setConfig("kea1Password", wrongPassword, { secret: true });
      const result = await run(wrong.up({ allowFailure: true }));
      expect(result.code).not.toBe(0);
      // Check is the first to read kea1, before any write: a server it cannot read fails it (a preview too).
      expect(result.output).toContain("cannot read the servers to check this program against them");
      expect(result.output).toMatch(/kea1: "(version-get|config-get)" was refused with HTTP 401: the control API wants credentials it did not get or did not accept: check api\.username and api\.password/);
      expect(result.output).not.toContain(wrongPassword);
      expect(result.output).not.toContain(Buffer.from(`${info.kea.servers[0].auth.user}:${wrongPassword}`).toString("base64"));
      for (const [index, server] of info.kea.servers.entries()) expect(await runningConfig(server)).toEqual(baseline[index]);
    } finally {
      await wrong.destroy({ allowFailure: true });
      wrong.remove();
    }
  });

  it("sets up load-balancing for the rest of the file", async () => {
    project.writeProgram(keaProgram(info, lb()));
    await run(project.up());
    for (const server of info.kea.servers) expect(await waitForHaState(server, "load-balancing", 5)).toBe("load-balancing");
  });

  it("a configuration Kea rejects at config-set is rolled back, says Kea's result and what to do, and the servers keep serving", async () => {
    const before = await Promise.all(info.kea.servers.map(runningConfig));
    // TLS files that do not exist: the schema cannot know, Kea 2.2's config-test does not load HA, and the HA
    // hook then fails to load at config-set.
    const missing = { trustAnchor: "/nonexistent/pdf-lab/ca.pem", certFile: "/nonexistent/pdf-lab/cert.pem", keyFile: "/nonexistent/pdf-lab/key.pem" };
    const https = (index: 0 | 1) => ({ url: info.kea.servers[index].agentUrl.replace("http:", "https:") });
    project.writeProgram(keaProgram(info, { ...lb(), peerExtras: [https(0), https(1)], keaExtras: { tls: missing } }));
    const result = await run(project.up({ allowFailure: true }));
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('kea2: Kea rejected the new configuration (config-set, result 1: "One or more hook libraries failed to load")');
    expect(result.output).toContain("The previous configuration was put back on kea2, which serves as before.");
    expect(result.output).toMatch(/fix the program and run `pulumi up` again\. kea1 was not changed\./);
    // kea2 failed first (the secondary goes first): kea1 was never touched.
    expect(await Promise.all(info.kea.servers.map(runningConfig))).toEqual(before);
    for (const server of info.kea.servers) expect(await waitForHaState(server, "load-balancing", 30)).toBe("load-balancing");
    const lease = await acquireLease("kea");
    expect(info.kea.servers.map((s) => s.address)).toContain(lease.serverId);
  });

  it("the program put back shows no changes", async () => {
    project.writeProgram(keaProgram(info, lb()));
    await run(project.previewNoChanges());
  });

  it("another stack's create refuses the existing relationship unless adopt is set, and adopting writes nothing", async () => {
    const other = await PulumiProject.create("kea-adopt", keaProgram(info, { mode: "load-balancing" }));
    try {
      await configureKeaSecrets(other, info);
      const refused = await run(other.up({ allowFailure: true }));
      expect(refused.code).not.toBe(0);
      expect(refused.output).toContain("kea2 already holds an HA relationship for kea2 (this-server-name): set adopt: true to take it over as it is");
      const adoptMetrics = metricsFile();
      other.writeProgram(keaProgram(info, { mode: "load-balancing", extra: { adopt: true } }));
      await run(other.up({ env: { PULUMI_DHCP_FAILOVER_METRICS_FILE: adoptMetrics } }));
      expect(commands(metricsOf(adoptMetrics), "config-set")).toEqual([]);
      await run(other.previewNoChanges());
      // Adopted means owned: destroying that stack removes the relationship from both servers.
      await run(other.destroy());
      for (const server of info.kea.servers) expect(await waitForHaState(server, "not-running", 5)).toBe("not-running");
    } finally {
      other.remove();
    }
  });

  it("the first stack sees the relationship gone, up puts it back, and destroy restores the original configuration", async () => {
    const preview = await run(project.preview());
    expect(preview.output).toContain("on kea1, high-availability is missing");
    await run(project.up());
    for (const server of info.kea.servers) expect(await waitForHaState(server, "load-balancing", 5)).toBe("load-balancing");
    await run(project.previewNoChanges());
    await run(project.destroy());
    for (const [index, server] of info.kea.servers.entries()) expect(await runningConfig(server)).toEqual(baseline[index]);
    const state = await project.exportState();
    for (const secret of keaSecrets(info)) {
      expect(state).not.toContain(secret);
      for (const output of outputs) expect(output).not.toContain(secret);
    }
  });
});
