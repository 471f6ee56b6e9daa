// `npm run demo` whatever ran before it on the machine: a second run, `npm run lab -- down`, `npm run demo --
// destroy`, a run killed halfway, a second clone and back. Each step is the real `npm run demo` (bootstrap,
// build, lab, the real Pulumi CLI) with the demo's own state: the one in the lab's directory.
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLabInfo, resetLab } from "../lab/index.ts";
import { repoRoot } from "../../scripts/pulumiCli.ts";
import { keaSecrets, runningConfig } from "./kea/keaLab.ts";
import { iscSecrets } from "./support/iscProgram.ts";

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/** Runs an npm script in `cwd`, in its own process group so that `interruptWhen` can kill the whole run. */
function npm(cwd: string, args: string[], interruptWhen?: RegExp): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "--silent", ...args], { cwd, env: demoEnv(), stdio: ["ignore", "pipe", "pipe"], detached: true });
    let output = "";
    const collect = (chunk: Buffer) => {
      output += chunk;
      // As a closed terminal or kill -9 would: pulumi, its language host and the provider get no chance to clean up.
      if (interruptWhen?.test(output)) process.kill(-child.pid!, "SIGKILL");
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    const timer = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), 540_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output });
    });
  });
}

/** A person's environment: no backend, home or passphrase of the test's own, so the demo uses its defaults. */
function demoEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ["PULUMI_BACKEND_URL", "PULUMI_HOME", "PULUMI_CONFIG_PASSPHRASE"]) delete env[name];
  // The run's globalSetup holds this clone's run lock; the demo must not wait for it.
  return { ...env, PULUMI_DHCP_FAILOVER_LAB_HELD: "1" };
}

const timings: string[] = [];
const outputs: string[] = [];

async function demo(cwd: string, ...args: string[]): Promise<string> {
  const started = performance.now();
  const result = await npm(cwd, ["demo", "--", ...args]);
  timings.push(`${cwd === repoRoot ? "" : "second clone: "}demo ${args.join(" ")}: ${((performance.now() - started) / 1000).toFixed(0)} s`);
  outputs.push(result.output);
  expect(result.code, result.output).toBe(0);
  return result.output;
}

/** Both pairs in their failover states in the live view, and a lease from each. */
function expectFailover(output: string): void {
  expect(output).toMatch(/NAME +VENDOR +MODE +PRIMARY +STATE +SECONDARY +STATE/);
  expect(output).toMatch(/campus +isc +load-balance \(split 128\/256\) +isc1 +normal +isc2 +normal/);
  expect(output).toMatch(/branch +kea +load-balancing +kea1 +load-balancing +kea2 +load-balancing/);
  expect(output).toMatch(/the isc pair's client holds 10\.231\.1\.\d+ from server 10\.231\.1\.1[12]/);
  expect(output).toMatch(/the kea pair's client holds 10\.231\.2\.\d+ from server 10\.231\.2\.1[12]/);
}

/** The repository's tracked and untracked (not ignored) files, as a fresh clone has them, with node_modules hard-linked. */
function secondClone(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pdf-clone-"));
  const listing = spawnText("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"]);
  for (const file of listing.split("\0").filter((f) => f !== "" && fs.existsSync(path.join(repoRoot, f)))) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.cpSync(path.join(repoRoot, file), path.join(dir, file));
  }
  spawnText("cp", ["-al", path.join(repoRoot, "node_modules"), path.join(dir, "node_modules")]);
  // As if its own npm ci had run after the checkout: bootstrap reinstalls when package-lock.json is newer.
  const installed = fs.statSync(path.join(dir, "node_modules", ".package-lock.json")).mtime;
  fs.utimesSync(path.join(dir, "package-lock.json"), installed, installed);
  return dir;
}

function spawnText(command: string, args: string[]): string {
  const result = spawnSync(command, args, { cwd: repoRoot, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed: ${result.stderr}`);
  return result.stdout;
}

describe("npm run demo succeeds whatever came before it", () => {
  let clone: string | undefined;
  const started = performance.now();

  beforeAll(() => {
    clone = secondClone();
  });

  afterAll(async () => {
    await npm(repoRoot, ["demo", "--", "destroy"]);
    if (clone) fs.rmSync(clone, { recursive: true, force: true });
    console.log(`demo sequences: ${((performance.now() - started) / 1000).toFixed(0)} s\n  ${timings.join("\n  ")}`);
  });

  it("runs, and a second run on the running lab changes nothing", async () => {
    expectFailover(await demo(repoRoot));
    const again = await demo(repoRoot);
    expectFailover(again);
    expect(again).toMatch(/\d+ unchanged/);
    expect(again).not.toMatch(/\d+ (created|updated|deleted|replaced)/);
  });

  it("after `npm run lab -- down`, which says that the demo's stack goes with the lab", async () => {
    const down = await npm(repoRoot, ["lab", "--", "down"]);
    expect(down.code, down.output).toBe(0);
    expect(down.output).toMatch(/the demo's stack dhcp-failover-demo\/lab \(6 resources\) lived on these servers: it goes with them, and its state \(\.lab\/pulumi-state\) is removed/);
    const output = await demo(repoRoot);
    expect(output).toMatch(/\+ +7 created/);
    expectFailover(output);
  });

  it("after `npm run demo -- destroy`, and after a destroy killed halfway", async () => {
    await demo(repoRoot, "destroy");
    const output = await demo(repoRoot);
    expect(output).toMatch(/\+ +7 created/);
    expectFailover(output);
    const killed = await npm(repoRoot, ["demo", "--", "destroy"], /campus-users +deleting/);
    expect(killed.signal, killed.output).toBe("SIGKILL");
    const after = await demo(repoRoot);
    expect(after).toMatch(/the last run did not finish/);
    expectFailover(after);
  });

  it("from a second clone, and back in the first", async () => {
    expectFailover(await demo(clone!));
    expectFailover(await demo(repoRoot));
  });

  it("destroy gives the servers back their starting configuration, and no run printed a secret", async () => {
    await demo(repoRoot, "destroy");
    const info = readLabInfo();
    for (const server of info.isc.servers) {
      expect(fs.readFileSync(server.configPath, "utf8")).toBe(fs.readFileSync(server.pristineConfigPath, "utf8"));
    }
    // Kea answers config-get with every default filled in: compare with what the lab's own starting file gives.
    const afterDestroy = await Promise.all(info.kea.servers.map(runningConfig));
    await resetLab();
    expect(afterDestroy).toEqual(await Promise.all(info.kea.servers.map(runningConfig)));
    const text = outputs.join("\n");
    for (const secret of [...iscSecrets(info), ...keaSecrets(info)]) expect(text).not.toContain(secret);
  });
});
