// The permissions preflight on the lab's real dhcpd pair, as the lab's unprivileged user (root passes every
// mode check, so only another user shows a missing permission): `pulumi up` fails before anything is
// written, naming each missing permission on each server, and both configs stay byte for byte as they were.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLabInfo, resetLab, type LabInfo } from "../../lab/index.ts";
import { PulumiProject } from "../../support/pulumiProject.ts";

interface Login {
  username: string;
  /** Restart through `sudo -n`, as a non-root user must. */
  sudo: boolean;
  overrides?: Record<string, unknown>;
}

function program(info: LabInfo, login: Login): string {
  const server = (index: 0 | 1) => {
    const s = info.isc.servers[index];
    const restart = [...(login.sudo ? ["sudo", "-n"] : []), ...s.ctl, "restart"];
    return { name: s.name, address: s.address, configPath: s.configPath, restart, isRunning: [...s.ctl, "status"], ...login.overrides };
  };
  const ssh = { host: info.ssh.host, port: info.ssh.port, username: login.username, hostKeySha256: info.ssh.hostKeySha256 };
  return `import * as pulumi from "@pulumi/pulumi";
import { FailoverRelationship, FailoverScopeMembership } from "pulumi-dhcp-failover";
const config = new pulumi.Config();
const ssh = { ...${JSON.stringify(ssh)}, privateKey: config.requireSecret("sshKey") };
const relationship = new FailoverRelationship("lab-isc-permissions", {
  vendor: "isc",
  primary: { ...${JSON.stringify(server(0))}, ssh },
  secondary: { ...${JSON.stringify(server(1))}, ssh },
  isc: { mclt: 10, split: 128 },
  waitForNormalSeconds: 5,
});
new FailoverScopeMembership("served", { relationship, scope: ${JSON.stringify(info.isc.subnet)} });
`;
}

/** Every file of both servers' directories, with its bytes: the proof that nothing was written or created. */
function snapshot(info: LabInfo): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const server of info.isc.servers) {
    const dir = path.dirname(server.configPath);
    for (const entry of fs.readdirSync(dir)) {
      const file = path.join(dir, entry);
      if (entry.startsWith("dhcpd.conf") && fs.statSync(file).isFile()) files.set(file, fs.readFileSync(file));
    }
  }
  return files;
}

function expectUnchanged(info: LabInfo, before: Map<string, Buffer>): void {
  const after = snapshot(info);
  expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
  for (const [file, bytes] of before) expect(after.get(file)!.equals(bytes), file).toBe(true);
}

