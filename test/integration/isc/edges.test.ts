// ISC dhcpd failover through the real Pulumi CLI, the less travelled paths, in one project to keep the lab
// time down: restarts that never overlap, a renamed relationship replaced, relationship-level replication,
// the check-time refusal to delete a peer whose pools have no named heir, and a rollback where only the
// new configuration fails to start (it passes dhcpd -t) while the old one starts again.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dhcpdCtl, omshell, readLabInfo, resetLab, type LabInfo } from "../../lab/index.ts";
import { PulumiProject } from "../../support/pulumiProject.ts";
import { configureIscSecrets, iscProgram, type IscProgramOptions } from "../support/iscProgram.ts";
import { metricsOf } from "../support/metrics.ts";

async function localState(info: LabInfo, index: 0 | 1, peer: string): Promise<number | undefined> {
  const output = await omshell(info.isc.servers[index], ["new failover-state", `set name = "${peer}"`, "open"]);
  const match = /local-state = ([0-9a-f:]+)/.exec(output);
  return match ? parseInt(match[1]!.replace(/:/g, ""), 16) : undefined;
}

async function waitForNormal(info: LabInfo, peer: string, seconds = 40): Promise<Array<number | undefined>> {
  const deadline = Date.now() + seconds * 1000;
  let states: Array<number | undefined> = [];
  while (Date.now() < deadline) {
    states = [await localState(info, 0, peer), await localState(info, 1, peer)];
    if (states.every((s) => s === 2)) break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return states;
}

/** The names of every `failover peer "NAME" {` declaration in a config, in order. */
const declaredPeers = (text: string) => [...text.matchAll(/^\s*failover peer "([^"]+)" \{/gm)].map((m) => m[1]);

describe("ISC dhcpd failover: identity, replication, check-time and rollback edges through the real CLI", () => {
  let info: LabInfo;
  let project: PulumiProject;
  let options: IscProgramOptions;
  const config = (index: 0 | 1) => fs.readFileSync(info.isc.servers[index].configPath, "utf8");
  const pid = (index: 0 | 1) => fs.readFileSync(info.isc.servers[index].pidPath, "utf8").trim();
  const editConfig = (index: 0 | 1, edit: (text: string) => string) => {
    const text = config(index);
    const edited = edit(text);
    expect(edited).not.toBe(text);
    fs.writeFileSync(info.isc.servers[index].configPath, edited);
  };
  const write = (next: IscProgramOptions) => {
    options = next;
    project.writeProgram(iscProgram(info, options));
  };

  beforeAll(async () => {
    await resetLab();
    info = readLabInfo();
    options = { memberships: { served: { scope: info.isc.subnet } } };
    project = await PulumiProject.create("isc-edges", iscProgram(info, options));
    await configureIscSecrets(project, info);
  });

  afterAll(async () => {
    await project?.destroy({ allowFailure: true });
    project?.remove();
  });

  it("restarts the two servers one after the other, each confirmed running before the other goes down", async () => {
    const metrics = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "isc-edges-")), "events.jsonl");
    await project.up({ env: { PULUMI_DHCP_FAILOVER_METRICS_FILE: metrics } });
    const events = metricsOf(metrics);
    const spans = ["isc1", "isc2"].map((server) => {
      const starts = events.filter((e) => e.event === "isc.restart" && e.server === server);
      const ends = events.filter((e) => e.event === "isc.restarted" && e.server === server);
      expect(starts, server).toHaveLength(1);
      expect(ends.map((e) => e.detail), server).toEqual(["running"]);
      expect(ends[0]!.at).toBeGreaterThan(starts[0]!.at);
      return { server, start: starts[0]!.at, end: ends[0]!.at };
    });
    const [first, second] = spans.sort((a, b) => a.start - b.start) as [(typeof spans)[0], (typeof spans)[0]];
    expect(second.start, `${second.server} went down while ${first.server} was still restarting`).toBeGreaterThanOrEqual(first.end);
    expect(await waitForNormal(info, "lab-isc")).toEqual([2, 2]);
  });

  it("replaces a renamed relationship: preview says replace, and up leaves exactly the new peer on both servers", async () => {
    // Same resource, another peer name: the block cannot be renamed in place.
    write({ ...options, relationship: { name: "lab-isc-renamed" } });
    const preview = await project.preview(["--diff"]);
    expect(preview.output).toContain('FailoverRelationship "lab-isc-renamed": name cannot change in place on the servers: it will be replaced');
    expect(preview.output).toMatch(/\+-pulumi-nodejs:dynamic:Resource: \(replace\)\s+\[id=isc:lab-isc\]/);
    expect(preview.output).toMatch(/to replace/);
    await project.up();
    for (const index of [0, 1] as const) {
      const text = config(index);
      expect(declaredPeers(text), info.isc.servers[index].name).toEqual(["lab-isc-renamed"]);
      expect(text).not.toContain('"lab-isc"');
      expect(text).toMatch(/pool \{\s+failover peer "lab-isc-renamed";/);
      expect((await dhcpdCtl(info.isc.servers[index], "status")).exitCode, info.isc.servers[index].name).toBe(0);
    }
    expect(await waitForNormal(info, "lab-isc-renamed")).toEqual([2, 2]);
    await project.previewNoChanges();
  });

  it("a relationship-level trigger copies every subnet of the relationship from the source to its partner", async () => {
    editConfig(0, (text) => text.replace('option domain-name "isc.lab.example";', 'option domain-name "relationship.lab.example";'));
    write({ ...options, triggers: { sync: { source: "isc1", level: "relationship", triggers: [1] } } });
    const up = await project.up();
    expect(up.output).toContain(`isc2: subnet ${info.isc.subnet} replaced by isc1's`);
    expect(config(1)).toContain('option domain-name "relationship.lab.example";');
    // The branch subnets have no pool of the relationship: a relationship-level trigger leaves them alone.
    for (const extra of info.isc.extraSubnets) expect(config(1)).not.toContain(`subnet ${extra.split("/")[0]} `);
    await project.previewNoChanges();
  });

  it("refuses at check time, before anything is written, a peer with pools among two other peers and no reassignPoolsTo", async () => {
    const [branchA, branchB] = info.isc.extraSubnets.map((cidr) => cidr.split("/")[0]!) as [string, string];
    const before = [config(0), config(1)];
    const pids = [pid(0), pid(1)];
    // Two more peers on isc1, each with a branch pool, as an administrator might have added them.
    const extraPeer = (name: string, port: number) =>
      `failover peer "${name}" {\n  primary;\n  address ${info.isc.servers[0].address};\n  port ${port};\n  peer address 10.231.1.99;\n  peer port ${port};\n  mclt 10;\n  split 128;\n}\n\n`;
    editConfig(0, (text) => {
      const withPeers = text.replace(/^(failover peer "lab-isc-renamed" \{)/m, `${extraPeer("extra-a", 700)}${extraPeer("extra-b", 701)}$1`);
      return withPeers
        .replace(new RegExp(`(subnet ${branchA.replace(/\./g, "\\.")} netmask[^{]*\\{[\\s\\S]*?pool \\{)`), '$1\n    failover peer "extra-a";')
        .replace(new RegExp(`(subnet ${branchB.replace(/\./g, "\\.")} netmask[^{]*\\{[\\s\\S]*?pool \\{)`), '$1\n    failover peer "extra-b";');
    });
    const edited = config(0);
    expect(declaredPeers(edited)).toEqual(["extra-a", "extra-b", "lab-isc-renamed"]);
    try {
      const refused = await project.up({ allowFailure: true });
      expect(refused.code).not.toBe(0);
      expect(refused.output).toContain(
        '1 pool(s) on isc1 refer to "lab-isc-renamed" and 2 other failover peers remain ("extra-a", "extra-b"): set reassignPoolsTo on the relationship to the one that takes them over',
      );
      expect(refused.output).toContain("reassignPoolsTo");
      expect([config(0), config(1)]).toEqual([edited, before[1]]);
      expect([pid(0), pid(1)]).toEqual(pids);

      project.writeProgram(iscProgram(info, { ...options, relationship: { ...options.relationship, reassignPoolsTo: "extra-a" } }));
      const named = await project.preview();
      expect(named.output).not.toContain("other failover peers remain");
      expect([config(0), config(1)]).toEqual([edited, before[1]]);
    } finally {
      fs.writeFileSync(info.isc.servers[0].configPath, before[0]!);
      project.writeProgram(iscProgram(info, options));
    }
  });

  it("rolls back a configuration dhcpd -t accepts but dhcpd refuses at start, and the old one serves again", async () => {
    // A second address on isc2's interface, in branch B's subnet: a server whose NIC carries two subnets.
    // Copying branch B there as a subnet of its own makes dhcpd refuse to start ("matches multiple shared
    // networks"; both subnets would have to share one shared-network), which dhcpd -t does not check.
    const [, branchB] = info.isc.extraSubnets as [string, string];
    const secondAddress = `${branchB.split(".").slice(0, 3).join(".")}.2/24`;
    const isc2 = info.isc.servers[1];
    const before = [config(0), config(1)];
    const pids = [pid(0), pid(1)];
    execFileSync("ip", ["-n", isc2.namespace, "addr", "add", secondAddress, "dev", "eth0"]);
    try {
      write({ ...options, triggers: { ...options.triggers, branch: { source: "isc1", level: "scope", scopes: [branchB], triggers: [1] } } });
      const failed = await project.up({ allowFailure: true });
      expect(failed.code).not.toBe(0);
      expect(failed.output).toContain("isc2: dhcpd did not come back with the new configuration, so the previous one was put back and dhcpd runs again with it");
      expect(failed.output).toContain("Interface eth0 matches multiple shared networks");
      expect(failed.output).toContain("fix what dhcpd said, then run pulumi up again");
      expect(config(1)).toBe(before[1]);
      expect((await dhcpdCtl(isc2, "status")).exitCode).toBe(0);
      expect(pid(1)).not.toBe(pids[1]);
      // The partner was never touched: same file, same dhcpd process, still serving its peer.
      expect(config(0)).toBe(before[0]);
      expect(pid(0)).toBe(pids[0]);
      expect(await waitForNormal(info, "lab-isc-renamed")).toEqual([2, 2]);
    } finally {
      execFileSync("ip", ["-n", isc2.namespace, "addr", "del", secondAddress, "dev", "eth0"]);
    }
  });

  it("destroy takes every peer off both servers", async () => {
    await project.destroy();
    for (const index of [0, 1] as const) expect(declaredPeers(config(index))).toEqual([]);
  });
});
