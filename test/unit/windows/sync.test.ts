import { describe, expect, it } from "vitest";
import type { ScopeConfig } from "../../../src/backends/windows/results";
import { scopeConfigList } from "../../../src/backends/windows/results";
import { compareScopes } from "../../../src/backends/windows/sync";

const scope = (extra: Partial<Extract<ScopeConfig, { present: true }>> = {}): ScopeConfig => ({
  scopeId: "10.0.0.0",
  present: true,
  name: "s",
  subnetMask: "255.255.255.0",
  startRange: "10.0.0.10",
  endRange: "10.0.0.200",
  leaseDurationSeconds: 3600,
  description: "",
  options: [{ optionId: 6, vendorClass: "", userClass: "", value: ["10.0.0.53"] }],
  reservations: [],
  exclusions: [],
  policies: [],
  ...extra,
});
const names = { source: "dhcp1", partner: "dhcp2" };

describe("config sync status", () => {
  it("reports identical copies in sync", () => {
    expect(compareScopes([scope()], [scope()], names).scopes).toEqual([{ scope: "10.0.0.0", inSync: true, differences: [] }]);
  });

  it("names each difference: options, reservations, exclusions, policies, properties, missing copies", () => {
    const source = scope({
      reservations: [{ ipAddress: "10.0.0.100", clientId: "00-15-5d-a7-66-02", name: "", type: "Both", description: "" }],
      exclusions: [{ startRange: "10.0.0.10", endRange: "10.0.0.20" }],
    });
    const partner = scope({
      leaseDurationSeconds: 7200,
      options: [{ optionId: 6, vendorClass: "", userClass: "", value: ["10.0.0.54"] }],
      policies: [{ name: "printers", enabled: true, processingOrder: 1, condition: "OR", description: "" }],
    });
    const [result] = compareScopes([source], [partner], names).scopes;
    expect(result!.inSync).toBe(false);
    expect(result!.differences).toEqual([
      "leaseDurationSeconds: 3600 on dhcp1, 7200 on dhcp2",
      'option 6: differs (dhcp1: {"optionId":6,"vendorClass":"","userClass":"","value":["10.0.0.53"]}, dhcp2: {"optionId":6,"vendorClass":"","userClass":"","value":["10.0.0.54"]})',
      "reservation 10.0.0.100: only on dhcp1",
      "exclusion 10.0.0.10-10.0.0.20: only on dhcp1",
      "policy printers: only on dhcp2",
    ]);
    expect(compareScopes([scope({ scopeId: "10.0.1.0" })], [], names).scopes[0]!.differences).toEqual(["missing on dhcp2"]);
  });

  it("validates what the read script returns", () => {
    expect(scopeConfigList.safeParse([scope(), { scopeId: "10.0.1.0", present: false }]).success).toBe(true);
    expect(scopeConfigList.safeParse([{ ...scope(), options: "none" }]).success).toBe(false);
  });
});
