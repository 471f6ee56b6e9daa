// The provider process resolves `pulumi-dhcp-failover/handlers` from @pulumi/pulumi's own location in
// node_modules, exactly as it would in a consumer's project. For the programs in this repository (the
// demo, examples, tests and benchmarks) this link makes the package installed in its own node_modules.
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "./pulumiCli.ts";

const link = path.join(repoRoot, "node_modules", "pulumi-dhcp-failover");
let current: string | undefined;
try {
  current = fs.readlinkSync(link);
} catch {
  current = undefined;
}
if (current !== "..") {
  fs.rmSync(link, { recursive: true, force: true });
  fs.symlinkSync("..", link);
}
