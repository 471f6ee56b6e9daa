// A fresh stack whose relationship and membership take inputs from a resource created in the same run:
// during preview those inputs are unknown, and so (travelling as one value) are all the secrets. Preview
// must pass check and plan the creations; `up` must then create them with the real values.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLabInfo, type LabInfo } from "../../lab/index.ts";
import { PulumiProject } from "../../support/pulumiProject.ts";
import { configureKeaSecrets, haEntry, keaProgram, resetKeaPair, runningConfig, subnetOf, type Json } from "./keaLab.ts";

/** A resource whose outputs are computed at create, so unknown during the preview of a fresh stack. */
const ECHO = `
class Echo extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly scope: pulumi.Output<string>;
  constructor(name: string, given: { name: string; scope: string }) {
    super({ create: async (inputs: any) => ({ id: "echo", outs: { given: inputs.given, ...inputs.given } }) }, name, { given, name: undefined, scope: undefined });
  }
}
`;

function programWithUnknowns(info: LabInfo): string {
  const program = keaProgram(info, { mode: "load-balancing", memberships: [info.kea.subnet] });
  const replaced = program
    .replace(`scope: ${JSON.stringify(info.kea.subnet)} }`, "scope: echo.scope }")
    .replace('vendor: "kea",', 'vendor: "kea",\n  name: echo.name,')
    .replace("const config = new pulumi.Config();", `const config = new pulumi.Config();\n${ECHO}\nconst echo = new Echo("echo", { name: "kea-later", scope: ${JSON.stringify(info.kea.subnet)} });`);
  if (!replaced.includes("name: echo.name") || !replaced.includes("scope: echo.scope")) throw new Error(`the Kea program changed shape:\n${program}`);
  return replaced;
}

describe("inputs unknown during preview, on a fresh stack (real CLI, Kea lab pair)", () => {
  let info: LabInfo;
  let project: PulumiProject;
  const baseline: Array<{ [key: string]: Json }> = [];

  beforeAll(async () => {
    info = readLabInfo();
    await resetKeaPair(info);
    for (const server of info.kea.servers) baseline.push(await runningConfig(server));
    project = await PulumiProject.create("kea-unknowns", programWithUnknowns(info));
    await configureKeaSecrets(project, info);
  });

  afterAll(async () => {
    await project?.destroy({ allowFailure: true });
    project?.remove();
  });

  it("preview passes check with the relationship's name and the membership's scope unknown, and changes nothing", async () => {
    const preview = await project.preview([], { allowFailure: true });
    expect(preview.output).not.toMatch(/is not a known property|give exactly one of|is required/);
    expect(preview.code, preview.output).toBe(0);
    expect(preview.output).toContain("+ 4 to create");
    for (const [index, server] of info.kea.servers.entries()) expect(await runningConfig(server)).toEqual(baseline[index]);
  });

  it("up creates them with the values the other resource produced", async () => {
    const up = await project.up({ allowFailure: true });
    expect(up.code, up.output).toBe(0);
    for (const server of info.kea.servers) {
      const config = await runningConfig(server);
      expect(haEntry(config)?.mode).toBe("load-balancing");
      expect(subnetOf(config, info.kea.subnet)).toBeDefined();
    }
    expect(JSON.stringify(await project.outputs())).toContain("load-balancing");
  });

  it("destroy gives back the original running configuration", async () => {
    const destroy = await project.destroy({ allowFailure: true });
    expect(destroy.code, destroy.output).toBe(0);
    for (const [index, server] of info.kea.servers.entries()) expect(await runningConfig(server)).toEqual(baseline[index]);
  });
});
