// sshd's forced command for the lab's `winemu` key: stands in for Windows OpenSSH running
// `powershell -NoProfile -NonInteractive -EncodedCommand <base64 UTF-16LE>`, with the script's stdin.
// Usage: node ssh-entry.ts --state <dir>   (SSH_ORIGINAL_COMMAND holds what the client asked to run)
import { readFileSync } from "node:fs";
import { EmulatedSession } from "./host.ts";

function fail(message: string): never {
  process.stderr.write(`winemu: refused: ${message}\n`);
  process.exit(1);
}

const stateIndex = process.argv.indexOf("--state");
const stateDir = stateIndex >= 0 ? process.argv[stateIndex + 1] : undefined;
if (!stateDir) fail("usage: ssh-entry.ts --state <dir>");

const requested = process.env.SSH_ORIGINAL_COMMAND ?? "";
const words = requested.trim().split(/\s+/);
const [executable, ...options] = words;
if (!executable || !/^(powershell|pwsh)(\.exe)?$/i.test(executable.split(/[\\/]/).pop() ?? "")) {
  fail(`this key may only run powershell, not ${JSON.stringify(requested.slice(0, 80))}`);
}
let encoded: string | undefined;
for (let i = 0; i < options.length; i++) {
  const option = options[i]!;
  if (/^-(NoProfile|NonInteractive|NoLogo)$/i.test(option)) continue;
  if (/^-(EncodedCommand|enc|e|ec)$/i.test(option) && options[i + 1] !== undefined && i + 2 === options.length) {
    encoded = options[i + 1];
    break;
  }
  fail(`the option ${JSON.stringify(option)} is not modelled (expected -NoProfile -NonInteractive -EncodedCommand <base64>)`);
}
if (encoded === undefined || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) fail("expected -EncodedCommand with base64 text");

const script = Buffer.from(encoded, "base64").toString("utf16le");
let stdinText: string | undefined;
const session = new EmulatedSession(stateDir, () => (stdinText ??= readFileSync(0, "utf8")));
const output = await session.run(script);
process.stdout.write(output.stdout);
process.stderr.write(output.stderr);
process.exitCode = output.exitCode;
