// Operations around an ISC relationship on the lab's real dhcpd pair: partner-down through OMAPI, and two
// runs at once on the same servers (the server-side lock keeps either from losing the other's edits).
import * as fs from "node:fs";
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dhcpdCtl, omshell, readLabInfo, resetLab, type LabInfo } from "../../lab/index.ts";
import { PulumiProject } from "../../support/pulumiProject.ts";
import { configureIscSecrets, iscProgram } from "../support/iscProgram.ts";

// The compiled package, as the provider process loads it.
const require = createRequire(import.meta.url);
const { iscBackend } = require("../../../dist/backends/isc/index.js") as typeof import("../../../src/backends/isc/index");
const { operationContext } = require("../../../dist/provider/context.js") as typeof import("../../../src/provider/context");
const { iscRelationshipTarget, iscTarget } = require("../../../dist/backends/isc/schema.js") as typeof import("../../../src/backends/isc/schema");

async function state(info: LabInfo, index: 0 | 1, peer: string): Promise<number | undefined> {
  const output = await omshell(info.isc.servers[index], ["new failover-state", `set name = "${peer}"`, "open"]);
  const match = /local-state = ([0-9a-f:]+)/.exec(output);
  return match ? parseInt(match[1]!.replace(/:/g, ""), 16) : undefined;
}

async function until(predicate: () => Promise<boolean>, seconds: number): Promise<boolean> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (await predicate()) return true;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return predicate();
}

function target(info: LabInfo, name: string) {
  const server = (s: LabInfo["isc"]["servers"][number]) => ({
    name: s.name,
    address: s.address,
    configPath: s.configPath,
    restart: [...s.ctl, "restart"],
    isRunning: [...s.ctl, "status"],
    ssh: { host: info.ssh.host, port: info.ssh.port, username: info.ssh.username, hostKeySha256: info.ssh.hostKeySha256, privateKeyPath: info.ssh.keys.admin },
    omapi: { keyName: s.omapi.keyName, secret: s.omapi.secret },
  });
  return iscTarget.parse(iscRelationshipTarget({ name, primary: server(info.isc.servers[0]), secondary: server(info.isc.servers[1]), isc: { mclt: 10 } }));
}

describe("partner-down through OMAPI", () => {
  let info: LabInfo;
  let project: PulumiProject;

  beforeAll(async () => {
    await resetLab();
    info = readLabInfo();
    project = await PulumiProject.create("isc-partner-down", iscProgram(info, { memberships: { served: { scope: info.isc.subnet } } }));
    await configureIscSecrets(project, info);
    await project.up();
    expect(await until(async () => (await state(info, 0, "lab-isc")) === 2 && (await state(info, 1, "lab-isc")) === 2, 40)).toBe(true);
  });

  afterAll(async () => {
    await dhcpdCtl(info.isc.servers[1], "start");
    await project?.destroy({ allowFailure: true });
    project?.remove();
  });

  it("is refused while the partner still answers", async () => {
    const { ctx } = operationContext("test", []);
    await expect(iscBackend.state.partnerDown!(ctx, target(info, "lab-isc") as never, "isc1")).rejects.toThrow(
      /isc1: refusing partner-down for "lab-isc": this server is in normal, so its partner still answers/,
    );
    expect(await state(info, 0, "lab-isc")).toBe(2);
  });

  it("puts the survivor into partner-down once its partner is really gone", async () => {
    expect((await dhcpdCtl(info.isc.servers[1], "stop")).exitCode).toBe(0);
    expect(await until(async () => (await state(info, 0, "lab-isc")) === 3, 30)).toBe(true);
    const { ctx } = operationContext("test", []);
    const status = await iscBackend.state.partnerDown!(ctx, target(info, "lab-isc") as never, "isc1");
    expect(status.isc1?.state).toBe("partner-down");
    expect(await state(info, 0, "lab-isc")).toBe(4);
  });
});

describe("two runs at once on the same servers", () => {
  let info: LabInfo;
  const projects: PulumiProject[] = [];

  beforeAll(async () => {
    await resetLab();
    info = readLabInfo();
    const [extra] = info.isc.extraSubnets as [string];
    const programs = [
      iscProgram(info, { name: "lock-a", memberships: { a: { scope: info.isc.subnet } } }),
      iscProgram(info, { name: "lock-b", memberships: { b: { scope: extra } } }),
    ];
    for (const [index, program] of programs.entries()) {
      const project = await PulumiProject.create(`isc-lock-${index}`, program);
      await configureIscSecrets(project, info);
      projects.push(project);
    }
  });

  afterAll(async () => {
    for (const project of projects) project.remove();
  });

  it("keeps both runs' edits: each holds the server's lock for its whole read-edit-write", async () => {
    await Promise.all(projects.map((project) => project.up()));
    for (const server of info.isc.servers) {
      const text = fs.readFileSync(server.configPath, "utf8");
      expect(text).toContain('failover peer "lock-a" {');
      expect(text).toContain('failover peer "lock-b" {');
    }
    await Promise.all(projects.map((project) => project.destroy()));
    for (const server of info.isc.servers) {
      expect(fs.readFileSync(server.configPath, "utf8")).toBe(fs.readFileSync(server.pristineConfigPath, "utf8"));
    }
  });
});
