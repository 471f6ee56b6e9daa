// What a reviewer reads in `pulumi preview --diff` for the lab's Kea 2.2 pair, through the real CLI,
// compared with golden files (golden/kea-*.txt; UPDATE_GOLDEN=1 rewrites them). One project serves every
// case: each case changes the program or a server, previews, and puts things back without an `up`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLabInfo, type KeaServerInfo, type LabInfo } from "../../lab/index.ts";
import { PulumiProject } from "../../support/pulumiProject.ts";
import { configureKeaSecrets, haEntry, handEdit, keaProgram, resetKeaPair, runningConfig, sendOk, subnetOf, waitForHaState, type Json, type KeaProgramOptions } from "../kea/keaLab.ts";
import { goldenPreviews } from "../support/golden.ts";

type Obj = { [key: string]: Json };

describe("Kea previews a reviewer can read", () => {
  let info: LabInfo;
  let project: PulumiProject;
  let base: KeaProgramOptions;

  const preview = goldenPreviews({
    testFile: import.meta.filename,
    prefix: "kea",
    project: () => project,
    baseProgram: () => keaProgram(info, base),
    variables: () => ({ literals: { [project.dir]: "<project>", [info.repoRoot]: "<repo>" }, omitLiveOutputs: true }),
  });
  const settled = () => Promise.all(info.kea.servers.map((server) => waitForHaState(server, "load-balancing")));
  /** Changes a server's running configuration by hand for the duration of `body`, then puts it back. */
  const withHandEdit = async (server: KeaServerInfo, edit: (dhcp4: Obj) => void, body: () => Promise<void>) => {
    const before = await runningConfig(server);
    await handEdit(server, edit);
    await settled();
    try {
      await body();
    } finally {
      await sendOk(server, "config-set", before);
      await sendOk(server, "config-write", { filename: server.configPath });
      await settled();
    }
  };

  beforeAll(async () => {
    info = readLabInfo();
    await resetKeaPair(info);
    base = {
      mode: "load-balancing",
      memberships: [info.kea.subnet],
      replication: { source: "kea1", level: "scope", scopes: [info.kea.subnet], triggers: [1] },
    };
    project = await PulumiProject.create("kea-previews", keaProgram(info, base));
    await configureKeaSecrets(project, info);
    await project.up();
    expect(await settled()).toEqual(["load-balancing", "load-balancing"]);
  });

  afterAll(async () => {
    await project?.destroy({ allowFailure: true });
    project?.remove();
  });

  it("an in-place update shows the changed properties and nothing replaced", async () => {
    const output = await preview("update", { program: keaProgram(info, { ...base, heartbeatDelay: 3000 }) });
    expect(output).toMatch(/~ \d+ to update/);
    expect(output).not.toMatch(/to replace/);
  });

  it("a replacement names the property that forces it, in the provider's words", async () => {
    const output = await preview("replace", { program: keaProgram(info, { ...base, extra: { name: "kea-lab-renamed" } }) });
    expect(output).toMatch(/to replace/);
    expect(output).toContain("name cannot change in place on the servers: it will be replaced");
  });

  it("a hand edit on a server shows in plain preview and with --refresh, naming the server, the property and both values", async () => {
    const edit = (dhcp4: Obj) => {
      haEntry({ Dhcp4: dhcp4 })!["heartbeat-delay"] = 3000;
    };
    await withHandEdit(info.kea.servers[1], edit, async () => {
      for (const [name, extra] of [["drift", []], ["drift-refresh", ["--refresh"]]] as const) {
        const output = await preview(name, { extra: [...extra] });
        expect(output).toContain('FailoverRelationship "kea-lab": on kea2, high-availability.heartbeat-delay is 3000, the program wants 2000');
        expect(output).toMatch(/~ 1 to update/);
      }
    });
  });

  it("an out-of-sync scope shows on the ReplicationTrigger, with what differs", async () => {
    const edit = (dhcp4: Obj) => {
      ((subnetOf({ Dhcp4: dhcp4 }, info.kea.subnet)!["option-data"] as Obj[]).find((option) => option.name === "routers")!).data = "10.231.99.1";
    };
    await withHandEdit(info.kea.servers[0], edit, async () => {
      const output = await preview("out-of-sync");
      expect(output).toContain(`scope ${info.kea.subnet} is out of sync: on kea2, option-data differs`);
    });
  });
});
