// The backend's operations against the emulator in-process (a transport that hands the script text to the
// emulator), for the paths the CLI tests cannot reach: failures between two steps, coalescing, undocumented
// Windows behaviour either way.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PartialChangeError } from "../../../src/backends/errors";
import { windowsBackend } from "../../../src/backends/windows";
import { windowsMembership, windowsRelationship, windowsRelationshipTarget } from "../../../src/backends/windows/schema";
import { forget } from "../../../src/backends/windows/state";
import { operationContext } from "../../../src/provider/context";
import { compareViews, describeDifference } from "../../../src/provider/differences";
import { localPowerShellKey, oneLineInvocation, type PowerShellOutput } from "../../../src/transports/powershell";
import { EmulatedSession } from "../../emulator/host.ts";
import { serially } from "./serially.ts";
import { addServers, editServer, journal, scope, server, setOptions, setReachable, type ServerSetup } from "../../emulator/setup.ts";

let dir: string;
let counter = 0;


beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "winemu-ops-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A pair of emulated servers reached through an in-process transport; `before` runs ahead of each script
 * (to make a server fail between two steps). Names are unique: the run's pools and caches are shared.
 */
async function pair(
  extra: Record<string, unknown> = {},
  before: (text: string) => Promise<void> = async () => undefined,
  versions: { a?: ServerSetup["version"]; b?: ServerSetup["version"] } = {},
) {
  counter++;
  const [a, b] = [`ops${counter}a`, `ops${counter}b`];
  await addServers(dir, [
    { computerName: a, version: versions.a, scopes: [scope("10.0.1.0"), scope("10.0.2.0"), scope("10.0.3.0")] },
    { computerName: b, version: versions.b },
  ]);
  const { ctx, done } = operationContext("test", []);
  for (const name of [a, b]) {
    const session = new EmulatedSession(dir);
    void ctx.connections.get(localPowerShellKey(`emulator-${name}`, name), async () => ({
      run: (text: string): Promise<PowerShellOutput> => serially(async () => {
        await before(text);
        // What the local transport sends: the script as a script block, in which its own preference stays.
        return session.run(oneLineInvocation(text));
      }),
      close: () => undefined,
    }));
  }
  const relationship = windowsRelationship.parse({
    vendor: "windows",
    name: `rel${counter}`,
    primary: { name: "dhcp1", computerName: a, connection: { local: { executable: `emulator-${a}`, computerName: a } } },
    secondary: { name: "dhcp2", computerName: b, connection: { local: { executable: `emulator-${b}`, computerName: b } } },
    ...extra,
  });
  const membership = (scopeId: string) => windowsMembership.parse({ vendor: "windows", relationship: windowsRelationshipTarget(relationship), scope: scopeId });
  return { a, b, ctx, done, relationship, membership };
}

