// Secrets end to end for ISC dhcpd on the lab, through the real CLI: after up, a drift preview, refresh and
// destroy, neither plain `pulumi stack export` nor anything any run printed holds the SSH private key or an
// OMAPI secret, in any form.
import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLabInfo, resetLab, type LabInfo } from "../../lab/index.ts";
import { PulumiProject } from "../../support/pulumiProject.ts";
import { configureIscSecrets, iscProgram } from "../support/iscProgram.ts";
import { privateKeyForms, secretForms, Transcript, type SecretSpec } from "../support/secretAudit.ts";

const RUNS = ["up", "up (trigger)", "stack export after up", "stack output", "preview --diff (drift)", "refresh", "stack export after refresh", "up --diff (repair)", "destroy", "stack export after destroy"];

describe("ISC secrets never in plaintext, from up to destroy", () => {
  let info: LabInfo;
  let project: PulumiProject;
  let transcript: Transcript;
  let secrets: SecretSpec[];

  beforeAll(async () => {
    await resetLab();
    info = readLabInfo();
    secrets = [
      privateKeyForms("SSH private key", fs.readFileSync(info.ssh.keys.admin, "utf8")),
      ...info.isc.servers.map((s) => secretForms(`OMAPI secret of ${s.name}`, s.omapi.secret)),
    ];
    project = await PulumiProject.create("isc-secrets", iscProgram(info, { memberships: { served: { scope: info.isc.subnet } } }));
    transcript = new Transcript(project);
    await configureIscSecrets(project, info);
  });

  afterAll(async () => {
    await project?.destroy({ allowFailure: true });
    project?.remove();
  });

  it("keeps the connection secrets in state, encrypted: --show-secrets reveals them, so the checks can find them", async () => {
    await transcript.run("up", project.up());
    // The trigger copies a scope of the relationship: it comes once the membership has put the scope in it.
    project.writeProgram(iscProgram(info, { memberships: { served: { scope: info.isc.subnet } }, triggers: { sync: { source: "isc1", level: "scope", scopes: [info.isc.subnet], triggers: [1] } } }));
    await transcript.run("up (trigger)", project.up());
    const revealed = (await project.run(["stack", "export", "--show-secrets", "--stack", project.stack])).stdout;
    for (const secret of secrets) expect(secret.forms.some((form) => revealed.includes(form)), secret.name).toBe(true);
    expect(await transcript.exportState("after up")).toContain("ciphertext");
    await transcript.run("stack output", project.run(["stack", "output", "--json", "--stack", project.stack]));
  });

  it("a drift preview, a refresh that records the drift, and the repairing up print no secret", async () => {
    const file = info.isc.servers[1].configPath;
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("max-response-delay 30;", "max-response-delay 90;"));
    const preview = await transcript.run("preview --diff (drift)", project.preview(["--diff"]));
    expect(preview.output).toContain("on isc2, maxResponseDelay is 90, the program wants 30");
    await transcript.run("refresh", project.refresh());
    expect(await transcript.exportState("after refresh")).toMatch(/"maxResponseDelay": 90/);
    const repair = await transcript.run("up --diff (repair)", project.run(["up", "--yes", "--diff", "--stack", project.stack]));
    expect(fs.readFileSync(file, "utf8"), repair.output).toContain("max-response-delay 30;");
  });

  it("destroy, and the state after it, hold no secret; no run printed one", async () => {
    await transcript.run("destroy", project.destroy());
    await transcript.exportState("after destroy");
    expect(transcript.texts.map((t) => t.label)).toEqual(RUNS);
    expect(transcript.leaks(secrets)).toEqual([]);
  });
});
