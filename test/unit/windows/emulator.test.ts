// The emulator of a pair of Windows DHCP servers: the documented cmdlet behaviour and errors the backend is
// verified against, and its refusal of anything it does not understand.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { addFailoverInput } from "../../../src/backends/windows/plan";
import { windowsTarget } from "../../../src/backends/windows/schema";
import { script, type ScriptKind } from "../../../src/backends/windows/scripts";
import { oneLineInvocation } from "../../../src/transports/powershell";
import { EmulatedSession } from "../../emulator/host.ts";
import { addServers, editServer, scope, server, setReachable } from "../../emulator/setup.ts";

let dir: string;
let session: EmulatedSession;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "winemu-"));
  session = new EmulatedSession(dir);
  await addServers(dir, [
    { computerName: "dhcp1", version: "2019", scopes: [scope("10.0.1.0"), scope("10.0.2.0"), scope("10.0.3.0")] },
    { computerName: "dhcp2", version: "2012", scopes: [scope("10.0.3.0")] },
    { computerName: "dhcp3", version: "2016" },
  ]);
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

const target = (extra: Record<string, unknown> = {}) =>
  windowsTarget.parse({
    vendor: "windows",
    name: "rel",
    primary: { name: "a", computerName: "dhcp1", connection: { local: { computerName: "dhcp1" } } },
    secondary: { name: "b", computerName: "dhcp2", connection: { local: { computerName: "dhcp2" } } },
    ...extra,
  });

async function run(kind: ScriptKind, input: Record<string, unknown>): Promise<{ ok: boolean; result?: unknown; message?: string; errorId?: string }> {
  // As the transports send it: a script block, so the script's own preference stays in its scope.
  const output = await session.run(oneLineInvocation(script(kind, input).text));
  expect(output.stderr).toBe("");
  return JSON.parse(output.stdout.trim());
}

const add = (scopeIds: string[], extra: Record<string, unknown> = {}, computerName = "dhcp1") =>
  run("addFailover", { computerName, ...addFailoverInput(target(extra), scopeIds) });

