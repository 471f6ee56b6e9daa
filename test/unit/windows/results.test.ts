// What scripts print is validated before it is believed, and cmdlet errors keep the cmdlet's own text.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScript } from "../../../src/backends/windows/client";
import { envelope, scopeIdList, serverRead } from "../../../src/backends/windows/results";
import type { WindowsServer } from "../../../src/backends/windows/schema";
import { script } from "../../../src/backends/windows/scripts";
import { operationContext } from "../../../src/provider/context";
import { localPowerShellKey, type PowerShellOutput } from "../../../src/transports/powershell";
import { EmulatedSession } from "../../emulator/host.ts";
import { addServers, scope } from "../../emulator/setup.ts";

/** A server whose pooled session prints `stdout`, as a transport would return it (the run's pool is shared: one executable per test). */
function contextPrinting(executable: string, stdout: string, stderr = "") {
  const { ctx, done } = operationContext("test", []);
  const scripts: string[] = [];
  const server: WindowsServer = { name: "dhcp1", computerName: "dhcp1", connection: { local: { executable, computerName: "dhcp1" } } };
  void ctx.connections.get(localPowerShellKey(executable, "dhcp1"), async () => ({
    run: async (text: string): Promise<PowerShellOutput> => {
      scripts.push(text);
      return { stdout, stderr };
    },
    close: () => undefined,
  }));
  return { ctx, done, scripts, server };
}

describe("script results", () => {
  it("accepts what the emulator's read prints, and rejects a different shape", async () => {
    const dir = mkdtempSync(join(tmpdir(), "winemu-results-"));
    try {
      await addServers(dir, [{ computerName: "dhcp1", scopes: [scope("10.0.1.0")] }]);
      const output = await new EmulatedSession(dir).run(script("readServer", { computerName: "dhcp1" }).text);
      const parsed = envelope(serverRead).parse(JSON.parse(output.stdout));
      expect(parsed).toMatchObject({ ok: true, result: { version: { major: 10 }, relationships: [], scopes: [{ scopeId: "10.0.1.0", state: "Active" }] } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(envelope(serverRead).safeParse({ ok: true, result: { version: "10.0", relationships: [], scopes: [], statistics: [] } }).success).toBe(false);
    expect(envelope(scopeIdList).safeParse({ ok: false, step: "x", message: "y" }).success).toBe(false);
  });

  it("turns a cmdlet's failure into an error naming the server and the cmdlet, with its own text and what to do", async () => {
    const failure = { ok: false, step: "Add-DhcpServerv4Failover", message: "Access is denied.", errorId: "WIN32 5,Add-DhcpServerv4Failover" };
    const { ctx, done, server } = contextPrinting("pwsh-denied", `noise from a profile\n${JSON.stringify(failure)}\n`);
    try {
      const error = await runScript(ctx, server, "removeFailover", { name: "rel" }, scopeIdList).catch((e: Error) => e);
      expect((error as Error).message).toBe(
        "dhcp1 (dhcp1): Add-DhcpServerv4Failover failed: Access is denied. (WIN32 5,Add-DhcpServerv4Failover). " +
          "Run as a member of DHCP Administrators on both servers. The failover cmdlets also configure the partner with the session's credentials: " +
          "a local session needs Kerberos delegation or CredSSP for that second hop, and PowerShell over SSH needs a password logon (a key logon has no credentials for another computer).",
      );
    } finally {
      await done();
    }
  });

  it("says what came back when a script printed nothing it understands", async () => {
    const { ctx, done, scripts, server } = contextPrinting("pwsh-garbage", "Get-DhcpServerv4Failover : The term is not recognized", "CommandNotFoundException");
    try {
      await expect(runScript(ctx, server, "readServer", {}, serverRead)).rejects.toThrow(
        /dhcp1 \(dhcp1\): Get-DhcpServerv4Failover returned no result this library understands\. Output: .*The term is not recognized.*CommandNotFoundException.*RSAT-DHCP/,
      );
      expect(scripts).toHaveLength(1);
    } finally {
      await done();
    }
  });
});
