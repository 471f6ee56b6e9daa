// `npm run pulumi -- ARGS`: the real Pulumi CLI, offline, with a local file backend outside the repo.
// An existing PULUMI_BACKEND_URL / PULUMI_HOME / PULUMI_CONFIG_PASSPHRASE is respected.
import { spawnSync } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";
import { pulumiEnv, repoRoot } from "./pulumiCli.ts";

const base = path.join(os.tmpdir(), `pulumi-dhcp-failover-${os.userInfo().username}`);
const env = pulumiEnv({
  stateDir: process.env.PULUMI_BACKEND_URL?.startsWith("file://")
    ? process.env.PULUMI_BACKEND_URL.slice("file://".length)
    : path.join(base, "state"),
  homeDir: process.env.PULUMI_HOME ?? path.join(base, "home"),
});
const result = spawnSync("pulumi", process.argv.slice(2), { cwd: repoRoot, env, stdio: "inherit" });
if (result.error) throw result.error;
process.exitCode = result.status ?? 1;
