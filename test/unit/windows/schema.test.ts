import { describe, expect, it } from "vitest";
import { windowsMembership, windowsRelationship, windowsRelationshipTarget, windowsReplication, windowsTarget } from "../../../src/backends/windows/schema";
import { validate } from "../../../src/model/validate";

const server = (name: string) => ({ name, computerName: `${name}.example`, connection: { local: { computerName: `${name}.example` } } });
const relationship = (extra: Record<string, unknown> = {}) => ({ vendor: "windows", name: "rel", primary: server("dhcp1"), secondary: server("dhcp2"), ...extra });

function failures(schema: Parameters<typeof validate>[0], input: unknown): string[] {
  const result = validate(schema, input);
  return result.ok ? [] : result.failures.map((f) => `${f.property}: ${f.reason}`);
}

describe("Windows schemas", () => {
  it("applies Windows' defaults", () => {
    const spec = windowsRelationship.parse(relationship());
    expect(spec.windows).toMatchObject({ mode: "loadBalance", loadBalancePercent: 50, maxClientLeadTimeSeconds: 3600, autoStateTransition: false });
    expect(spec.onDelete).toEqual({ keepScopesOn: "primary", otherCopies: "delete" });
    const standby = windowsRelationship.parse(relationship({ windows: { mode: "hotStandby", stateSwitchIntervalSeconds: 60 } }));
    expect(standby.windows).toMatchObject({ reservePercent: 5, serverRole: "active", autoStateTransition: true, loadBalancePercent: undefined });
  });

  it("runs local sessions in Windows PowerShell 5.1 unless another executable is configured", () => {
    const spec = windowsRelationship.parse(relationship());
    expect(spec.primary.connection).toEqual({ local: { computerName: "dhcp1.example", executable: "powershell.exe" } });
    const pwsh = windowsRelationship.parse(relationship({ primary: { ...server("dhcp1"), connection: { local: { computerName: "dhcp1.example", executable: "pwsh" } } } }));
    expect(pwsh.primary.connection).toEqual({ local: { computerName: "dhcp1.example", executable: "pwsh" } });
  });

  it("refuses names over 126 characters", () => {
    expect(failures(windowsRelationship, relationship({ name: "n".repeat(127) }))).toEqual(["name: must be at most 126 characters"]);
    expect(failures(windowsRelationship, relationship({ name: "n".repeat(126) }))).toEqual([]);
  });

  it("refuses settings of the other mode, naming the property and the fix", () => {
    expect(failures(windowsRelationship, relationship({ windows: { reservePercent: 10 } }))).toEqual([
      'windows.reservePercent: applies only when mode is "hotStandby": remove it or set mode',
    ]);
    expect(failures(windowsRelationship, relationship({ windows: { mode: "hotStandby", loadBalancePercent: 10 } }))).toEqual([
      'windows.loadBalancePercent: applies only when mode is "loadBalance": remove it or set mode',
    ]);
    expect(failures(windowsRelationship, relationship({ windows: { loadBalancePercent: 101 } }))).toEqual(["windows.loadBalancePercent: must be at most 100"]);
  });

  it("refuses a relationship with itself", () => {
    expect(failures(windowsRelationship, relationship({ secondary: { ...server("dhcp3"), computerName: "DHCP1.example" } }))).toEqual([
      "secondary.computerName: a failover relationship needs two different servers",
    ]);
  });

  it("refuses IPv6 scopes and scopes written as networks", () => {
    const target = windowsRelationshipTarget(relationship());
    expect(failures(windowsMembership, { vendor: "windows", relationship: target, scope: "2001:db8::" })).toEqual([
      "scope: Windows DHCP failover supports IPv4 scopes only (DHCPv6 scopes cannot fail over)",
    ]);
    expect(failures(windowsMembership, { vendor: "windows", relationship: target, scope: "10.0.0.0/24" })[0]).toContain('such as "10.0.0.0"');
    expect(failures(windowsMembership, { vendor: "windows", relationship: target, scope: "10.0.0.0" })).toEqual([]);
  });

  it("checks a replication's source and scopes", () => {
    const target = windowsRelationshipTarget(relationship());
    expect(failures(windowsReplication, { vendor: "windows", relationship: target, source: "dhcp9", level: "relationship" })).toEqual([
      "source: must be one of the relationship's servers: dhcp1, dhcp2",
    ]);
    expect(failures(windowsReplication, { vendor: "windows", relationship: target, source: "dhcp1", level: "scope" })).toEqual(['scopes: is required when level is "scope"']);
  });

  it("gives memberships the relationship's parameters and delete choices, which the first and last scope need", () => {
    const target = windowsTarget.parse(windowsRelationshipTarget(relationship({ windows: { maxClientLeadTimeSeconds: 60 }, onDelete: { otherCopies: "disable" }, adopt: true })));
    expect(target.windows.maxClientLeadTimeSeconds).toBe(60);
    expect(target.onDelete.otherCopies).toBe("disable");
    expect(target).not.toHaveProperty("adopt");
  });
});
