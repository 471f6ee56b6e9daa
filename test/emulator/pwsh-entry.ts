// What node-powershell starts as its "pwsh": reads programs line by line from stdin (`-Command -`), runs each
// in one session, and writes what a real pwsh would: the command's output and node-powershell's delimiters.
// The state directory comes from WINEMU_STATE_DIR, or from the lab's description (.lab/lab.json).
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { EmulatedSession, SessionEnd, serveLines } from "./host.ts";

function fail(message: string): never {
  process.stderr.write(`winemu: refused: ${message}\n`);
  process.exit(1);
}

const allowed = /^-(NoLogo|NoExit|NoProfile|NonInteractive)$/i;
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const arg = args[i]!;
  if (allowed.test(arg)) continue;
  if (/^-Command$/i.test(arg) && args[i + 1] === "-") {
    i++;
    continue;
  }
  fail(`the argument ${JSON.stringify(arg)} is not modelled (node-powershell passes -NoLogo -NoProfile -NonInteractive -NoExit -Command -)`);
}

function stateDir(): string {
  if (process.env.WINEMU_STATE_DIR) return process.env.WINEMU_STATE_DIR;
  const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
  try {
    return (JSON.parse(readFileSync(join(repo, ".lab", "lab.json"), "utf8")) as { winemu: { stateDir: string } }).winemu.stateDir;
  } catch {
    return fail("set WINEMU_STATE_DIR, or bring the lab up (npm run lab -- up)");
  }
}

await serveLines(
  new EmulatedSession(stateDir(), () => {
    throw new SessionEnd("a statement reading [Console]::In is not modelled: stdin holds the session's commands");
  }),
);
