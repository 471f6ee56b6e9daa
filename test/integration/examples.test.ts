// The user's path through the real Pulumi CLI: each vendor's example project as a user would copy it, on the
// lab's real servers (`npm run demo`, the repository's own program, is test/integration/demo.test.ts).
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readLabInfo, resetLab, type LabInfo } from "../lab/index.ts";
import { addServers, removeServers, scope, server } from "../emulator/setup.ts";
import { PulumiProject } from "../support/pulumiProject.ts";
import { repoRoot } from "../../scripts/pulumiCli.ts";
import { uniqueName } from "./windows/windowsProgram.ts";

describe("the example projects, copied as a user would, against the lab", () => {
  let info: LabInfo;

  beforeAll(async () => {
    await resetLab();
    info = readLabInfo();
  });

  it("examples/isc previews a relationship and its memberships against the real dhcpd pair, without changing them", async () => {
    const project = await PulumiProject.fromDirectory("example-isc", path.join(repoRoot, "examples", "isc"));
    try {
      const server = (index: 0 | 1) => {
        const s = info.isc.servers[index];
        return {
          name: s.name,
          address: s.address,
          ssh: { host: info.ssh.host, port: info.ssh.port, username: info.ssh.username, hostKeySha256: info.ssh.hostKeySha256 },
          configPath: s.configPath,
          restart: [...s.ctl, "restart"],
          isRunning: [...s.ctl, "status"],
          omapi: { keyName: s.omapi.keyName },
        };
      };
      await project.setConfigObject("primary", server(0));
      await project.setConfigObject("secondary", server(1));
      await project.setConfigObject("scopes", [info.isc.subnet]);
      await project.setConfig("mclt", "10");
      await project.setConfig("sshKey", fs.readFileSync(info.ssh.keys.admin, "utf8"), { secret: true });
      await project.setConfig("primaryOmapiSecret", info.isc.servers[0].omapi.secret, { secret: true });
      await project.setConfig("secondaryOmapiSecret", info.isc.servers[1].omapi.secret, { secret: true });
      const before = info.isc.servers.map((s) => fs.readFileSync(s.configPath, "utf8"));
      const preview = await project.preview();
      expect(preview.output).toMatch(/\+ +3 to create/);
      expect(info.isc.servers.map((s) => fs.readFileSync(s.configPath, "utf8"))).toEqual(before);
    } finally {
      project.remove();
    }
  });

  it("examples/kea previews an HA relationship, a membership and a replication trigger against the real Kea pair", async () => {
    const project = await PulumiProject.fromDirectory("example-kea", path.join(repoRoot, "examples", "kea"));
    try {
      await project.setConfigObject(
        "peers",
        info.kea.servers.map((s, index) => ({
          name: s.name,
          url: s.agentUrl,
          role: index === 0 ? "primary" : "secondary",
          configPath: s.configPath,
          api: { url: s.agentUrl, username: s.auth.user },
        })),
      );
      await project.setConfigObject("scopes", [info.kea.subnet]);
      for (const s of info.kea.servers) await project.setConfig(`${s.name}Password`, s.auth.password, { secret: true });
      const preview = await project.preview();
      expect(preview.output).toMatch(/\+ +4 to create/);
    } finally {
      project.remove();
    }
  });

  it("examples/windows creates, converges and destroys a relationship over PowerShell over SSH (the emulated pair)", async () => {
    const dir = info.winemu.stateDir;
    const [p, s] = [uniqueName("exwin1"), uniqueName("exwin2")];
    await addServers(dir, [
      { computerName: p, version: "2019", scopes: [scope("10.52.1.0")] },
      { computerName: s, version: "2019" },
    ]);
    const project = await PulumiProject.fromDirectory("example-windows", path.join(repoRoot, "examples", "windows"));
    try {
      const ssh = { host: info.ssh.host, port: info.ssh.port, username: info.ssh.username, hostKeySha256: info.ssh.hostKeySha256 };
      await project.setConfigObject("primary", { name: "dhcp1", computerName: p, via: "ssh", ssh });
      await project.setConfigObject("secondary", { name: "dhcp2", computerName: s, via: "ssh", ssh });
      await project.setConfigObject("scopes", ["10.52.1.0"]);
      await project.setConfig("name", uniqueName("example"));
      await project.setConfig("sshKey", fs.readFileSync(info.ssh.keys.winemu, "utf8"), { secret: true });
      await project.setConfig("sharedSecret", "Example-Secret-0c1d", { secret: true });
      await project.up();
      expect((await server(dir, s)).scopes.map((x) => x.scopeId)).toContain("10.52.1.0");
      await project.previewNoChanges();
      await project.destroy();
      expect((await server(dir, p)).relationships).toEqual([]);
      expect((await server(dir, s)).scopes.map((x) => x.scopeId)).not.toContain("10.52.1.0");
      expect(await project.exportState()).not.toContain("Example-Secret-0c1d");
    } finally {
      project.remove();
      await removeServers(dir, [p, s]);
    }
  });
});
