// Secrets end to end for Windows DHCP (the emulated pair, over PowerShell through the lab's sshd), through the
// real CLI: after up, a drift preview, refresh, a rotation of the shared secret and destroy, neither plain
// `pulumi stack export` nor anything any run printed holds either shared secret.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLabInfo, type LabInfo } from "../../lab/index.ts";
import { addServers, editServer, removeServers, scope, server } from "../../emulator/setup.ts";
import { PulumiProject } from "../../support/pulumiProject.ts";
import { secretForms, Transcript, type SecretSpec } from "../support/secretAudit.ts";
import { uniqueName, windowsProgram, type WindowsProgramOptions } from "../windows/windowsProgram.ts";

const RUNS = [
  "up",
  "stack export after up",
  "stack output",
  "preview --diff (drift)",
  "refresh",
  "stack export after refresh",
  "up --diff (repair)",
  "preview --diff (rotated secret)",
  "up --diff (rotated secret)",
  "destroy",
  "stack export after destroy",
];

describe("Windows shared secrets never in plaintext, from up to destroy", () => {
  let info: LabInfo;
  let dir: string;
  let project: PulumiProject;
  let options: WindowsProgramOptions;
  let transcript: Transcript;
  const P = uniqueName("sec1");
  const S = uniqueName("sec2");
  const first = `Shared-${randomBytes(8).toString("hex")}`;
  const rotated = `Rotated-${randomBytes(8).toString("hex")}`;
  const secrets: SecretSpec[] = [secretForms("first shared secret", first), secretForms("rotated shared secret", rotated)];
  const relationshipOn = async (computerName: string) => (await server(dir, computerName)).relationships.find((r) => r.name === options.name);

  beforeAll(async () => {
    info = readLabInfo();
    dir = info.winemu.stateDir;
    await addServers(dir, [{ computerName: P, scopes: [scope("10.43.1.0")] }, { computerName: S }]);
    options = {
      transport: "ssh",
      name: uniqueName("secrets"),
      primary: { label: "dhcp1", computerName: P },
      secondary: { label: "dhcp2", computerName: S },
      windows: { loadBalancePercent: 60 },
      sharedSecret: true,
      scopes: ["10.43.1.0"],
    };
    project = await PulumiProject.create("windows-secrets", windowsProgram(info, options));
    transcript = new Transcript(project);
    await project.setConfig("sharedSecret", first, { secret: true });
  });

  afterAll(async () => {
    await project?.destroy({ allowFailure: true });
    project?.remove();
    await removeServers(dir, [P, S]);
  });

  it("sets up the relationship with message authentication; the state keeps only a hash of the secret", async () => {
    await transcript.run("up", project.up());
    expect(await relationshipOn(P)).toMatchObject({ enableAuth: true, partnerServer: S });
    expect(await transcript.exportState("after up")).toContain("ciphertext");
    await transcript.run("stack output", project.run(["stack", "output", "--json", "--stack", project.stack]));
  });

  it("a drift preview, a refresh and the repairing up print no secret", async () => {
    await editServer(dir, S, (s) => {
      s.relationships.find((r) => r.name === options.name)!.loadBalancePercent = 50;
    });
    const preview = await transcript.run("preview --diff (drift)", project.preview(["--diff"]));
    expect(preview.output).toContain("on dhcp2, loadBalancePercent is 50, the program wants 60");
    await transcript.run("refresh", project.refresh());
    await transcript.exportState("after refresh");
    await transcript.run("up --diff (repair)", project.run(["up", "--yes", "--diff", "--stack", project.stack]));
    expect((await relationshipOn(S))!.loadBalancePercent).toBe(40);
  });

  it("a rotated secret is noticed by its hash and sent to both servers, shown by neither preview nor up", async () => {
    const digest = (await relationshipOn(P))!.sharedSecretDigest;
    await project.setConfig("sharedSecret", rotated, { secret: true });
    const preview = await transcript.run("preview --diff (rotated secret)", project.preview(["--diff"]));
    expect(preview.output).toContain("the secret windows.sharedSecret changed");
    await transcript.run("up --diff (rotated secret)", project.run(["up", "--yes", "--diff", "--stack", project.stack]));
    expect((await relationshipOn(P))!.sharedSecretDigest).not.toBe(digest);
    expect((await relationshipOn(S))!.sharedSecretDigest).toBe((await relationshipOn(P))!.sharedSecretDigest);
  });

  it("destroy, and the state after it, hold no secret; no run printed one", async () => {
    await transcript.run("destroy", project.destroy());
    await transcript.exportState("after destroy");
    expect(transcript.texts.map((t) => t.label)).toEqual(RUNS);
    expect(transcript.leaks(secrets)).toEqual([]);
  });
});
