// The lab's real Kea 3.0 pair (kea-dhcp4's own HTTP control socket, basic auth) through the real Pulumi
// CLI: a load-balancing relationship with a membership, no drift afterwards (3.0 reads the pool split back
// as client-classes), a hand edit shown by preview and put back by up, and destroy restoring both servers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keaCommand, keaCtl, readLabInfo } from "../../lab/index.ts";
import { keaVersionPair, type KeaVersionPairInfo, type KeaVersionServerInfo } from "../../lab/labInfo.ts";
import { keaVersionService } from "../../lab/services.ts";
import { PulumiProject } from "../../support/pulumiProject.ts";
import type { Json } from "./keaLab.ts";

type Obj = { [key: string]: Json };

async function running(server: KeaVersionServerInfo): Promise<Obj> {
  const answer = await keaCommand(server, "config-get");
  if (answer.result !== 0) throw new Error(`config-get on ${server.name}: ${answer.text}`);
  const config = { ...(answer.arguments as Obj) };
  delete config.hash;
  return config;
}

function haOf(config: Obj): Obj {
  const hooks = (config.Dhcp4 as Obj)["hooks-libraries"] as Obj[];
  return ((hooks.find((h) => String(h.library).endsWith("/libdhcp_ha.so"))!.parameters as Obj)["high-availability"] as Obj[])[0]!;
}

/** The program: every address and path from lab.json, passwords from the stack's secret configuration. */
function program(pair: KeaVersionPairInfo): string {
  const peers = pair.servers.map((server, index) => ({
    name: server.name,
    url: `http://${server.address}:${pair.haPort}/`,
    role: index === 0 ? "primary" : "secondary",
    api: { url: server.agentUrl, username: server.auth.user, password: `@@${server.name}@@`, timeoutSeconds: 10 },
    configPath: server.configPath,
  }));
  const source = JSON.stringify(peers, null, 2).replace(/"@@(\w+)@@"/g, (_, name: string) => `config.requireSecret(${JSON.stringify(`${name}Password`)})`);
  return `import * as pulumi from "@pulumi/pulumi";
import { FailoverRelationship, FailoverScopeMembership } from "pulumi-dhcp-failover";

const config = new pulumi.Config();
const relationship = new FailoverRelationship("kea30-lab", {
  vendor: "kea",
  peers: ${source},
  kea: { mode: "load-balancing", heartbeatDelay: 1000, maxResponseDelay: 3000, maxAckDelay: 2000, maxUnackedClients: 0, waitSeconds: 40 },
});
export const status = relationship.status;
export const member = new FailoverScopeMembership("member", { relationship, scope: ${JSON.stringify(pair.subnet)} }).status;
`;
}

describe("Kea 3.0 through the real Pulumi CLI", () => {
  let pair: KeaVersionPairInfo;
  let project: PulumiProject;
  const baseline: Obj[] = [];

  beforeAll(async () => {
    pair = keaVersionPair(readLabInfo(), "3.0");
    for (const server of pair.servers) {
      await keaCtl(server, "stop");
      keaVersionService(server).restorePristine!();
      const start = await keaCtl(server, "start");
      if (start.exitCode !== 0) throw new Error(`kea-ctl ${server.name} start failed: ${start.output}`);
      baseline.push(await running(server));
    }
    project = await PulumiProject.create("kea30-cli", program(pair));
    for (const server of pair.servers) await project.setConfig(`${server.name}Password`, server.auth.password, { secret: true });
  });

  afterAll(async () => {
    await project?.destroy({ allowFailure: true });
    project?.remove();
  });

  it("up: both servers reach load-balancing, the pool is split in client-classes, and a preview finds nothing to change", async () => {
    await project.up();
    const status = (await project.outputs()).status as Record<string, { state: string }>;
    expect(pair.servers.map((s) => status[s.name]?.state)).toEqual(["load-balancing", "load-balancing"]);
    const subnet = (((await running(pair.servers[0])).Dhcp4 as Obj).subnet4 as Obj[])[0]!;
    expect((subnet.pools as Obj[]).map((p) => p["client-classes"])).toEqual([["HA_kea30a"], ["HA_kea30b"]]);
    await project.previewNoChanges();
  });

  it("a hand edit of heartbeat-delay shows in preview; up puts the program's value back", async () => {
    const server = pair.servers[1];
    const config = await running(server);
    haOf(config)["heartbeat-delay"] = 1500;
    for (const [command, args] of [["config-set", config], ["config-write", { filename: server.configPath }]] as const) {
      const answer = await keaCommand(server, command, args as Record<string, unknown>);
      expect(answer.result).toBe(0);
    }
    const preview = await project.preview();
    expect(preview.output).toContain(`on ${server.name}, high-availability.heartbeat-delay`);
    await project.up();
    expect(haOf(await running(server))["heartbeat-delay"]).toBe(1000);
    await project.previewNoChanges();
  });

  it("destroy gives both servers back their exact configuration from before", async () => {
    await project.destroy();
    for (const [index, server] of pair.servers.entries()) expect(await running(server)).toEqual(baseline[index]);
  });
});
