// `npm run pulumi -- ARGS`: the real Pulumi CLI, offline, on the repository's Pulumi.yaml (the demo), with a
// local file backend outside the repo. An existing PULUMI_BACKEND_URL / PULUMI_HOME / PULUMI_CONFIG_PASSPHRASE is respected.
import { spawnSync } from "node:child_process";
import { projectPulumiEnv, repoRoot } from "./pulumiCli.ts";

const result = spawnSync("pulumi", process.argv.slice(2), { cwd: repoRoot, env: projectPulumiEnv(), stdio: "inherit" });
if (result.error) throw result.error;
process.exitCode = result.status ?? 1;
