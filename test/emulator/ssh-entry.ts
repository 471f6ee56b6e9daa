// sshd's forced command for the lab's `winemu` key: stands in for Windows OpenSSH running one long-lived
// `powershell -NoProfile -NonInteractive -Command -` that reads its statements from the channel's stdin, one
// per line, until stdin ends (the SSH transport's session protocol).
// Usage: node ssh-entry.ts --state <dir>   (SSH_ORIGINAL_COMMAND holds what the client asked to run)
import { EmulatedSession, SessionEnd, serveLines } from "./host.ts";

function fail(message: string): never {
  process.stderr.write(`winemu: refused: ${message}\n`);
  process.exit(1);
}

const stateIndex = process.argv.indexOf("--state");
const stateDir = stateIndex >= 0 ? process.argv[stateIndex + 1] : undefined;
if (!stateDir) fail("usage: ssh-entry.ts --state <dir>");

const requested = process.env.SSH_ORIGINAL_COMMAND ?? "";
const [executable, ...options] = requested.trim().split(/\s+/);
if (!executable || !/^(powershell|pwsh)(\.exe)?$/i.test(executable.split(/[\\/]/).pop() ?? "")) {
  fail(`this key may only run powershell, not ${JSON.stringify(requested.slice(0, 80))}`);
}
const expected = "expected -NoProfile -NonInteractive -Command -";
let readsStdin = false;
for (let i = 0; i < options.length; i++) {
  const option = options[i]!;
  if (/^-(NoProfile|NonInteractive|NoLogo)$/i.test(option)) continue;
  if (/^-(Command|c)$/i.test(option) && options[i + 1] === "-" && i + 2 === options.length) {
    readsStdin = true;
    break;
  }
  fail(`the option ${JSON.stringify(option)} is not modelled (${expected})`);
}
if (!readsStdin) fail(`only a session reading its commands from stdin is modelled (${expected})`);

// The channel's stdin is the session's command stream: a statement reading [Console]::In would eat the next commands.
await serveLines(
  new EmulatedSession(
    stateDir,
    () => {
      throw new SessionEnd("a statement reading [Console]::In is not modelled: stdin holds the session's commands");
    },
    "ssh",
  ),
);
