// node-powershell's debug logging (DEBUG=* or PWSH*) must not print a script, which carries the Windows
// shared secret (issue 12 item 4). The session runs the repository's pwsh emulator.
import { createRequire } from "node:module";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LocalPowerShellSession, oneLineInvocation } from "../../../src/transports/powershell";

// The `debug` package child-shell logs through (no types of its own in this repository).
const debug = createRequire(import.meta.url)("debug") as { enable(namespaces: string): void; disable(): string };
const EMULATOR = resolve(import.meta.dirname, "../../emulator/pwsh-emulator");

describe("the local PowerShell transport under DEBUG=*", () => {
  let dir: string | undefined;
  afterEach(() => {
    vi.restoreAllMocks();
    debug.disable();
    if (dir) rmSync(dir, { recursive: true, force: true });
    delete process.env.WINEMU_STATE_DIR;
  });

  it("prints neither the script nor its output", async () => {
    dir = mkdtempSync(join(tmpdir(), "pwsh-logging-"));
    process.env.WINEMU_STATE_DIR = dir;
    debug.enable("*");
    const printed: string[] = [];
    vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(" ")));
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => (printed.push(String(chunk)), true));
    const script = "$secret = 'Sh4redSecretValue'; Write-Output $secret";
    const session = LocalPowerShellSession.start(EMULATOR, "dhcp1");
    try {
      await session.run(script, 20_000).catch(() => undefined);
    } finally {
      await session.close();
    }
    const encoded = oneLineInvocation(script).match(/'([A-Za-z0-9+/=]+)'/)![1]!;
    const all = printed.join("\n");
    expect(all).toContain("shell process started");
    expect(all).not.toContain(encoded.slice(0, 40));
    expect(all).not.toContain("Sh4redSecretValue");
  });
});