describe("ISC permissions preflight through the real Pulumi CLI", () => {
  let info: LabInfo;
  let project: PulumiProject;
  let user: string;
  const granted: Array<{ file: string; uid: number; gid: number; mode: number }> = [];

  beforeAll(async () => {
    await resetLab();
    info = readLabInfo();
    user = info.ssh.unprivilegedUsername;
    project = await PulumiProject.create("isc-permissions", program(info, { username: user, sudo: true }));
    await project.setConfig("sshKey", fs.readFileSync(info.ssh.keys.admin, "utf8"), { secret: true });
  });

  afterAll(async () => {
    for (const { file, uid, gid, mode } of granted) {
      fs.chownSync(file, uid, gid);
      fs.chmodSync(file, mode);
    }
    await project?.destroy({ allowFailure: true });
    project?.remove();
  });

  it("a user who may not write the configs: up names, per server, the file, the directory, dhcpd outside its PATH and the restart sudo refuses; nothing is written", async () => {
    const before = snapshot(info);
    const result = await project.up({ allowFailure: true });
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('FailoverRelationship "lab-isc-permissions": the credentials lack permissions this change needs, so nothing was changed:');
    for (const server of info.isc.servers) {
      const dir = path.dirname(server.configPath);
      expect(result.output).toContain(`${server.name}: cannot write ${server.configPath}: make the SSH user ${user} its owner or give it write access`);
      expect(result.output).toContain(`${server.name}: cannot create files in ${dir}: the change is written to a temporary file there and renamed over ${server.configPath}`);
      expect(result.output).toContain(`${server.name}: cannot run dhcpd -t -cf (to validate before writing): dhcpd is not in the PATH of the SSH user ${user} (a non-root login often lacks /usr/sbin)`);
      expect(result.output).toContain(`${server.name}: cannot run the restart command (sudo -n ${server.ctl.join(" ")} restart): sudo refuses it without a password (sudo: a password is required)`);
      expect(result.output).toContain(`"${user} ALL=(root) NOPASSWD: ${server.ctl.join(" ")} restart"`);
    }
    expectUnchanged(info, before);
    expect(JSON.parse((await project.run(["stack", "export", "--stack", project.stack])).stdout).deployment.resources ?? []).not.toContainEqual(
      expect.objectContaining({ type: expect.stringContaining("FailoverRelationship") }),
    );
  });

  it("root passes it, with one probe per server per run for the relationship and its membership", async () => {
    const root = await PulumiProject.create("isc-permissions-root", program(info, { username: info.ssh.username, sudo: false }));
    try {
      await root.setConfig("sshKey", fs.readFileSync(info.ssh.keys.admin, "utf8"), { secret: true });
      const metrics = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "isc-permissions-")), "events.jsonl");
      await root.up({ env: { PULUMI_DHCP_FAILOVER_METRICS_FILE: metrics } });
      const events = fs.readFileSync(metrics, "utf8").trim().split("\n").map((line) => JSON.parse(line) as { pid: number; event: string; server?: string; detail?: string });
      // Both lab servers sit behind one sshd endpoint (what the metric names): two servers, four preflights, two probes.
      const probes = events.filter((e) => e.event === "ssh.exec" && e.detail === "sh");
      expect(new Set(probes.map((e) => e.pid)).size).toBe(1);
      expect(probes).toHaveLength(2);
      for (const server of info.isc.servers) expect(fs.readFileSync(server.configPath, "utf8")).toContain('failover peer "lab-isc-permissions"');
    } finally {
      await root.destroy({ allowFailure: true });
      root.remove();
    }
  });

  it("a user given the files and dhcpd's path: only the restart is missing, and still nothing is written", async () => {
    const gid = Number(fs.readFileSync("/etc/group", "utf8").split("\n").find((line) => line.startsWith(`${user}:`))!.split(":")[2]);
    const uid = Number(fs.readFileSync("/etc/passwd", "utf8").split("\n").find((line) => line.startsWith(`${user}:`))!.split(":")[2]);
    for (const server of info.isc.servers) {
      const dir = path.dirname(server.configPath);
      const files = [dir, ...fs.readdirSync(dir).filter((entry) => entry.startsWith("dhcpd.conf")).map((entry) => path.join(dir, entry))];
      for (const file of files) {
        const stat = fs.statSync(file);
        granted.push({ file, uid: stat.uid, gid: stat.gid, mode: stat.mode & 0o7777 });
        // The files become the user's own: a write keeps the config's owner, which only its owner (or root) can give.
        fs.chownSync(file, file === dir ? stat.uid : uid, gid);
        fs.chmodSync(file, (stat.mode & 0o7777) | 0o060);
      }
    }
    project.writeProgram(program(info, { username: user, sudo: true, overrides: { dhcpd: "/usr/sbin/dhcpd" } }));
    const before = snapshot(info);
    const result = await project.up({ allowFailure: true });
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('FailoverRelationship "lab-isc-permissions": the credentials lack permissions this change needs, so nothing was changed:');
    for (const server of info.isc.servers) {
      expect(result.output).toContain(`${server.name}: cannot run the restart command (sudo -n ${server.ctl.join(" ")} restart)`);
      expect(result.output).not.toContain(`${server.name}: cannot write`);
      expect(result.output).not.toContain(`${server.name}: cannot create files`);
      expect(result.output).not.toContain(`${server.name}: cannot run dhcpd`);
      expect(result.output).not.toContain(`${server.name}: cannot replace`);
      expect(result.output).not.toContain(`${server.name}: cannot take the lock`);
    }
    expectUnchanged(info, before);
  });
});
