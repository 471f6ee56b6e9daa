// `npm test`: everything a change must pass, in the order that fails fastest: build, lint, typecheck,
// then unit tests and the integration tests against the lab's real servers through the real Pulumi CLI.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ensurePulumiCli, repoRoot } from "./pulumiCli.ts";

const bin = (name: string) => path.join(repoRoot, "node_modules", ".bin", name);

function step(title: string, command: string, args: string[]): void {
  process.stdout.write(`\n== ${title}\n`);
  const result = spawnSync(command, args, { cwd: repoRoot, stdio: "inherit" });
  if (result.status !== 0) {
    process.stdout.write(`\n${title} failed (exit ${result.status ?? result.signal})\n`);
    process.exit(1);
  }
}

step("build", "npm", ["run", "--silent", "build"]);
step("lint", bin("eslint"), ["."]);
step("typecheck", bin("tsc"), ["-p", "tsconfig.json", "--noEmit"]);
process.stdout.write("\n== pulumi CLI\n");
process.stdout.write(`${ensurePulumiCli()}\n`);

const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pdf-test-")), "vitest.json");
const extra = process.argv.slice(2);
process.stdout.write("\n== tests (unit, then the lab's real servers through the real CLI)\n");
const tests = spawnSync(bin("vitest"), ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...extra], {
  cwd: repoRoot,
  stdio: "inherit",
});

let summary = "";
if (fs.existsSync(report)) {
  const results = JSON.parse(fs.readFileSync(report, "utf8")) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };
  summary = `${results.numPassedTests} passed, ${results.numFailedTests} failed`;
  const skipped = results.numPendingTests + results.numTodoTests;
  if (skipped > 0) summary += `, ${skipped} skipped`;
}
process.stdout.write(`\ntests: ${summary || "no report (vitest did not finish)"}\n`);
process.exit(tests.status === 0 && summary !== "" ? 0 : 1);
