// Faults on the SSH connection to an ISC server, through the real Pulumi CLI: the provider's session is
// killed on the server right after isc2's restart (the connection drops mid-install). The run must end on
// its own, soon, with an error that names the server, says what it holds now and what to do; both peers
// stay in a valid, running configuration, and the next up converges.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acquireLease, dhcpdCtl, readLabInfo, resetLab, type LabInfo } from "../../lab/index.ts";
import { PulumiProject } from "../../support/pulumiProject.ts";
import { configureIscSecrets, iscProgram, type IscProgramOptions } from "../support/iscProgram.ts";

/**
 * A restart command that restarts dhcpd, then kills the nearest sshd ancestor: the per-connection sshd
 * process ("sshd" or, from OpenSSH 9.8, "sshd-session"), which drops the provider's connection.
 */
function restartThenDropConnection(ctl: readonly string[]): string[] {
  const restart = [...ctl, "restart"].map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(" ");
  const killSession =
    'p=$$; while [ "$p" -gt 1 ]; do case "$(cat /proc/$p/comm)" in sshd*) kill -9 "$p"; exit 0;; esac; p=$(cut -d" " -f4 /proc/$p/stat); done; exit 1';
  return ["sh", "-c", `${restart} && ${killSession}`];
}

describe("ISC: the SSH connection drops while a server restarts", () => {
  let info: LabInfo;
  let project: PulumiProject;
  let options: IscProgramOptions;
  const config = (index: 0 | 1) => fs.readFileSync(info.isc.servers[index].configPath, "utf8");
  const valid = (index: 0 | 1) => {
    const server = info.isc.servers[index];
    execFileSync("/usr/sbin/dhcpd", ["-t", "-cf", server.configPath], { stdio: "pipe" });
  };

  beforeAll(async () => {
    await resetLab();
    info = readLabInfo();
    options = { memberships: { served: { scope: info.isc.subnet } } };
    project = await PulumiProject.create("fault-isc-ssh", iscProgram(info, options));
    await configureIscSecrets(project, info);
    await project.up();
  });

  afterAll(async () => {
    await project?.destroy({ allowFailure: true });
    project?.remove();
  });

  it("ends the run within a minute with an error naming isc2, what it holds now and what to do", async () => {
    const before = [config(0), config(1)];
    project.writeProgram(iscProgram(info, { ...options, isc: { maxResponseDelay: 45 }, secondaryServer: { restart: restartThenDropConnection(info.isc.servers[1].ctl) } }));
    const started = Date.now();
    const failed = await project.up({ allowFailure: true, timeoutMs: 240_000 });
    const seconds = (Date.now() - started) / 1000;
    expect(failed.code, failed.output).not.toBe(0);
    expect(seconds, failed.output).toBeLessThan(120);
    expect(failed.output).toMatch(/isc2: installing the new configuration was cut off: .*the SSH connection was lost/);
    expect(failed.output).toMatch(/On reconnecting, isc2 holds the new configuration and dhcpd runs with it\. Run pulumi up again/);
    expect(failed.output).not.toContain("pending operations");
    // Both peers: a valid file that dhcpd runs, the old one or the new one.
    for (const index of [0, 1] as const) {
      valid(index);
      expect((await dhcpdCtl(info.isc.servers[index], "status")).exitCode).toBe(0);
      expect(config(index)).not.toBe("");
    }
    expect(config(1)).not.toBe(before[1]);
    expect(config(1)).toContain("max-response-delay 45;");
  });

  it("the next up, with the usual restart command, converges and a preview then shows no changes", async () => {
    project.writeProgram(iscProgram(info, { ...options, isc: { maxResponseDelay: 45 } }));
    await project.up();
    await project.previewNoChanges();
    for (const index of [0, 1] as const) valid(index);
    // Nothing lost: a client of the served subnet still gets a lease.
    const lease = await acquireLease("isc");
    expect(lease.address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });
});
