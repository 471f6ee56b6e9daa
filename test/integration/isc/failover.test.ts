// ISC dhcpd 4.4 failover on the lab's real dhcpd pair, through the real Pulumi CLI.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acquireLease, dhcpdCtl, omshell, readLabInfo, resetLab, type LabInfo } from "../../lab/index.ts";
import { PulumiProject } from "../../support/pulumiProject.ts";
import { configureIscSecrets, iscProgram, iscSecrets, type IscProgramOptions } from "../support/iscProgram.ts";
import { metricsFile, metricsOf } from "../support/metrics.ts";

const PEER = "lab-isc";

async function localState(info: LabInfo, index: 0 | 1): Promise<number | undefined> {
  const output = await omshell(info.isc.servers[index], ["new failover-state", `set name = "${PEER}"`, "open"]);
  const match = /local-state = ([0-9a-f:]+)/.exec(output);
  return match ? parseInt(match[1]!.replace(/:/g, ""), 16) : undefined;
}

async function waitForNormal(info: LabInfo, seconds = 40): Promise<[number | undefined, number | undefined]> {
  const deadline = Date.now() + seconds * 1000;
  let states: [number | undefined, number | undefined] = [undefined, undefined];
  while (Date.now() < deadline) {
    states = [await localState(info, 0), await localState(info, 1)];
    if (states[0] === 2 && states[1] === 2) break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return states;
}

const count = (events: ReturnType<typeof metricsOf>, event: string, server?: string) =>
  events.filter((e) => e.event === event && (server === undefined || e.server === server)).length;

describe("ISC dhcpd failover through the real Pulumi CLI", () => {
  let info: LabInfo;
  let project: PulumiProject;
  let options: IscProgramOptions;
  const outputs: string[] = [];
  const config = (index: 0 | 1) => fs.readFileSync(info.isc.servers[index].configPath, "utf8");
  const pristine = (index: 0 | 1) => fs.readFileSync(info.isc.servers[index].pristineConfigPath, "utf8");
  const editConfig = (index: 0 | 1, edit: (text: string) => string) => {
    const file = info.isc.servers[index].configPath;
    const text = fs.readFileSync(file, "utf8");
    const edited = edit(text);
    expect(edited).not.toBe(text);
    fs.writeFileSync(file, edited);
  };
  const run = async (step: Promise<{ output: string; code: number }>) => {
    const result = await step;
    outputs.push(result.output);
    return result;
  };
  const deploy = async (next: IscProgramOptions, env: Record<string, string> = {}) => {
    options = next;
    project.writeProgram(iscProgram(info, options));
    return run(project.up({ env }));
  };

  beforeAll(async () => {
    await resetLab();
    info = readLabInfo();
    options = { memberships: { served: { scope: info.isc.subnet } } };
    project = await PulumiProject.create("isc-failover", iscProgram(info, options));
    await configureIscSecrets(project, info);
  });

  afterAll(async () => {
    await project?.destroy({ allowFailure: true });
    project?.remove();
  });

  it("creates the relationship on both servers in one write and one restart each, over one SSH connection, and both reach normal", async () => {
    const metrics = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "isc-metrics-")), "events.jsonl");
    await deploy(options, { PULUMI_DHCP_FAILOVER_METRICS_FILE: metrics });
    for (const index of [0, 1] as const) {
      expect(config(index)).toContain(`failover peer "${PEER}" {`);
      expect(config(index)).toMatch(new RegExp(`pool \\{\\s+failover peer "${PEER}";`));
    }
    expect(config(0)).toMatch(/primary;[\s\S]*mclt 10;[\s\S]*split 128;/);
    expect(config(1)).toContain("secondary;");
    expect(config(1)).not.toMatch(/mclt|split/);
    expect(await waitForNormal(info)).toEqual([2, 2]);
    const outputs = await project.outputs();
    expect(outputs.served).toMatchObject({ isc1: { state: "normal", partnerState: "normal" }, isc2: { state: "normal" } });
    const events = metricsOf(metrics);
    expect(count(events, "ssh.connect")).toBe(1);
    for (const server of ["isc1", "isc2"]) {
      expect(count(events, "isc.write", server)).toBe(1);
      expect(count(events, "isc.restart", server)).toBe(1);
    }
  });

  it("previews no changes right after", async () => {
    await run(project.previewNoChanges());
  });

  it("serves a lab client from the failover pool, and the partner learns the lease", async () => {
    const lease = await acquireLease("isc");
    const { first, last } = info.isc.pool;
    const n = (ip: string) => ip.split(".").reduce((a, o) => a * 256 + Number(o), 0);
    expect(n(lease.address)).toBeGreaterThanOrEqual(n(first));
    expect(n(lease.address)).toBeLessThanOrEqual(n(last));
    const deadline = Date.now() + 15_000;
    const leaseFiles = () => info.isc.servers.map((s) => fs.readFileSync(s.leasePath, "utf8"));
    while (!leaseFiles().every((text) => text.includes(`lease ${lease.address} {`)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(leaseFiles().map((text) => text.includes(`lease ${lease.address} {`))).toEqual([true, true]);
  });

  it("changes MCLT and split in place, not by replacement", async () => {
    options = { ...options, isc: { mclt: 20, split: 200 } };
    project.writeProgram(iscProgram(info, options));
    const preview = await run(project.preview(["--diff"]));
    expect(preview.output).toMatch(/~ 1 to update/);
    expect(preview.output).not.toMatch(/to replace/);
    const up = await run(project.up());
    expect(up.output).not.toMatch(/replaced/);
    expect(config(0)).toMatch(/mclt 20;[\s\S]*split 200;/);
    expect(config(1)).not.toMatch(/mclt|split/);
    expect(await waitForNormal(info)).toEqual([2, 2]);
  });

  it("adds memberships whose subnets the partner lacks by copying them there, sharing their waits for normal; removing them takes the copies away", async () => {
    const [extra, another] = info.isc.extraSubnets as [string, string];
    const network = extra.split("/")[0]!;
    const before = config(1);
    expect(before).not.toContain(`subnet ${network} `);
    const metrics = metricsFile("isc-waits");
    await deploy({ ...options, memberships: { ...options.memberships, extra: { scope: extra }, another: { scope: another } } }, { PULUMI_DHCP_FAILOVER_METRICS_FILE: metrics });
    const copied = config(1);
    expect(copied).toContain(`subnet ${network} netmask`);
    expect(copied).toContain("copied by pulumi-dhcp-failover from isc1");
    expect(copied).toContain("host printer-a1");
    for (const text of [config(0), copied]) {
      const block = text.slice(text.indexOf(`subnet ${network} `));
      expect(block).toMatch(new RegExp(`pool \\{\\s+failover peer "${PEER}";`));
    }
    // Both memberships wait for normal after the same restarts: they share each poll of the two servers'
    // states (one omshell each, both through the lab's one sshd) instead of sending one each.
    const events = metricsOf(metrics);
    const updater = events.find((e) => e.event === "isc.write")!.pid;
    const reads = events.filter((e) => e.pid === updater && e.event === "ssh.exec" && e.detail === "omshell").map((e) => e.at);
    expect(reads.length).toBeGreaterThanOrEqual(2);
    for (let i = 0; i + 2 < reads.length; i++) expect(reads[i + 2]! - reads[i]!, `omshell reads at ${reads.join(", ")}`).toBeGreaterThanOrEqual(500);
    await run(project.previewNoChanges());

    await deploy({ ...options, memberships: { served: { scope: info.isc.subnet } } });
    expect(config(1)).toBe(before);
    expect(config(0).slice(config(0).indexOf(`subnet ${network} `))).not.toMatch(/failover peer/);
  });

  it("shows a hand edit of dhcpd.conf in preview, naming the server, and up repairs it", async () => {
    editConfig(1, (text) => text.replace("max-response-delay 30;", "max-response-delay 90;"));
    const preview = await run(project.preview(["--diff"]));
    expect(preview.output).toMatch(/~ 1 to update/);
    expect(preview.output).toContain(`FailoverRelationship "${PEER}": on isc2, maxResponseDelay is 90, the program wants 30`);
    await run(project.up());
    expect(config(1)).toContain("max-response-delay 30;");
    await run(project.previewNoChanges());
  });

  it("replicates a changed subnet, after its preview showed it out of sync", async () => {
    const trigger = { source: "isc1", level: "scope", scopes: [info.isc.subnet], triggers: [1] };
    await deploy({ ...options, triggers: { sync: trigger } });
    editConfig(0, (text) => text.replace('option domain-name "isc.lab.example";', 'option domain-name "changed.lab.example";'));
    const preview = await run(project.preview(["--diff"]));
    expect(preview.output).toMatch(new RegExp(`scope ${info.isc.subnet.replace(/[./]/g, "\\$&")} is out of sync`));
    expect(preview.output).toContain("changed.lab.example");
    await deploy({ ...options, triggers: { sync: { ...trigger, triggers: [2] } } });
    expect(config(1)).toContain('option domain-name "changed.lab.example";');
    await run(project.previewNoChanges());

    editConfig(0, (text) => text.replace('option domain-name "changed.lab.example";', 'option domain-name "isc.lab.example";'));
    await deploy({ ...options, triggers: { sync: { ...trigger, triggers: [3] } } });
    expect(config(1)).toContain('option domain-name "isc.lab.example";');
  });

  it("never lets an invalid change reach a server: refused by check, or by dhcpd -t with dhcpd's own words", async () => {
    const before = [config(0), config(1)];
    project.writeProgram(iscProgram(info, { ...options, secondaryFailover: { split: 64 } }));
    const refused = await run(project.preview([], { allowFailure: true }));
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain('secondary.failover.split: only the primary may set split (dhcpd: "secondary may not define load balance settings."): move it to isc.split');

    const [, second] = info.isc.extraSubnets as [string, string];
    editConfig(0, (text) => text.replace(/range (10\.231\.12\.)/, "range dynamic-bootp $1"));
    const handEdited = config(0);
    project.writeProgram(iscProgram(info, { ...options, memberships: { ...options.memberships, bootp: { scope: second } } }));
    const rejected = await run(project.up({ allowFailure: true }));
    expect(rejected.code).not.toBe(0);
    expect(rejected.output).toContain("dhcpd -t refused the new configuration, nothing was written");
    expect(rejected.output).toContain("dynamic-bootp flag is not permitted");
    expect([config(0), config(1)]).toEqual([handEdited, before[1]]);
    fs.writeFileSync(info.isc.servers[0].configPath, before[0]!);
    project.writeProgram(iscProgram(info, options));
    await run(project.up());
  });

  it("rolls back a dhcpd that does not come back, and reports what dhcpd said", async () => {
    // mclt lives in the primary's block only, so the primary is the server that restarts.
    const leases = info.isc.servers[0].leasePath;
    const saved = fs.readFileSync(leases);
    const before = config(0);
    fs.rmSync(leases);
    fs.mkdirSync(leases);
    try {
      project.writeProgram(iscProgram(info, { ...options, isc: { mclt: 30, split: 200 } }));
      const failed = await run(project.up({ allowFailure: true }));
      expect(failed.code).not.toBe(0);
      expect(failed.output).toContain("isc1: dhcpd did not come back with the new configuration, so the previous one was put back");
      expect(failed.output).toMatch(/lease/i);
      expect(config(0)).toBe(before);
    } finally {
      fs.rmSync(leases, { recursive: true, force: true });
      fs.writeFileSync(leases, saved);
      expect((await dhcpdCtl(info.isc.servers[0], "start")).exitCode).toBe(0);
    }
    project.writeProgram(iscProgram(info, { ...options, isc: { mclt: 30, split: 200 } }));
    await run(project.up());
    expect(config(0)).toContain("mclt 30;");
  });

  it("keeps every secret out of the state and of everything the CLI printed", async () => {
    const state = await project.exportState();
    for (const secret of iscSecrets(info)) {
      expect(state).not.toContain(secret);
      for (const output of outputs) expect(output).not.toContain(secret);
    }
    expect(state).toContain("ciphertext");
  });

  it("destroy gives both servers back their original files, byte for byte", async () => {
    await run(project.destroy());
    expect(config(0)).toBe(pristine(0));
    expect(config(1)).toBe(pristine(1));
  });
});
