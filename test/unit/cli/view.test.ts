import { describe, expect, it } from "vitest";
import { formatRelationships, type RelationshipRow } from "../../../src/cli/view.ts";

const row = (overrides: Partial<RelationshipRow>): RelationshipRow => ({
  name: "campus",
  vendor: "isc",
  summary: { mode: "load-balance (split 128/256)", primary: "isc1", secondary: "isc2" },
  primaryState: { state: "normal", partnerState: "normal" },
  secondaryState: { state: "normal", partnerState: "normal" },
  ...overrides,
});

describe("the Failover Relationships view", () => {
  it("lines up name, vendor, mode, primary, secondary and each side's state", () => {
    const text = formatRelationships([
      row({}),
      row({
        name: "branch",
        vendor: "kea",
        summary: { mode: "load-balancing", primary: "kea1", secondary: "kea2" },
        primaryState: { state: "load-balancing", partnerState: "load-balancing" },
        secondaryState: { state: "partner-down", partnerState: "unavailable" },
      }),
    ]);
    expect(text).toBe(
      [
        "NAME    VENDOR  MODE                          PRIMARY  STATE           SECONDARY  STATE",
        "campus  isc     load-balance (split 128/256)  isc1     normal          isc2       normal",
        "branch  kea     load-balancing                kea1     load-balancing  kea2       partner-down (partner: unavailable)",
        "",
      ].join("\n"),
    );
  });

  it("shows an unreadable state as unknown, and the reason under the table", () => {
    const text = formatRelationships([row({ secondaryState: { state: "unknown", error: "connect ECONNREFUSED 10.231.1.12:7911" } })]);
    expect(text).toContain("isc2       unknown\n");
    expect(text).toMatch(/\n\n {2}campus: the state of isc2 could not be read: connect ECONNREFUSED 10\.231\.1\.12:7911\n$/);
  });

  it("says so when there is nothing to show", () => {
    expect(formatRelationships([])).toBe("No failover relationships.\n");
  });
});
