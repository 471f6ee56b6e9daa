import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { demoStacks, describeDemoStacks } from "../../lab/demoState.ts";

/** A file backend's stack file, shaped as the Pulumi CLI writes one (a checkpoint with its latest deployment). */
function writeStack(stateDir: string, project: string, stack: string, types: string[]): void {
  const dir = path.join(stateDir, ".pulumi", "stacks", project);
  fs.mkdirSync(dir, { recursive: true });
  const resources = types.map((type, i) => ({ urn: `urn:pulumi:${stack}::${project}::${type}::r${i}`, type }));
  fs.writeFileSync(path.join(dir, `${stack}.json`), JSON.stringify({ version: 3, checkpoint: { stack, latest: { resources } } }));
}

describe("the demo's stacks that lab down reports", () => {
  const dirs: string[] = [];
  const stateDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "demo-state-"));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  it("counts the resources on the servers, not the stack itself nor its providers", () => {
    const dir = stateDir();
    writeStack(dir, "dhcp-failover-demo", "lab", ["pulumi:pulumi:Stack", "pulumi:providers:pulumi-nodejs", "pulumi-nodejs:dynamic:Resource", "pulumi-nodejs:dynamic:Resource"]);
    expect(demoStacks(dir)).toEqual([{ name: "dhcp-failover-demo/lab", resources: 2 }]);
    expect(describeDemoStacks(demoStacks(dir), dir)).toMatch(/^the demo's stack dhcp-failover-demo\/lab \(2 resources\) lived on these servers: .* removed without a destroy/);
  });

  it("says nothing of a destroyed stack, nor of a state that does not exist", () => {
    const dir = stateDir();
    writeStack(dir, "dhcp-failover-demo", "lab", ["pulumi:pulumi:Stack"]);
    fs.writeFileSync(path.join(dir, ".pulumi", "stacks", "dhcp-failover-demo", "lab.json.bak"), "not read");
    expect(demoStacks(dir)).toEqual([]);
    expect(describeDemoStacks([], dir)).toBeNull();
    expect(demoStacks(path.join(dir, "missing"))).toEqual([]);
  });
});
