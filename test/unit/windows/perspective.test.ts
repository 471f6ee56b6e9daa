import { describe, expect, it } from "vitest";
import { expectedView, isPartner, knownIdentities, normalisedView, normaliseState, sameComputer } from "../../../src/backends/windows/perspective";
import { failoverRecord, type FailoverRecord } from "../../../src/backends/windows/results";
import { windowsFailover, windowsServer } from "../../../src/backends/windows/schema";

const record = (overrides: Partial<FailoverRecord>): FailoverRecord => ({
  name: "rel",
  partnerServer: "dhcp2",
  primaryServerName: "dhcp1",
  secondaryServerName: "dhcp2",
  primaryServerIp: "192.0.2.1",
  secondaryServerIp: "192.0.2.2",
  serverType: "PrimaryServer",
  mode: "LoadBalance",
  serverRole: "",
  loadBalancePercent: 70,
  reservePercent: 0,
  maxClientLeadTimeSeconds: 3600,
  stateSwitchIntervalSeconds: null,
  autoStateTransition: false,
  enableAuth: false,
  state: "Normal",
  scopeIds: [],
  ...overrides,
});

describe("the partner's complementary perspective", () => {
  const wanted = expectedView(windowsFailover.parse({ loadBalancePercent: 70 }), "dhcp2");

  it("reads the secondary's 30% as the primary's 70%", () => {
    const fromSecondary = normalisedView(record({ partnerServer: "dhcp1", loadBalancePercent: 30 }), "secondary", "dhcp1");
    expect({ ...fromSecondary, partnerServer: "dhcp2" }).toEqual(wanted);
  });

  it("reports a real difference on the secondary as one", () => {
    const fromSecondary = normalisedView(record({ partnerServer: "dhcp1", loadBalancePercent: 70 }), "secondary", "dhcp1");
    expect(fromSecondary.loadBalancePercent).toBe(30);
  });

  it("reads the secondary's Active role as the primary being standby", () => {
    const view = normalisedView(record({ mode: "HotStandby", serverRole: "Active", reservePercent: 5 }), "secondary", "dhcp1");
    expect(view.serverRole).toBe("standby");
    expect(view.loadBalancePercent).toBeUndefined();
    expect(normalisedView(record({ mode: "HotStandby", serverRole: "Active", reservePercent: 5 }), "primary", "dhcp2").serverRole).toBe("active");
  });

  it("ignores the switch interval while automatic transition is off", () => {
    expect(normalisedView(record({ stateSwitchIntervalSeconds: 600 }), "primary", "dhcp2").stateSwitchIntervalSeconds).toBeUndefined();
    expect(normalisedView(record({ autoStateTransition: true, stateSwitchIntervalSeconds: 600 }), "primary", "dhcp2").stateSwitchIntervalSeconds).toBe(600);
  });

  it("treats a short name and its FQDN as the same partner, but not two IP addresses sharing a first octet", () => {
    expect(sameComputer("DHCP2", "dhcp2.corp.example")).toBe(true);
    expect(sameComputer("dhcp2.a.example", "dhcp2.b.example")).toBe(false);
    expect(sameComputer("10.0.0.1", "10.0.0.2")).toBe(false);
    expect(normalisedView(record({ partnerServer: "DHCP2.corp.example" }), "primary", "dhcp2").partnerServer).toBe("dhcp2");
  });

  it("knows the partner by every identity Windows reports: PartnerServer, and its name or address from the other side of the pair", () => {
    // Read on the secondary, where PartnerServer holds the primary's address and PrimaryServerName its FQDN.
    const onSecondary = record({ partnerServer: "192.0.2.1", primaryServerName: "dhcp1.corp.example", primaryServerIp: "192.0.2.1", serverType: "SecondaryServer", loadBalancePercent: 30 });
    expect(isPartner(onSecondary, ["dhcp1"])).toBe(true);
    expect(normalisedView(onSecondary, "secondary", "dhcp1").partnerServer).toBe("dhcp1");
    expect(isPartner(onSecondary, ["dhcp3"])).toBe(false);
    expect(isPartner(record({ partnerServer: "192.0.2.9", secondaryServerName: "", secondaryServerIp: "192.0.2.9" }), ["dhcp2"])).toBe(false);
    // The program may know the partner only by the address its SSH connection reaches.
    const overSsh = windowsServer.parse({
      name: "b",
      computerName: "dhcp2",
      connection: { overSsh: { ssh: { host: "192.0.2.2", username: "admin", hostKeySha256: `SHA256:${"A".repeat(43)}`, agent: true } } },
    });
    expect(knownIdentities(overSsh)).toEqual(["dhcp2", "192.0.2.2"]);
    expect(isPartner(record({ partnerServer: "192.0.2.2", secondaryServerName: "", secondaryServerIp: "" }), knownIdentities(overSsh))).toBe(true);
  });

  it("keeps a server role outside Active/Standby as Windows wrote it, as drift, instead of failing the read", () => {
    const parsed = failoverRecord.parse({ ...record({ mode: "HotStandby", reservePercent: 5 }), serverRole: "Unknown" });
    const view = normalisedView(parsed, "secondary", "dhcp1");
    expect(view.serverRole).toBe("unknown");
    expect(view.serverRole).not.toBe(expectedView(windowsFailover.parse({ mode: "hotStandby" }), "dhcp2").serverRole);
  });

  it("names Windows' states in lower-case words", () => {
    expect(normaliseState("COMMUNICATION_INT")).toBe("communication-interrupted");
    expect(normaliseState("CommunicationInterrupted")).toBe("communication-interrupted");
    expect(normaliseState("PartnerDown")).toBe("partner-down");
    expect(normaliseState("Normal")).toBe("normal");
    for (const [windows, word] of [["RecoverWait", "recover-wait"], ["RECOVER_DONE", "recover-done"], ["Recover", "recover"], ["PotentialConflict", "potential-conflict"], ["ResolutionInterrupted", "resolution-interrupted"]]) {
      expect(normaliseState(windows!)).toBe(word);
    }
  });
});
