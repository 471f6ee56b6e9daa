// What a reviewer reads in `pulumi preview --diff` for Windows DHCP (the emulated pair, over PowerShell through
// the lab's sshd), through the real CLI, compared with golden files (golden/windows-*.txt; UPDATE_GOLDEN=1
// rewrites them). One project serves every case: each changes the program or a server, previews, and puts
// things back without an `up`. Computer and relationship names are unique per run, so they are normalised.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmuServer } from "../../emulator/store.ts";
import { addServers, editServer, removeServers, scope } from "../../emulator/setup.ts";
import { readLabInfo, type LabInfo } from "../../lab/index.ts";
import { PulumiProject } from "../../support/pulumiProject.ts";
import { goldenPreviews } from "../support/golden.ts";
import { uniqueName, windowsProgram, type WindowsProgramOptions } from "../windows/windowsProgram.ts";

const SCOPE = "10.44.1.0";

describe("Windows previews a reviewer can read", () => {
  let info: LabInfo;
  let dir: string;
  let project: PulumiProject;
  let base: WindowsProgramOptions;
  const P = uniqueName("pv1");
  const S = uniqueName("pv2");
  const T = uniqueName("pv3");
  const NAME = uniqueName("previews");

  const preview = goldenPreviews({
    testFile: import.meta.filename,
    prefix: "windows",
    project: () => project,
    baseProgram: () => windowsProgram(info, base),
    variables: () => ({ literals: { [project.dir]: "<project>", [info.repoRoot]: "<repo>", [info.ssh.hostKeySha256]: "<host-key>", [P]: "<computer-1>", [S]: "<computer-2>", [T]: "<computer-3>", [NAME]: "<name>" } }),
  });
  /** Edits an emulated server by hand for the duration of `body`, then puts it back as it was. */
  const withHandEdit = async (computerName: string, edit: (server: EmuServer) => void, body: () => Promise<void>) => {
    let before: EmuServer | undefined;
    await editServer(dir, computerName, (server) => {
      before = structuredClone(server);
      edit(server);
    });
    try {
      await body();
    } finally {
      await editServer(dir, computerName, (server) => Object.assign(server, before));
    }
  };

  beforeAll(async () => {
    info = readLabInfo();
    dir = info.winemu.stateDir;
    await addServers(dir, [{ computerName: P, scopes: [scope(SCOPE)] }, { computerName: S }, { computerName: T }]);
    base = {
      transport: "ssh",
      name: NAME,
      primary: { label: "dhcp1", computerName: P },
      secondary: { label: "dhcp2", computerName: S },
      windows: { loadBalancePercent: 60 },
      scopes: [SCOPE],
      replication: { source: "dhcp1", level: "scope", scopes: [SCOPE], triggers: ["v1"] },
    };
    // The trigger copies a scope of the relationship: it comes once the membership has put the scope in it.
    project = await PulumiProject.create("windows-previews", windowsProgram(info, { ...base, replication: undefined }));
    await project.up();
    project.writeProgram(windowsProgram(info, base));
    await project.up();
  });

  afterAll(async () => {
    await project?.destroy({ allowFailure: true });
    project?.remove();
    await removeServers(dir, [P, S, T]);
  });

  it("an in-place update shows the changed properties and nothing replaced", async () => {
    const output = await preview("update", { program: windowsProgram(info, { ...base, windows: { loadBalancePercent: 70 } }) });
    expect(output).toMatch(/~ \d+ to update/);
    expect(output).not.toMatch(/to replace/);
  });

  it("a replacement names the property that forces it, in the provider's words", async () => {
    // A new partner server (a rename would be refused at check time: the scope is still in the old relationship).
    const output = await preview("replace", { program: windowsProgram(info, { ...base, secondary: { label: "dhcp3", computerName: T } }) });
    expect(output).toMatch(/to replace/);
    expect(output).toContain("secondary cannot change in place on the servers: it will be replaced");
  });

  it("a hand edit on a server shows in plain preview and with --refresh, naming the server, the property and both values", async () => {
    const edit = (server: EmuServer) => {
      server.relationships.find((r) => r.name === NAME)!.loadBalancePercent = 50;
    };
    await withHandEdit(S, edit, async () => {
      for (const [name, extra] of [["drift", []], ["drift-refresh", ["--refresh"]]] as const) {
        const output = await preview(name, { extra: [...extra] });
        expect(output).toContain("on dhcp2, loadBalancePercent is 50, the program wants 60");
        expect(output).toMatch(/~ 1 to update/);
      }
    });
  });

  it("an out-of-sync scope shows on the ReplicationTrigger, with what differs", async () => {
    const edit = (server: EmuServer) => {
      server.scopes.find((s) => s.scopeId === SCOPE)!.exclusions.push({ startRange: "10.44.1.10", endRange: "10.44.1.19" });
    };
    await withHandEdit(P, edit, async () => {
      const output = await preview("out-of-sync");
      expect(output).toContain(`scope ${SCOPE} is out of sync: exclusion 10.44.1.10-10.44.1.19: only on dhcp1`);
    });
  });
});