describe("the emulated DhcpServer cmdlets", () => {
  it("creates a relationship on both servers, copies the scope, and shows each side's own perspective", async () => {
    expect(await add(["10.0.1.0"], { windows: { loadBalancePercent: 70 } })).toEqual({ ok: true, result: true });
    const read = await run("readServer", { computerName: "dhcp2" });
    expect(read.result).toMatchObject({
      relationships: [{ name: "rel", partnerServer: "dhcp1", mode: "LoadBalance", loadBalancePercent: 30, scopeIds: ["10.0.1.0"], state: "Normal" }],
    });
    expect((await server(dir, "dhcp2")).scopes.map((s) => s.scopeId)).toEqual(["10.0.3.0", "10.0.1.0"]);
    expect((await server(dir, "dhcp1")).relationships[0]!.loadBalancePercent).toBe(70);
  });

  it("refuses a scope already in a relationship, a scope present on the partner, a duplicate name and IPv6", async () => {
    await add(["10.0.1.0"]);
    expect(await run("addFailoverScope", { computerName: "dhcp1", name: "rel", scopeIds: ["10.0.1.0"] })).toMatchObject({ ok: false, errorId: "DHCP 20113,Add-DhcpServerv4FailoverScope" });
    expect(await run("addFailoverScope", { computerName: "dhcp1", name: "rel", scopeIds: ["10.0.3.0"] })).toMatchObject({ ok: false, errorId: "DHCP 20004,Add-DhcpServerv4FailoverScope" });
    expect(await add(["10.0.2.0"])).toMatchObject({ ok: false, errorId: "DHCP 20114,Add-DhcpServerv4Failover" });
    expect(await add(["2001:db8::"], { name: "v6" })).toMatchObject({ ok: false, errorId: "DHCP 20118,Add-DhcpServerv4Failover" });
  });

  it("refuses a 32nd relationship on a server", async () => {
    await editServer(dir, "dhcp3", (s) => {
      for (let i = 0; i < 31; i++) {
        s.relationships.push({ ...structuredClone(s.relationships[0] ?? fillerRelationship()), name: `filler-${i}` });
      }
    });
    const result = await run("addFailover", { computerName: "dhcp1", ...addFailoverInput(target({ secondary: { name: "c", computerName: "dhcp3", connection: { local: { computerName: "dhcp3" } } } }), ["10.0.1.0"]) });
    expect(result).toMatchObject({ ok: false, errorId: "DHCP 20128,Add-DhcpServerv4Failover" });
    expect(result.message).toContain("31 failover relationships");
  });

  it("removes scopes from failover by deleting the partner's copies", async () => {
    await add(["10.0.1.0", "10.0.2.0"]);
    expect(await run("removeFailoverScope", { computerName: "dhcp1", name: "rel", scopeIds: ["10.0.2.0"] })).toEqual({ ok: true, result: true });
    expect((await server(dir, "dhcp2")).scopes.map((s) => s.scopeId)).toEqual(["10.0.3.0", "10.0.1.0"]);
    expect((await server(dir, "dhcp1")).scopes).toHaveLength(3);
  });

  it("changes the mode only on Windows Server 2012 R2 and later", async () => {
    await add(["10.0.1.0"]);
    const onOld = await run("setFailover", { computerName: "dhcp2", name: "rel", mode: "HotStandby", reservePercent: 10 });
    // dhcpsapi.h: 0x4EA6 = 20134 ERROR_DHCP_FO_FEATURE_NOT_SUPPORTED (20131 is FO_BOOT_NOT_SUPPORTED).
    expect(onOld).toMatchObject({ ok: false, errorId: "DHCP 20134,Set-DhcpServerv4Failover" });
    expect(await run("setFailover", { computerName: "dhcp1", name: "rel", mode: "HotStandby", reservePercent: 10 })).toEqual({ ok: true, result: true });
    expect((await server(dir, "dhcp2")).relationships[0]).toMatchObject({ mode: "HotStandby", serverRole: "Standby", reservePercent: 10 });
  });

  it("allows partner down only in COMMUNICATION INTERRUPTED", async () => {
    await add(["10.0.1.0"]);
    expect(await run("partnerDown", { computerName: "dhcp1", name: "rel" })).toMatchObject({ ok: false, errorId: "DHCP 20120,Set-DhcpServerv4Failover" });
    await setReachable(dir, "dhcp2", false);
    expect((await run("readServer", { computerName: "dhcp1" })).result).toMatchObject({ relationships: [{ state: "CommunicationInterrupted" }] });
    expect(await run("partnerDown", { computerName: "dhcp1", name: "rel" })).toEqual({ ok: true, result: true });
    expect(await run("readServer", { computerName: "dhcp2" })).toMatchObject({ ok: false, errorId: "WIN32 1722,Get-DhcpServerVersion" });
  });

  it("switches to PARTNER DOWN by itself once StateSwitchInterval has passed in COMMUNICATION INTERRUPTED, only with AutoStateTransition", async () => {
    await add(["10.0.1.0"], { windows: { stateSwitchIntervalSeconds: 600 } });
    await setReachable(dir, "dhcp2", false);
    expect((await run("readServer", { computerName: "dhcp1" })).result).toMatchObject({ relationships: [{ state: "CommunicationInterrupted" }] });
    await editServer(dir, "dhcp2", (s) => {
      s.unreachableSince = Date.now() - 601_000;
    });
    expect((await run("readServer", { computerName: "dhcp1" })).result).toMatchObject({ relationships: [{ state: "PartnerDown" }] });
    await editServer(dir, "dhcp1", (s) => {
      s.relationships[0]!.state = "Normal";
      s.relationships[0]!.autoStateTransition = false;
    });
    expect((await run("readServer", { computerName: "dhcp1" })).result).toMatchObject({ relationships: [{ state: "CommunicationInterrupted" }] });
  });

  it("refuses Add-DhcpServerv4FailoverScope outside NORMAL (20120) and Add/Remove during a scope sync (20133)", async () => {
    await add(["10.0.1.0"]);
    for (const state of ["Recover", "RecoverWait", "RecoverDone", "PotentialConflict", "PartnerDown"] as const) {
      await editServer(dir, "dhcp1", (s) => {
        s.relationships[0]!.state = state;
      });
      expect((await run("readServer", { computerName: "dhcp1" })).result).toMatchObject({ relationships: [{ state }] });
      expect(await run("addFailoverScope", { computerName: "dhcp1", name: "rel", scopeIds: ["10.0.2.0"] })).toMatchObject({ ok: false, errorId: "DHCP 20120,Add-DhcpServerv4FailoverScope" });
    }
    await editServer(dir, "dhcp1", (s) => {
      s.relationships[0]!.state = "Normal";
      s.relationships[0]!.syncInProgress = true;
    });
    expect(await run("addFailoverScope", { computerName: "dhcp1", name: "rel", scopeIds: ["10.0.2.0"] })).toMatchObject({ ok: false, errorId: "DHCP 20133,Add-DhcpServerv4FailoverScope" });
    expect(await run("removeFailoverScope", { computerName: "dhcp1", name: "rel", scopeIds: ["10.0.1.0"] })).toMatchObject({ ok: false, errorId: "DHCP 20133,Remove-DhcpServerv4FailoverScope" });
  });

  it("returns statistics for every scope, with the failover fields only where a scope is in a relationship", async () => {
    await add(["10.0.1.0"]);
    const read = (await run("readServer", { computerName: "dhcp1" })).result as { statistics: Array<{ scopeId: string; addressesFreeOnThisServer: number; addressesFree: number }> };
    expect(read.statistics.map((s) => s.scopeId)).toEqual(["10.0.1.0", "10.0.2.0", "10.0.3.0"]);
    expect(read.statistics[0]!.addressesFreeOnThisServer).toBeGreaterThan(0);
    expect(read.statistics[1]).toMatchObject({ addressesFree: 179, addressesFreeOnThisServer: 0 });
  });

  it("replicates scope configuration to the partner, keeping the partner's leases", async () => {
    await add(["10.0.1.0"]);
    await editServer(dir, "dhcp1", (s) => {
      s.scopes[0]!.policies.push({ name: "printers", enabled: true, processingOrder: 1, condition: "OR", description: "" });
    });
    expect(await run("replicate", { computerName: "dhcp1", level: "scope", name: "rel", scopeIds: ["10.0.1.0"] })).toEqual({ ok: true, result: ["10.0.1.0"] });
    expect((await server(dir, "dhcp2")).scopes.find((s) => s.scopeId === "10.0.1.0")!.policies).toHaveLength(1);
    expect(await run("replicate", { computerName: "dhcp1", level: "scope", name: "rel", scopeIds: ["10.0.2.0"] })).toMatchObject({ ok: false, errorId: "DHCP 20116,Invoke-DhcpServerv4FailoverReplication" });
  });
});