describe("Windows backend operations", () => {
  it("coalesces concurrent memberships into one Add-DhcpServerv4Failover with all their scopes", async () => {
    const { a, b, ctx, done, relationship, membership } = await pair();
    try {
      await windowsBackend.relationship.create(ctx, relationship, { adopt: false });
      await Promise.all(["10.0.1.0", "10.0.2.0", "10.0.3.0"].map((id) => windowsBackend.membership.create(ctx, membership(id), { adopt: false })));
      const writes = (await journal(dir, [a, b])).filter((entry) => !entry.split(":")[1]!.startsWith("Get-"));
      expect(writes).toEqual([`${a}:Add-DhcpServerv4Failover`]);
      expect((await server(dir, b)).relationships[0]!.scopeIds.sort()).toEqual(["10.0.1.0", "10.0.2.0", "10.0.3.0"]);
    } finally {
      await done();
    }
  });

  it("reports a failure between disabling the copies and removing the relationship as a partial change, and finishes when run again", async () => {
    let failRemoval = false;
    const { a, b, ctx, done, relationship, membership } = await pair({ onDelete: { otherCopies: "disable" } }, async (text) => {
      if (failRemoval && text.includes("Remove-DhcpServerv4Failover -ComputerName")) {
        failRemoval = false;
        await setReachable(dir, relationship.primary.computerName, false);
      }
    });
    try {
      await windowsBackend.membership.create(ctx, membership("10.0.1.0"), { adopt: false });
      failRemoval = true;
      const error = await windowsBackend.membership.delete(ctx, membership("10.0.1.0")).catch((e: Error) => e);
      expect(error).toBeInstanceOf(PartialChangeError);
      expect((error as Error).message).toMatch(
        new RegExp(`^the copies of 10\\.0\\.1\\.0 on dhcp2 were deactivated and dhcp1 keeps its copies, but removing the relationship "rel\\d+" failed: dhcp1 \\(${a}\\): .*RPC server is unavailable.*Both servers hold a valid configuration; run the same command again to finish\\.$`),
      );
      expect((await server(dir, b)).scopes.map((s) => s.state)).toEqual(["InActive"]);
      await setReachable(dir, a, true);
      await windowsBackend.membership.delete(ctx, membership("10.0.1.0"));
      expect((await server(dir, a)).relationships).toEqual([]);
      expect((await server(dir, b)).relationships).toEqual([]);
      expect((await server(dir, b)).scopes.map((s) => [s.scopeId, s.state])).toEqual([["10.0.1.0", "InActive"]]);
    } finally {
      await done();
    }
  });

  it("leaves the relationship declared whether or not Windows deletes it with its last scope", async () => {
    await setOptions(dir, { removeLastScopeDeletesRelationship: true });
    const { a, b, ctx, done, relationship, membership } = await pair();
    try {
      await windowsBackend.membership.create(ctx, membership("10.0.1.0"), { adopt: false });
      await windowsBackend.membership.delete(ctx, membership("10.0.1.0"));
      expect((await server(dir, a)).relationships).toEqual([]);
      expect((await server(dir, b)).scopes).toEqual([]);
      const live = await windowsBackend.relationship.read(ctx, relationship);
      expect(live.live).toEqual(relationship);
      expect(live.views.every((view) => view.expected === undefined && view.actual === undefined)).toBe(true);
    } finally {
      await setOptions(dir, { removeLastScopeDeletesRelationship: false });
      await done();
    }
  });

  it("switches to hot standby with the primary on standby by running the change on the secondary", async () => {
    const { a, b, ctx, done, relationship, membership } = await pair();
    try {
      await windowsBackend.membership.create(ctx, membership("10.0.1.0"), { adopt: false });
      const next = windowsRelationship.parse({ ...relationship, windows: { mode: "hotStandby", serverRole: "standby", reservePercent: 8 } });
      const live = await windowsBackend.relationship.update(ctx, relationship, next, { changedSecrets: [] });
      expect((await server(dir, a)).relationships[0]).toMatchObject({ mode: "HotStandby", serverRole: "Standby", reservePercent: 8 });
      expect((await server(dir, b)).relationships[0]).toMatchObject({ mode: "HotStandby", serverRole: "Active", reservePercent: 8 });
      expect(live.views.map((v) => v.actual)).toEqual(live.views.map((v) => v.expected));
    } finally {
      await done();
    }
  });

  it("refuses to create over an existing relationship unless adopting, and adopts without changing it", async () => {
    const first = await pair();
    try {
      await windowsBackend.membership.create(first.ctx, first.membership("10.0.1.0"), { adopt: false });
      const again = windowsRelationship.parse({ ...first.relationship, windows: { loadBalancePercent: 90 } });
      await expect(windowsBackend.relationship.create(first.ctx, again, { adopt: false })).rejects.toThrow(/already exists on dhcp1 and dhcp2: set adopt: true/);
      const adopted = await windowsBackend.relationship.create(first.ctx, again, { adopt: true });
      expect(adopted.views[0]!.actual).toMatchObject({ loadBalancePercent: 50 });
      expect(adopted.views[0]!.expected).toMatchObject({ loadBalancePercent: 90 });
    } finally {
      await first.done();
    }
  });

  it("refuses a mode change before any write when a server runs Windows older than 2012 R2, at check time and in update", async () => {
    const { a, b, ctx, done, relationship, membership } = await pair({}, undefined, { b: "2012" });
    try {
      await windowsBackend.membership.create(ctx, membership("10.0.1.0"), { adopt: false });
      const before = [await server(dir, a), await server(dir, b)];
      const next = windowsRelationship.parse({ ...relationship, windows: { mode: "hotStandby", reservePercent: 5, maxClientLeadTimeSeconds: 1800 } });
      const reason =
        `changing "${relationship.name}" from loadBalance to hotStandby in place needs Windows Server 2012 R2 (6.3) or later on both servers ` +
        `(Set-DhcpServerv4Failover -Mode), but dhcp2 (${b}) runs 6.2: upgrade it, keep windows.mode loadBalance, or give the relationship a new name (a replacement creates it with the new mode)`;
      expect(await windowsBackend.relationship.checkLive!(ctx, next)).toEqual([{ property: "windows.mode", reason }]);
      const writes = (await journal(dir, [a, b])).length;
      await expect(windowsBackend.relationship.update(ctx, relationship, next, { changedSecrets: [] })).rejects.toThrow(`windows.mode: ${reason}. Nothing was changed.`);
      expect((await journal(dir, [a, b])).slice(writes).filter((entry) => !entry.split(":")[1]!.startsWith("Get-"))).toEqual([]);
      expect([await server(dir, a), await server(dir, b)]).toEqual(before);
      // Other settings still change in place on that server.
      const mclt = windowsRelationship.parse({ ...relationship, windows: { maxClientLeadTimeSeconds: 1800 } });
      expect(await windowsBackend.relationship.checkLive!(ctx, mclt)).toEqual([]);
      await windowsBackend.relationship.update(ctx, relationship, mclt, { changedSecrets: [] });
      expect((await server(dir, b)).relationships[0]).toMatchObject({ mode: "LoadBalance", maxClientLeadTimeSeconds: 1800 });
    } finally {
      await done();
    }
  });

  it("declares partner down once the partner's read fails (it used to 'succeed' with nothing), and refuses it while the partner answers", async () => {
    const { a, b, ctx, done, relationship, membership } = await pair();
    try {
      await windowsBackend.membership.create(ctx, membership("10.0.1.0"), { adopt: false });
      const partnerDown = windowsBackend.state.partnerDown!;
      const target = windowsRelationshipTarget(relationship) as Parameters<typeof partnerDown>[1];
      await expect(partnerDown(ctx, target, "dhcp1")).rejects.toThrow(/partner down refused: dhcp2 .* answers/);
      await setReachable(dir, b, false);
      const status = await partnerDown(ctx, target, "dhcp1");
      expect(status.dhcp1).toMatchObject({ state: "partner-down" });
      expect(status.dhcp2).toMatchObject({ state: "unknown" });
      expect((await journal(dir, [a])).filter((entry) => entry.endsWith(":Set-DhcpServerv4Failover"))).toHaveLength(1);
    } finally {
      await setReachable(dir, b, true);
      await done();
    }
  });

  it("reads a partner Windows reports by address or FQDN as the same partner: no drift, and updates still run", async () => {
    const { a, b, ctx, done, relationship, membership } = await pair();
    try {
      await windowsBackend.membership.create(ctx, membership("10.0.1.0"), { adopt: false });
      await editServer(dir, a, (s) => {
        s.address = `192.0.2.${counter}`;
        s.relationships[0]!.partnerServer = `${b}.corp.example`;
      });
      await editServer(dir, b, (s) => {
        s.relationships[0]!.partnerServer = `192.0.2.${counter}`;
      });
      forget(ctx, relationship.primary, relationship.secondary);
      const live = await windowsBackend.relationship.read(ctx, relationship);
      expect(compareViews(live.views)).toEqual([]);
      const next = windowsRelationship.parse({ ...relationship, windows: { loadBalancePercent: 60 } });
      const updated = await windowsBackend.relationship.update(ctx, relationship, next, { changedSecrets: [] });
      expect(compareViews(updated.views)).toEqual([]);
      expect((await server(dir, b)).relationships[0]!.loadBalancePercent).toBe(40);
    } finally {
      await done();
    }
  });

  it("changes the state switchover interval and automatic transition in place, reads them back, and shows a hand change as drift", async () => {
    const { a, b, ctx, done, relationship, membership } = await pair();
    try {
      await windowsBackend.membership.create(ctx, membership("10.0.1.0"), { adopt: false });
      expect((await server(dir, b)).relationships[0]).toMatchObject({ autoStateTransition: false, stateSwitchIntervalSeconds: null });
      const interval = windowsRelationship.parse({ ...relationship, windows: { stateSwitchIntervalSeconds: 900 } });
      let live = await windowsBackend.relationship.update(ctx, relationship, interval, { changedSecrets: [] });
      for (const name of [a, b]) expect((await server(dir, name)).relationships[0]).toMatchObject({ autoStateTransition: true, stateSwitchIntervalSeconds: 900 });
      expect(compareViews(live.views)).toEqual([]);
      expect(live.live?.windows).toMatchObject({ autoStateTransition: true, stateSwitchIntervalSeconds: 900 });

      const longer = windowsRelationship.parse({ ...relationship, windows: { autoStateTransition: true, stateSwitchIntervalSeconds: 3600 } });
      live = await windowsBackend.relationship.update(ctx, interval, longer, { changedSecrets: [] });
      for (const name of [a, b]) expect((await server(dir, name)).relationships[0]).toMatchObject({ autoStateTransition: true, stateSwitchIntervalSeconds: 3600 });
      expect(compareViews(live.views)).toEqual([]);

      await editServer(dir, b, (s) => {
        s.relationships[0]!.autoStateTransition = false;
        s.relationships[0]!.stateSwitchIntervalSeconds = null;
      });
      // A later run reads afresh; this one's reads are cached until its own writes.
      forget(ctx, relationship.primary, relationship.secondary);
      live = await windowsBackend.relationship.read(ctx, longer);
      expect(compareViews(live.views).map(describeDifference).sort()).toEqual([
        "on dhcp2, autoStateTransition is false, the program wants true",
        "on dhcp2, stateSwitchIntervalSeconds is missing, the program wants 3600",
      ]);
      live = await windowsBackend.relationship.update(ctx, longer, longer, { changedSecrets: [] });
      expect((await server(dir, b)).relationships[0]).toMatchObject({ autoStateTransition: true, stateSwitchIntervalSeconds: 3600 });
      expect(compareViews(live.views)).toEqual([]);
    } finally {
      await done();
    }
  });
});

