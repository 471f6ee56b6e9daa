// The user's path through the real Pulumi CLI: `npm run demo` (the repository's Pulumi.yaml program in
// examples/lab) on the lab's real servers, then each vendor's example project as a user would copy it.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLabInfo, resetLab, type LabInfo } from "../lab/index.ts";
import { addServers, removeServers, scope, server } from "../emulator/setup.ts";
import { PulumiProject, projectsRoot } from "../support/pulumiProject.ts";
import { pulumiEnv, repoRoot } from "../../scripts/pulumiCli.ts";
import { keaSecrets, runningConfig } from "./kea/keaLab.ts";
import { iscSecrets } from "./support/iscProgram.ts";
import { uniqueName } from "./windows/windowsProgram.ts";

interface Run {
  code: number;
  output: string;
}

function runCommand(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 600_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk));
    const timer = setTimeout(() => child.kill("SIGINT"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, output });
    });
  });
}

describe("npm run demo: the repository's program on the lab, through the real CLI", () => {
  let info: LabInfo;
  let env: NodeJS.ProcessEnv;
  let keaBaseline: unknown[];
  const outputs: string[] = [];
  const demo = async (...args: string[]) => {
    const result = await runCommand(process.execPath, [path.join(repoRoot, "scripts", "demo.ts"), ...args], env);
    outputs.push(result.output);
    expect(result.code, result.output).toBe(0);
    return result.output;
  };

  beforeAll(async () => {
    await resetLab();
    info = readLabInfo();
    keaBaseline = await Promise.all(info.kea.servers.map(runningConfig));
    // Its own state and passphrase, so that the test never touches a person's demo stack.
    const state = fs.mkdtempSync(path.join(os.tmpdir(), "demo-state-"));
    // This run holds the lab's run lock already: the demo must not wait for it.
    env = {
      ...process.env,
      PULUMI_BACKEND_URL: `file://${state}`,
      PULUMI_HOME: path.join(projectsRoot, ".home"),
      PULUMI_CONFIG_PASSPHRASE: "demo-test",
      PULUMI_DHCP_FAILOVER_LAB_HELD: "1",
    };
  });

  afterAll(async () => {
    if (env) await runCommand(process.execPath, [path.join(repoRoot, "scripts", "demo.ts"), "destroy"], env);
    fs.rmSync(path.join(repoRoot, "Pulumi.lab.yaml"), { force: true });
  });

  it("brings up ISC and Kea failover, prints the live Failover Relationships view and a lease from each pair", async () => {
    const output = await demo();
    expect(output).toMatch(/\+ +7 created/);
    expect(output).toMatch(/NAME +VENDOR +MODE +PRIMARY +STATE +SECONDARY +STATE/);
    expect(output).toMatch(/campus +isc +load-balance \(split 128\/256\) +isc1 +normal +isc2 +normal/);
    expect(output).toMatch(/branch +kea +load-balancing +kea1 +load-balancing +kea2 +load-balancing/);
    expect(output).toMatch(/the isc pair's client holds 10\.231\.1\.\d+ from server 10\.231\.1\.1[12]/);
    expect(output).toMatch(/the kea pair's client holds 10\.231\.2\.\d+ from server 10\.231\.2\.1[12]/);
    for (const index of [0, 1] as const) expect(fs.readFileSync(info.isc.servers[index].configPath, "utf8")).toContain('failover peer "campus" {');
  });

  it("converged: a second preview of the same program shows no changes, and the status command agrees", async () => {
    const cliEnv = pulumiEnv({ stateDir: env.PULUMI_BACKEND_URL!.slice("file://".length), homeDir: env.PULUMI_HOME!, passphrase: "demo-test" });
    const preview = await runCommand("pulumi", ["preview", "--expect-no-changes", "--stack", "lab", "--non-interactive"], cliEnv);
    outputs.push(preview.output);
    expect(preview.code, preview.output).toBe(0);
    const status = await demo("status");
    expect(status).toMatch(/campus +isc .* normal +isc2 +normal/);
  });

  it("destroy gives the servers back their starting configuration", async () => {
    await demo("destroy");
    for (const server of info.isc.servers) {
      expect(fs.readFileSync(server.configPath, "utf8")).toBe(fs.readFileSync(server.pristineConfigPath, "utf8"));
    }
    expect(await Promise.all(info.kea.servers.map(runningConfig))).toEqual(keaBaseline);
  });

  it("printed no key, OMAPI secret or password", () => {
    const text = outputs.join("\n");
    for (const secret of [...iscSecrets(info), ...keaSecrets(info)]) expect(text).not.toContain(secret);
  });
});

describe("the example projects, copied as a user would, against the lab", () => {
  let info: LabInfo;

  beforeAll(() => {
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
