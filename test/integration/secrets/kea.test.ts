// Secrets end to end for Kea on the lab, through the real CLI: after up, a preview and a refresh while a peer
// password was changed by hand, the repairing up and destroy, neither plain `pulumi stack export` nor anything
// any run printed holds a control API password, an HA peer basic-auth password or the hand-typed one.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLabInfo, type LabInfo } from "../../lab/index.ts";
import { PulumiProject } from "../../support/pulumiProject.ts";
import { configureKeaSecrets, haEntry, handEdit, keaProgram, resetKeaPair, runningConfig, waitForHaState, type Json } from "../kea/keaLab.ts";
import { basicAuthForms, secretForms, Transcript, type SecretSpec } from "../support/secretAudit.ts";

const RUNS = ["up", "stack export after up", "stack output", "preview --diff (hand-typed password)", "refresh", "stack export after refresh", "up --diff (repair)", "destroy", "stack export after destroy"];

describe("Kea secrets never in plaintext, from up to destroy", () => {
  let info: LabInfo;
  let project: PulumiProject;
  let transcript: Transcript;
  let secrets: SecretSpec[];
  const handTyped = `hand-typed-${randomBytes(8).toString("hex")}`;
  const peerOfKea2 = (config: { [key: string]: Json }) => (haEntry(config)!.peers as Array<{ [key: string]: Json }>).find((peer) => peer.name === "kea2")!;

  beforeAll(async () => {
    info = readLabInfo();
    await resetKeaPair(info);
    // In the lab, each server's control API password is also the HA peer basic-auth password its partner uses.
    secrets = [
      ...info.kea.servers.map((s) => basicAuthForms(`API and HA peer password of ${s.name}`, s.auth.user, s.auth.password)),
      secretForms("hand-typed HA peer password", handTyped),
    ];
    project = await PulumiProject.create("kea-secrets", keaProgram(info, { mode: "load-balancing", memberships: [info.kea.subnet] }));
    transcript = new Transcript(project);
    await configureKeaSecrets(project, info);
  });

  afterAll(async () => {
    await project?.destroy({ allowFailure: true });
    project?.remove();
  });

  it("keeps the API passwords in state, encrypted: --show-secrets reveals them, so the checks can find them", async () => {
    await transcript.run("up", project.up());
    const revealed = (await project.run(["stack", "export", "--show-secrets", "--stack", project.stack])).stdout;
    for (const server of info.kea.servers) expect(revealed.includes(server.auth.password), server.name).toBe(true);
    expect(await transcript.exportState("after up")).toContain("ciphertext");
    await transcript.run("stack output", project.run(["stack", "output", "--json", "--stack", project.stack]));
  });

  it("a peer password changed by hand shows only as differing in preview and refresh, and up puts the declared one back", async () => {
    const kea1 = info.kea.servers[0];
    await handEdit(kea1, (dhcp4) => {
      peerOfKea2({ Dhcp4: dhcp4 })["basic-auth-password"] = handTyped;
    });
    const preview = await transcript.run("preview --diff (hand-typed password)", project.preview(["--diff"]));
    expect(preview.output).toContain("on kea1, high-availability.peers.kea2.basic-auth-password differs from the program's secret (neither value is shown)");
    await transcript.run("refresh", project.refresh());
    await transcript.exportState("after refresh");
    await transcript.run("up --diff (repair)", project.run(["up", "--yes", "--diff", "--stack", project.stack]));
    expect(peerOfKea2(await runningConfig(kea1))["basic-auth-password"]).toBe(info.kea.servers[1].auth.password);
    for (const server of info.kea.servers) expect(await waitForHaState(server, "load-balancing")).toBe("load-balancing");
  });

  it("destroy, and the state after it, hold no secret; no run printed one", async () => {
    await transcript.run("destroy", project.destroy());
    await transcript.exportState("after destroy");
    expect(transcript.texts.map((t) => t.label)).toEqual(RUNS);
    expect(transcript.leaks(secrets)).toEqual([]);
  });
});