describe.each([
  { keepScopesOn: "primary", otherCopies: "delete" },
  { keepScopesOn: "primary", otherCopies: "disable" },
  { keepScopesOn: "secondary", otherCopies: "delete" },
  { keepScopesOn: "secondary", otherCopies: "disable" },
] as const)("deleting a relationship as Micetro offers: scopes kept on the $keepScopesOn, the other's copies $otherCopies", (onDelete) => {
  it("removes the relationship from both servers and leaves one active copy of each scope", async () => {
    const { a, b, ctx, done, relationship, membership } = await pair({ onDelete });
    try {
      await Promise.all(["10.0.1.0", "10.0.2.0"].map((id) => windowsBackend.membership.create(ctx, membership(id), { adopt: false })));
      const [keep, other] = onDelete.keepScopesOn === "primary" ? [a, b] : [b, a];
      const before = (await journal(dir, [a, b])).length;
      await windowsBackend.relationship.delete(ctx, relationship);
      for (const name of [a, b]) expect((await server(dir, name)).relationships).toEqual([]);
      const states = async (name: string) => (await server(dir, name)).scopes.map((s) => [s.scopeId, s.state]).sort();
      // The primary also holds 10.0.3.0, never in failover: it is never touched.
      const kept = keep === a ? [["10.0.1.0", "Active"], ["10.0.2.0", "Active"], ["10.0.3.0", "Active"]] : [["10.0.1.0", "Active"], ["10.0.2.0", "Active"]];
      expect(await states(keep)).toEqual(kept);
      const untouched = other === a ? [["10.0.3.0", "Active"]] : [];
      const copies = onDelete.otherCopies === "delete" ? [] : [["10.0.1.0", "InActive"], ["10.0.2.0", "InActive"]];
      expect(await states(other)).toEqual([...copies, ...untouched].sort());
      const writes = (await journal(dir, [a, b])).slice(before).filter((entry) => !entry.split(":")[1]!.startsWith("Get-"));
      expect(writes[0]).toBe(onDelete.otherCopies === "delete" ? `${keep}:Remove-DhcpServerv4FailoverScope` : `${other}:Set-DhcpServerv4Scope`);
      await windowsBackend.relationship.delete(ctx, relationship);
      expect((await journal(dir, [a, b])).slice(before).filter((entry) => !entry.split(":")[1]!.startsWith("Get-"))).toEqual(writes);
    } finally {
      await done();
    }
  });
});