/**
 * The scripts as they were before every DhcpServer call carried its own -ErrorAction Stop and error check:
 * the same text without them, relying on the prologue's $ErrorActionPreference = 'Stop' alone.
 */
function withoutStops(text: string): string {
  return text
    .replaceAll(" -ErrorAction Stop -ErrorVariable failed", "")
    .replaceAll("; ErrorAction = 'Stop'; ErrorVariable = 'failed'", "")
    .replaceAll("\nforeach ($e in $failed) { throw $e }", "");
}

/** The same, keeping -ErrorAction Stop but not checking what the call wrote. */
function withoutChecks(text: string): string {
  return text.replaceAll("\nforeach ($e in $failed) { throw $e }", "");
}

async function runText(text: string): Promise<{ envelope: { ok: boolean; result?: unknown; message?: string; errorId?: string }; stderr: string }> {
  const output = await session.run(oneLineInvocation(text));
  return { envelope: JSON.parse(output.stdout.trim()), stderr: output.stderr };
}

describe("errors of a CDXML module (DhcpServer) inside a script block", () => {
  it("a preference set in the block does not stop a failing write: the old scripts reported success, the new ones fail with the cmdlet's text", async () => {
    await add(["10.0.1.0"]);
    const text = script("addFailoverScope", { computerName: "dhcp1", name: "rel", scopeIds: ["10.0.1.0"] }).text;
    expect(withoutStops(text)).not.toContain("ErrorAction Stop -");
    const old = await runText(withoutStops(text));
    expect(old.envelope).toEqual({ ok: true, result: true });
    expect(old.stderr).toContain("ERROR_DHCP_FO_SCOPE_ALREADY_IN_RELATIONSHIP");
    const now = await runText(text);
    expect(now.envelope).toMatchObject({ ok: false, step: "Add-DhcpServerv4FailoverScope", errorId: "DHCP 20113,Add-DhcpServerv4FailoverScope" });
    expect(now.envelope.message).toContain("dhcp1");
    expect(now.stderr).toBe("");
  });

  it("a read of an unreachable server fails instead of returning nothing", async () => {
    await add(["10.0.1.0"]);
    await setReachable(dir, "dhcp2", false);
    const text = script("readServer", { computerName: "dhcp2" }).text;
    const old = await runText(withoutStops(text));
    expect(old.envelope).toMatchObject({ ok: true, result: { relationships: [], scopes: [], statistics: [] } });
    const now = await runText(text);
    expect(now.envelope).toMatchObject({ ok: false, errorId: "WIN32 1722,Get-DhcpServerVersion" });
    expect(now.envelope.message).toContain("dhcp2");
  });

  it("an error Get-DhcpServerv4Failover only writes, despite -ErrorAction Stop, still fails the read", async () => {
    const text = `try {
$f = Get-DhcpServerv4Failover -ComputerName 'nowhere' -ErrorAction Stop -ErrorVariable failed
'carried on'
} catch { 'stopped' }`;
    const output = await session.run(oneLineInvocation(text));
    expect(output.stdout.trim()).toBe("carried on");
    expect(output.stderr).toContain("WIN32 1722,Get-DhcpServerv4Failover");
    const read = script("readServer", { computerName: "dhcp1" }).text;
    const failing = read.replace("Get-DhcpServerv4Failover -ComputerName $in.computerName", "Get-DhcpServerv4Failover -ComputerName 'nowhere'");
    expect((await runText(withoutChecks(failing))).envelope).toMatchObject({ ok: true });
    expect((await runText(failing)).envelope).toMatchObject({ ok: false, step: "Get-DhcpServerv4Failover", errorId: "WIN32 1722,Get-DhcpServerv4Failover" });
  });

  it("the global preference does reach the module's functions, as in PowerShell", async () => {
    await add(["10.0.1.0"]);
    const attempt = "try { Add-DhcpServerv4FailoverScope -ComputerName 'dhcp1' -Name 'rel' -ScopeId '10.0.1.0' -Confirm:$false; 'carried on' } catch { 'stopped' }";
    expect((await session.run(oneLineInvocation(`$ErrorActionPreference = 'Stop'\n${attempt}`))).stdout.trim()).toBe("carried on");
    expect((await session.run(`$ErrorActionPreference = 'Stop'; ${attempt}`)).stdout.trim()).toBe("stopped");
  });
});

