// The permissions preflight on the lab's real Kea 2.2 pair: list-commands through each Control Agent shows
// every command a change uses (before the HA hooks are loaded, too), and a user the agent does not accept
// stops `pulumi up` before any write, named as a permission failure with the user and never the password.
import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { preflightPeers } from "../../../src/backends/kea/preflight.ts";
import { PermissionError } from "../../../src/backends/preflight.ts";
import { keaApiConnection } from "../../../src/model/connections.ts";
import { operationContext } from "../../../src/provider/context.ts";
import { readLabInfo, type KeaServerInfo, type LabInfo } from "../../lab/index.ts";
import { PulumiProject } from "../../support/pulumiProject.ts";
import { commands, configureKeaSecrets, haEntry, keaProgram, metricsFile, metricsOf, resetKeaPair, runningConfig, type Json } from "./keaLab.ts";

const endpoint = (server: KeaServerInfo) => ({
  name: server.name,
  api: keaApiConnection.parse({ url: server.agentUrl, username: server.auth.user, password: server.auth.password }),
  configPath: server.configPath,
});

describe("Kea permissions preflight", () => {
  let info: LabInfo;
  const baseline: Array<{ [key: string]: Json }> = [];

  beforeAll(async () => {
    info = readLabInfo();
    await resetKeaPair(info);
    for (const server of info.kea.servers) baseline.push(await runningConfig(server));
  });

  it("passes on the real servers, which have no HA hooks yet", async () => {
    const { ctx, done } = operationContext("preflight test", info.kea.servers.map((s) => s.auth.password));
    try {
      const peers = info.kea.servers.map((server) => endpoint(server));
      await preflightPeers(ctx, peers);
    } finally {
      await done();
    }
  });

  it("names the server, the URL and a user the agent does not know, and no password", async () => {
    const server = info.kea.servers[1];
    const stranger = { ...endpoint(server), api: keaApiConnection.parse({ url: server.agentUrl, username: "not-a-kea-user", password: server.auth.password }) };
    const { ctx, done } = operationContext("preflight test", [server.auth.password]);
    try {
      const error = await preflightPeers(ctx, [endpoint(info.kea.servers[0]), stranger]).catch((e: Error) => e);
      expect(error).toBeInstanceOf(PermissionError);
      expect((error as Error).message).toBe(
        "the credentials lack a permission this change needs, so nothing was changed:\n" +
          `- kea2: cannot use the control API: ${server.agentUrl} did not accept the API user "not-a-kea-user" (HTTP 401): add it to the Control Agent's basic-auth clients (authentication.clients), or check api.username and api.password`,
      );
      expect((error as Error).message).not.toContain(server.auth.password);
    } finally {
      await done();
    }
  });

  describe("through the real Pulumi CLI", () => {
    let project: PulumiProject;

    beforeAll(async () => {
      project = await PulumiProject.create("kea-permissions", keaProgram(info, { mode: "hot-standby", memberships: [info.kea.subnet] }));
      await configureKeaSecrets(project, info);
    });

    afterAll(async () => {
      await project?.destroy({ allowFailure: true });
      project?.remove();
    });

    it("a refused API user: up fails at check, before any config-set or config-write, saying so, and both servers keep their configuration", async () => {
      const wrongPassword = `wrong-${Date.now().toString(36)}-password`;
      await project.setConfig("kea2Password", wrongPassword, { secret: true });
      const files = info.kea.servers.map((server) => fs.readFileSync(server.configPath));
      const metrics = metricsFile();
      const result = await project.up({ allowFailure: true, env: { PULUMI_DHCP_FAILOVER_METRICS_FILE: metrics } });
      expect(result.code).not.toBe(0);
      const server = info.kea.servers[1];
      // Check reads every server first: one it cannot read fails the run there, naming it and what to check.
      expect(result.output).toContain("cannot read the servers to check this program against them");
      expect(result.output).toMatch(new RegExp(`${server.name}: "(version-get|config-get)" was refused with HTTP 401: .*check api\\.username and api\\.password`));
      expect(result.output).not.toContain(wrongPassword);
      expect(result.output).not.toContain(Buffer.from(`${server.auth.user}:${wrongPassword}`).toString("base64"));
      const events = metricsOf(metrics);
      for (const write of ["config-test", "config-set", "config-write"]) expect(commands(events, write)).toEqual([]);
      for (const [index, s] of info.kea.servers.entries()) {
        expect(await runningConfig(s)).toEqual(baseline[index]);
        expect(fs.readFileSync(s.configPath).equals(files[index]!)).toBe(true);
      }
    });

    it("with the right password the same program goes up, each server asked once per run for the relationship and its membership", async () => {
      await configureKeaSecrets(project, info);
      const metrics = metricsFile();
      const result = await project.up({ env: { PULUMI_DHCP_FAILOVER_METRICS_FILE: metrics } });
      for (const server of info.kea.servers) expect(haEntry(await runningConfig(server)), `${server.name} after:\n${result.output}`).toBeDefined();
      const perProcess = new Map<string, number>();
      for (const e of commands(metricsOf(metrics), "list-commands") as Array<{ pid?: number; server?: string }>) {
        perProcess.set(`${e.pid}/${e.server}`, (perProcess.get(`${e.pid}/${e.server}`) ?? 0) + 1);
      }
      expect([...perProcess.values()]).toEqual([1, 1]);
    });
  });
});
