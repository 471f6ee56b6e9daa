import { describe, expect, it } from "vitest";
import { expectedView, normalisedView } from "../../../src/backends/windows/perspective";
import { addFailoverInput, setFailoverInput } from "../../../src/backends/windows/plan";
import { windowsFailover, windowsTarget } from "../../../src/backends/windows/schema";

const failover = (input: Record<string, unknown>) => windowsFailover.parse(input);
const noSecret = { changed: false, value: undefined };

describe("Set-DhcpServerv4Failover planning", () => {
  it("does nothing when the record matches", () => {
    const view = expectedView(failover({}), "dhcp2");
    expect(setFailoverInput("rel", view, view, "primary", noSecret)).toBeUndefined();
  });

  it("tells each server its own share", () => {
    const actual = expectedView(failover({ loadBalancePercent: 50 }), "dhcp2");
    const wanted = expectedView(failover({ loadBalancePercent: 70 }), "dhcp2");
    expect(setFailoverInput("rel", actual, wanted, "primary", noSecret)?.input).toEqual({ name: "rel", loadBalancePercent: 70 });
    expect(setFailoverInput("rel", actual, wanted, "secondary", noSecret)?.input).toEqual({ name: "rel", loadBalancePercent: 30 });
  });

  it("changes the mode with the new mode's percentage", () => {
    const actual = expectedView(failover({}), "dhcp2");
    const wanted = expectedView(failover({ mode: "hotStandby", reservePercent: 10 }), "dhcp2");
    expect(setFailoverInput("rel", actual, wanted, "primary", noSecret)?.input).toEqual({ name: "rel", mode: "HotStandby", reservePercent: 10 });
  });

  it("sets a changed secret, and turns authentication off with a null secret", () => {
    const view = expectedView(failover({ sharedSecret: "a" }), "dhcp2");
    expect(setFailoverInput("rel", view, view, "primary", { changed: true, value: "b" })?.input).toEqual({ name: "rel", setSharedSecret: true, sharedSecret: "b" });
    const off = expectedView(failover({}), "dhcp2");
    expect(setFailoverInput("rel", view, off, "primary", noSecret)?.input).toEqual({ name: "rel", setSharedSecret: true, sharedSecret: null });
  });

  it("normalised records and expectations line up for a round trip", () => {
    const wanted = expectedView(failover({ loadBalancePercent: 80, maxClientLeadTimeSeconds: 600 }), "dhcp2");
    const onSecondary = normalisedView(
      { name: "rel", partnerServer: "dhcp1", primaryServerName: "dhcp1", secondaryServerName: "dhcp2", primaryServerIp: "", secondaryServerIp: "", serverType: "SecondaryServer", mode: "LoadBalance", serverRole: "", loadBalancePercent: 20, reservePercent: 0, maxClientLeadTimeSeconds: 600, stateSwitchIntervalSeconds: null, autoStateTransition: false, enableAuth: false, state: "Normal", scopeIds: [] },
      "secondary",
      "dhcp1",
    );
    expect(setFailoverInput("rel", onSecondary, expectedView(failover({ loadBalancePercent: 80, maxClientLeadTimeSeconds: 600 }), "dhcp1"), "secondary", noSecret)).toBeUndefined();
    expect(wanted.loadBalancePercent).toBe(onSecondary.loadBalancePercent);
  });

  it("creates the relationship with every parameter from the primary's side", () => {
    const target = windowsTarget.parse({
      vendor: "windows",
      name: "rel",
      primary: { name: "a", computerName: "a", connection: { local: { computerName: "a" } } },
      secondary: { name: "b", computerName: "b", connection: { local: { computerName: "b" } } },
      windows: { mode: "hotStandby", serverRole: "standby", reservePercent: 7, stateSwitchIntervalSeconds: 300, sharedSecret: "s" },
    });
    expect(addFailoverInput(target, ["10.0.0.0"])).toEqual({
      name: "rel",
      partnerServer: "b",
      scopeIds: ["10.0.0.0"],
      mode: "HotStandby",
      loadBalancePercent: null,
      reservePercent: 7,
      serverRole: "Standby",
      maxClientLeadTimeSeconds: 3600,
      autoStateTransition: true,
      stateSwitchIntervalSeconds: 300,
      sharedSecret: "s",
    });
  });
});
