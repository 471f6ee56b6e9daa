import type { Vendor } from "../backends/backend";

type TargetOf = (args: Record<string, unknown>) => Record<string, unknown>;

/** Each vendor's schema module says which of a relationship's arguments identify and reach it. */
const targets: Record<Vendor, () => TargetOf> = {
  isc: () => require("../backends/isc/schema").iscRelationshipTarget,
  kea: () => require("../backends/kea/schema").keaRelationshipTarget,
  windows: () => require("../backends/windows/schema").windowsRelationshipTarget,
};

/** An unknown vendor yields no target: the relationship's check then names the property and its choices. */
export function relationshipTarget(vendor: Vendor, args: Record<string, unknown>): Record<string, unknown> {
  const target = Object.hasOwn(targets, vendor) ? targets[vendor] : undefined;
  return target ? target()(args) : {};
}
