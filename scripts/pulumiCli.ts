// Finds or builds the real Pulumi CLI and its Node.js language host, and builds the environment that runs
// them offline. The npm package `pulumi` only downloads from the internet, so where the binaries are not on
// PATH they are built once from Go modules into a cache outside the repo (see tools/*/go.mod for why wrappers).
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { demoStateDir } from "../test/lab/paths.ts";

export const repoRoot = path.resolve(import.meta.dirname, "..");
const toolsDir = path.join(repoRoot, "tools");
const nodeBin = path.join(repoRoot, "node_modules", ".bin");

/** The @pulumi/pulumi version the project is pinned to; the CLI must be built at the same release. */
export function sdkVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, "node_modules/@pulumi/pulumi/package.json"), "utf8"));
  return pkg.version as string;
}

function requiredModuleVersion(goModDir: string, modulePath: string): string {
  const goMod = fs.readFileSync(path.join(toolsDir, goModDir, "go.mod"), "utf8");
  const match = new RegExp(`^\\s*${modulePath.replace(/[./]/g, "\\$&")} (v[^\\s]+)`, "m").exec(goMod);
  if (!match?.[1]) throw new Error(`tools/${goModDir}/go.mod does not require ${modulePath}`);
  return match[1];
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      continue;
    }
  }
  return undefined;
}

function cacheDir(version: string): string {
  const base = process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache");
  return path.join(base, "pulumi-dhcp-failover", `pulumi-v${version}`, "bin");
}

/** Go from PATH, or fetched once into the cache by scripts/go-toolchain.sh (the same step .ci/run takes). */
function goBinary(): string {
  const found = spawnSync("bash", [path.join(repoRoot, "scripts", "go-toolchain.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  if (found.status !== 0) throw new Error("no Go toolchain to build the Pulumi CLI with (scripts/go-toolchain.sh failed: see above)");
  return path.join(found.stdout.trim(), "go");
}

function goBuild(moduleDir: string, importPath: string, version: string, output: string): void {
  const env = {
    ...process.env,
    GOFLAGS: "-mod=readonly",
    // The checksum database is not reachable from every network; go.sum pins every module instead.
    GONOSUMDB: "*",
    GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? "auto",
  };
  const started = Date.now();
  process.stderr.write(`building ${path.basename(output)} ${version} from Go modules (first run only, a few minutes)...\n`);
  const result = spawnSync(
    goBinary(),
    ["build", "-o", output, "-ldflags", `-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${version}`, importPath],
    { cwd: path.join(toolsDir, moduleDir), env, stdio: ["ignore", "inherit", "inherit"] },
  );
  if (result.error) {
    throw new Error(`cannot run go to build the Pulumi CLI (${result.error.message}): install Go 1.21 or newer, or put pulumi and pulumi-language-nodejs on PATH`);
  }
  if (result.status !== 0) {
    throw new Error(`go build ${importPath} failed with exit code ${result.status}: see the output above`);
  }
  process.stderr.write(`built ${path.basename(output)} in ${Math.round((Date.now() - started) / 1000)} s\n`);
}

/** Takes an exclusive lock by creating a directory, so that parallel test processes build only once. */
function withBuildLock<T>(dir: string, fn: () => T): T {
  const lock = path.join(dir, ".build-lock");
  fs.mkdirSync(dir, { recursive: true });
  const deadline = Date.now() + 30 * 60_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const age = Date.now() - fs.statSync(lock).mtimeMs;
      if (age > 30 * 60_000) fs.rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}: remove it if no build is running`);
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Returns a directory holding pulumi, pulumi-language-nodejs and pulumi-resource-pulumi-nodejs.
 * The shim sits next to the CLI because the CLI warns when a bundled plugin comes from elsewhere on PATH.
 */
export function ensurePulumiCli(): string {
  const version = sdkVersion();
  const cliVersion = requiredModuleVersion("pulumi-cli", "github.com/pulumi/pulumi/pkg/v3");
  if (cliVersion !== `v${version}`) {
    throw new Error(`tools/pulumi-cli/go.mod builds the CLI at ${cliVersion} but @pulumi/pulumi is ${version}: keep them equal`);
  }
  const ambientCli = onPath("pulumi");
  if (ambientCli && onPath("pulumi-language-nodejs") && !ambientCli.startsWith(nodeBin)) {
    return path.dirname(ambientCli);
  }
  const dir = cacheDir(version);
  const cli = path.join(dir, "pulumi");
  const host = path.join(dir, "pulumi-language-nodejs");
  const shim = path.join(dir, "pulumi-resource-pulumi-nodejs");
  if (fs.existsSync(cli) && fs.existsSync(host) && fs.existsSync(shim)) return dir;
  return withBuildLock(dir, () => {
    if (!fs.existsSync(cli)) {
      goBuild("pulumi-cli", "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi", `v${version}`, `${cli}.tmp`);
      fs.renameSync(`${cli}.tmp`, cli);
    }
    if (!fs.existsSync(host)) {
      const hostVersion = requiredModuleVersion("pulumi-language-nodejs", "github.com/pulumi/pulumi/sdk/v3");
      goBuild("pulumi-language-nodejs", "github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs", hostVersion, `${host}.tmp`);
      fs.renameSync(`${host}.tmp`, host);
    }
    fs.copyFileSync(path.join(repoRoot, "node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"), `${shim}.tmp`);
    fs.chmodSync(`${shim}.tmp`, 0o755);
    fs.renameSync(`${shim}.tmp`, shim);
    return dir;
  });
}

export interface PulumiEnvOptions {
  /** Directory for the local file backend's state. */
  stateDir: string;
  /** PULUMI_HOME: plugins, credentials and workspace settings. */
  homeDir: string;
  passphrase?: string;
  extra?: Record<string, string>;
}

/** The environment that runs the real CLI offline, with the project's Node 22 first on PATH. */
export function pulumiEnv(options: PulumiEnvOptions): NodeJS.ProcessEnv {
  const cliDir = ensurePulumiCli();
  fs.mkdirSync(options.stateDir, { recursive: true });
  fs.mkdirSync(options.homeDir, { recursive: true });
  return {
    ...process.env,
    PATH: [cliDir, nodeBin, process.env.PATH ?? ""].join(path.delimiter),
    PULUMI_HOME: options.homeDir,
    PULUMI_BACKEND_URL: `file://${options.stateDir}`,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_CONFIG_PASSPHRASE: options.passphrase ?? process.env.PULUMI_CONFIG_PASSPHRASE ?? "",
    ...options.extra,
  };
}

/**
 * The environment of the repository's own Pulumi project (Pulumi.yaml: the demo), unless PULUMI_BACKEND_URL
 * (file://) or PULUMI_HOME say otherwise. The state lives in the lab's directory (demoStateDir): a stack
 * kept elsewhere outlives the lab it was made on, and its next run tries to delete resources on servers
 * that are gone, behind host keys that changed. PULUMI_HOME (plugins, settings) holds no stack, so it is
 * shared in the temporary directory.
 */
export function projectPulumiEnv(): NodeJS.ProcessEnv {
  const backend = process.env.PULUMI_BACKEND_URL;
  return pulumiEnv({
    stateDir: backend?.startsWith("file://") ? backend.slice("file://".length) : demoStateDir,
    homeDir: process.env.PULUMI_HOME ?? path.join(os.tmpdir(), `pulumi-dhcp-failover-${os.userInfo().username}`, "home"),
  });
}

/** The CLI's own version line, for reports. */
export function pulumiVersion(env: NodeJS.ProcessEnv): string {
  return execFileSync("pulumi", ["version"], { env, encoding: "utf8" }).trim();
}
