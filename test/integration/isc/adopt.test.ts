// Adoption on the lab's real dhcpd pair through the real CLI: a failover peer that already exists on the
// servers (written by another stack) makes create fail with a message naming `adopt`; with `adopt: true`
// it is taken over without a write, and the next preview shows only what differs from the program.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLabInfo, resetLab, type LabInfo } from "../../lab/index.ts";
import { PulumiProject } from "../../support/pulumiProject.ts";
import { configureIscSecrets, iscProgram, iscSecrets } from "../support/iscProgram.ts";

describe("adopting an ISC failover peer that already exists", () => {
  let info: LabInfo;
  let first: PulumiProject;
  let second: PulumiProject;
  const outputs: string[] = [];
  const configs = () => info.isc.servers.map((s) => fs.readFileSync(s.configPath, "utf8"));
  const served = () => ({ served: { scope: info.isc.subnet } });

  beforeAll(async () => {
    await resetLab();
    info = readLabInfo();
    first = await PulumiProject.create("isc-adopt-1", iscProgram(info, { memberships: served() }));
    await configureIscSecrets(first, info);
    outputs.push((await first.up()).output);
    second = await PulumiProject.create("isc-adopt-2", iscProgram(info, { isc: { mclt: 20 }, memberships: served() }));
    await configureIscSecrets(second, info);
  });

  afterAll(async () => {
    // The second stack owns the peer once it adopted it; the first one's delete finds nothing left to do.
    await second?.destroy({ allowFailure: true });
    await first?.destroy({ allowFailure: true });
    first?.remove();
    second?.remove();
    await resetLab();
  });

  it("refuses to create it without adopt, naming the option, and writes nothing", async () => {
    const before = configs();
    const up = await second.up({ allowFailure: true });
    outputs.push(up.output);
    expect(up.code).not.toBe(0);
    expect(up.output).toContain('failover peer "lab-isc" already exists on isc1 and isc2: set adopt: true to take it over as it is');
    expect(configs()).toEqual(before);
  });

  it("with adopt: true takes it over as it is, without a write, and the next preview shows only the difference", async () => {
    const before = configs();
    second.writeProgram(iscProgram(info, { isc: { mclt: 20 }, relationship: { adopt: true }, memberships: served() }));
    outputs.push((await second.up()).output);
    expect(configs()).toEqual(before);
    const preview = await second.preview(["--diff"]);
    outputs.push(preview.output);
    expect(preview.output).toMatch(/~ 1 to update/);
    expect(preview.output).toMatch(/on isc1, \S*mclt is 10, the program wants 20/);
    expect(preview.output).not.toMatch(/to replace|to create|to delete/);
  });

  it("up then makes the servers hold the program's values, and a second preview shows no changes", async () => {
    outputs.push((await second.up()).output);
    expect(configs()[0]).toMatch(/mclt 20;/);
    outputs.push((await second.previewNoChanges()).output);
  });

  it("a peer written by hand without port, peer port, timers or load balance max seconds, and with mclt on the secondary, is kept byte for byte by a program stating just that", async () => {
    const statements = /^[ \t]*(port 647|peer port 647|max-unacked-updates 10|load balance max seconds 3);\n/gm;
    info.isc.servers.forEach((s, i) => {
      const text = fs.readFileSync(s.configPath, "utf8").replace(statements, "");
      fs.writeFileSync(s.configPath, i === 1 ? text.replace(/^([ \t]*)secondary;\n/m, "$1secondary;\n$1mclt 20;\n") : text);
      execFileSync(s.ctl[0]!, [...s.ctl.slice(1), "restart"]);
    });
    const before = configs();
    expect(before[0]).not.toMatch(/peer port|load balance max seconds/);
    expect(before[1]).toMatch(/secondary;\n\s*mclt 20;/);
    second.writeProgram(
      iscProgram(info, { ports: false, isc: { mclt: 20, maxUnackedUpdates: undefined, loadBalanceMaxSeconds: undefined }, secondaryFailover: { mclt: 20 }, relationship: { adopt: true }, memberships: served() }),
    );
    outputs.push((await second.up()).output);
    expect(configs()).toEqual(before);
    outputs.push((await second.previewNoChanges()).output);
  });

  it("printed no key or OMAPI secret", () => {
    for (const secret of iscSecrets(info)) expect(outputs.join("\n")).not.toContain(secret);
  });
});
