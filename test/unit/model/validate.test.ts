import { describe, expect, it } from "vitest";
import { z } from "zod";
import { iscRelationship } from "../../../src/backends/isc/schema";
import { UNKNOWN } from "../../../src/model/unknown";
import { validate } from "../../../src/model/validate";

const ssh = { host: "127.0.0.1", port: 2222, username: "root", hostKeySha256: `SHA256:${"A".repeat(43)}`, privateKey: "KEY" };
const relationship = (over: Record<string, unknown> = {}) => ({
  vendor: "isc",
  name: "lab",
  primary: { name: "isc1", address: "10.231.1.11", ssh },
  secondary: { name: "isc2", address: "10.231.1.12", ssh },
  isc: { mclt: 10, split: 128 },
  ...over,
});

const failuresOf = (input: unknown) => {
  const result = validate(iscRelationship, input);
  return result.ok ? [] : result.failures.map((f) => `${f.property}: ${f.reason}`);
};

describe("validate", () => {
  it("accepts a valid relationship and applies defaults", () => {
    const result = validate(iscRelationship, relationship());
    expect(result.ok && !result.partial && result.value.waitForNormalSeconds).toBe(60);
    // Statements the program leaves out stay out: dhcpd applies its own default.
    expect(result.ok && !result.partial && result.value.isc.maxUnackedUpdates).toBeUndefined();
  });

  it("names the property and the fix for a vendor rule", () => {
    const input = relationship({ secondary: { name: "isc2", address: "10.231.1.12", ssh, failover: { split: 64 } } });
    expect(failuresOf(input)).toEqual(["secondary.failover.split: only the primary may set split (dhcpd: \"secondary may not define load balance settings.\"): move it to isc.split"]);
  });

  it("refuses split and hba together", () => {
    const input = relationship({ isc: { mclt: 10, split: 128, hba: Array(32).fill("ff").join(":") } });
    expect(failuresOf(input)).toEqual(["isc.hba: give split or hba, not both (dhcpd accepts one load-balancing method)"]);
  });

  it("suggests the spelling of a mistyped property", () => {
    expect(failuresOf(relationship({ isc: { mclt: 10, splt: 128 } }))).toEqual([
      'isc.splt: is not a known property (did you mean "split"?): remove it or fix its spelling',
    ]);
  });

  it("says a missing property is required and a wrong type what it must be", () => {
    expect(failuresOf({ ...relationship(), primary: { name: "isc1", ssh } })).toEqual(["primary.address: is required (string)"]);
    expect(failuresOf(relationship({ isc: { mclt: "ten" } }))).toEqual(['isc.mclt: must be a number, not string "ten"']);
  });

  it("tolerates unknown values during preview, at any depth", () => {
    expect(validate(iscRelationship, relationship({ isc: { mclt: UNKNOWN, split: 128 } }))).toEqual({ ok: true, value: undefined, partial: true });
    expect(validate(iscRelationship, relationship({ primary: UNKNOWN }))).toEqual({ ok: true, value: undefined, partial: true });
  });

  it("still reports what is wrong among known values when others are unknown", () => {
    const result = validate(iscRelationship, relationship({ name: UNKNOWN, isc: { mclt: -1 } }));
    expect(result.ok ? [] : result.failures.map((f) => f.property)).toEqual(["isc.mclt"]);
  });

  it("drops a cross-field rule whose inputs are unknown", () => {
    const schema = z
      .strictObject({ peers: z.array(z.strictObject({ role: z.string() })) })
      .superRefine((v, ctx) => {
        if (v.peers.filter((p) => p.role === "primary").length !== 1) ctx.addIssue({ code: "custom", path: ["peers"], message: "exactly one primary" });
      });
    expect(validate(schema, { peers: [{ role: "secondary" }, { role: UNKNOWN }] }).ok).toBe(true);
    expect(validate(schema, { peers: [{ role: "secondary" }, { role: "standby" }] }).ok).toBe(false);
  });
});
