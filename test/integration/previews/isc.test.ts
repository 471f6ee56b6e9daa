// What a reviewer reads in `pulumi preview --diff` for the lab's ISC dhcpd pair, through the real CLI,
// compared with golden files (golden/isc-*.txt; UPDATE_GOLDEN=1 rewrites them). One project serves every
// case: each case changes the program or a server, previews, and puts things back without an `up`.
import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLabInfo, resetLab, type LabInfo } from "../../lab/index.ts";
import { PulumiProject } from "../../support/pulumiProject.ts";
import { goldenPreviews } from "../support/golden.ts";
import { configureIscSecrets, iscProgram, type IscProgramOptions } from "../support/iscProgram.ts";

describe("ISC previews a reviewer can read", () => {
  let info: LabInfo;
  let project: PulumiProject;
  let base: IscProgramOptions;

  const preview = goldenPreviews({
    testFile: import.meta.filename,
    prefix: "isc",
    project: () => project,
    baseProgram: () => iscProgram(info, base),
    variables: () => ({ literals: { [project.dir]: "<project>", [info.repoRoot]: "<repo>", [info.ssh.hostKeySha256]: "<host-key>" } }),
  });
  /** Edits a server's dhcpd.conf by hand for the duration of `body`, then puts the file back as it was. */
  const withHandEdit = async (index: 0 | 1, edit: (text: string) => string, body: () => Promise<void>) => {
    const file = info.isc.servers[index].configPath;
    const before = fs.readFileSync(file, "utf8");
    const edited = edit(before);
    expect(edited).not.toBe(before);
    fs.writeFileSync(file, edited);
    try {
      await body();
    } finally {
      fs.writeFileSync(file, before);
    }
  };

  beforeAll(async () => {
    await resetLab();
    info = readLabInfo();
    base = {
      memberships: { served: { scope: info.isc.subnet } },
      triggers: { sync: { source: "isc1", level: "scope", scopes: [info.isc.subnet], triggers: [1] } },
    };
    // The trigger copies a scope of the relationship: it comes once the membership has put the scope in it.
    project = await PulumiProject.create("isc-previews", iscProgram(info, { ...base, triggers: {} }));
    await configureIscSecrets(project, info);
    await project.up();
    project.writeProgram(iscProgram(info, base));
    await project.up();
  });

  afterAll(async () => {
    await project?.destroy({ allowFailure: true });
    project?.remove();
  });

  it("an in-place update shows the changed properties and nothing replaced", async () => {
    const output = await preview("update", { program: iscProgram(info, { ...base, isc: { mclt: 20, split: 200 } }) });
    expect(output).toMatch(/~ \d+ to update/);
    expect(output).not.toMatch(/to replace/);
  });

  it("a replacement names the property that forces it, in the provider's words", async () => {
    const output = await preview("replace", { program: iscProgram(info, { ...base, relationship: { name: "lab-isc-renamed" } }) });
    expect(output).toMatch(/to replace/);
    expect(output).toContain("name cannot change in place on the servers: it will be replaced");
  });

  it("a hand edit on a server shows in plain preview and with --refresh, naming the server, the property and both values", async () => {
    await withHandEdit(1, (text) => text.replace("max-response-delay 30;", "max-response-delay 90;"), async () => {
      for (const [name, extra] of [["drift", []], ["drift-refresh", ["--refresh"]]] as const) {
        const output = await preview(name, { extra: [...extra] });
        expect(output).toContain('FailoverRelationship "lab-isc": on isc2, maxResponseDelay is 90, the program wants 30');
        expect(output).toMatch(/~ 1 to update/);
      }
    });
  });

  it("an out-of-sync scope shows on the ReplicationTrigger, with what differs", async () => {
    await withHandEdit(0, (text) => text.replace('option domain-name "isc.lab.example";', 'option domain-name "changed.lab.example";'), async () => {
      const output = await preview("out-of-sync");
      expect(output).toContain(`scope ${info.isc.subnet} is out of sync`);
      expect(output).toContain("changed.lab.example");
    });
  });
});