describe("what the emulator refuses", () => {
  const refused = async (text: string) => {
    const output = await session.run(text);
    expect(output.exitCode).toBe(1);
    expect(output.stdout).toBe("");
    return output.stderr;
  };

  it("refuses commands, syntax and forms it does not model, instead of pretending", async () => {
    expect(await refused("Remove-Item C:\\ -Recurse")).toContain("refused: the command Remove-Item");
    expect(await refused("Invoke-Expression 'Get-DhcpServerv4Failover'")).toContain("refused: the command Invoke-Expression");
    expect(await refused("Get-DhcpServerv4Failover dhcp1")).toContain("positional argument");
    expect(await refused('"$(Get-Date)"')).toContain("refused");
    expect(await refused("if ($true) {")).toContain("would not parse");
    await add(["10.0.1.0"]);
    expect(await refused("Get-DhcpServerv4Failover -ComputerName 'dhcp1'")).toContain("formatter");
    expect(await refused("Add-DhcpServerv4Failover -ComputerName 'dhcp1' -Name 'x' -PartnerServer 'dhcp3' -ScopeId '10.0.2.0' -SharedSecret 's'")).toContain("prompt");
    expect(await refused("$x = $undefinedVariable")).toContain("never assigned");
    expect(await refused("[Console]::OutputEncoding = [Text.Encoding]::Unicode")).toContain("assigning to this static member");
  });

  it("reports an unknown parameter as PowerShell does", async () => {
    const output = await session.run("try { Get-DhcpServerv4Failover -ComputerName 'dhcp1' -Bogus 1 } catch { [string]$_.FullyQualifiedErrorId }");
    expect(output.stdout.trim()).toBe("NamedParameterNotFound,Get-DhcpServerv4Failover");
  });
});

function fillerRelationship() {
  return {
    name: "filler",
    partnerServer: "elsewhere",
    mode: "LoadBalance" as const,
    serverRole: "" as const,
    loadBalancePercent: 50,
    reservePercent: 5,
    maxClientLeadTimeSeconds: 3600,
    autoStateTransition: false,
    stateSwitchIntervalSeconds: null,
    enableAuth: false,
    sharedSecretDigest: null,
    state: "Normal" as const,
    scopeIds: [],
    serverType: "PrimaryServer" as const,
  };
}
