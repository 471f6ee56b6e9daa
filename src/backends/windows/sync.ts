/**
 * IPAM's "config sync status": a scope's configuration on the source next to its partner's copy. Failover
 * replicates leases only; every other scope change needs a replication run, and this says which scopes need one.
 */
import type { ScopeSync } from "../backend";
import { deepEqual } from "../../provider/differences";
import type { ScopeConfig } from "./results";

type Present = Extract<ScopeConfig, { present: true }>;

function keyed<T>(items: T[], key: (item: T) => string): Map<string, T> {
  return new Map(items.map((item) => [key(item), item]));
}

/** "reservation 10.0.0.100: only on dhcp1", one line per differing item. */
function compareSets<T>(what: string, source: T[], partner: T[], key: (item: T) => string, names: { source: string; partner: string }): string[] {
  const left = keyed(source, key);
  const right = keyed(partner, key);
  const lines: string[] = [];
  for (const id of [...new Set([...left.keys(), ...right.keys()])].sort()) {
    const a = left.get(id);
    const b = right.get(id);
    if (a === undefined) lines.push(`${what} ${id}: only on ${names.partner}`);
    else if (b === undefined) lines.push(`${what} ${id}: only on ${names.source}`);
    else if (!deepEqual(a, b)) lines.push(`${what} ${id}: differs (${names.source}: ${JSON.stringify(a)}, ${names.partner}: ${JSON.stringify(b)})`);
  }
  return lines;
}

const SCOPE_PROPERTIES = ["name", "subnetMask", "startRange", "endRange", "leaseDurationSeconds", "description"] as const;

export function scopeDifferences(source: Present, partner: Present, names: { source: string; partner: string }): string[] {
  const lines: string[] = [];
  for (const property of SCOPE_PROPERTIES) {
    if (source[property] !== partner[property]) {
      lines.push(`${property}: ${JSON.stringify(source[property])} on ${names.source}, ${JSON.stringify(partner[property])} on ${names.partner}`);
    }
  }
  lines.push(...compareSets("option", source.options, partner.options, (o) => `${o.optionId}${o.vendorClass ? `/${o.vendorClass}` : ""}${o.userClass ? `/${o.userClass}` : ""}`, names));
  lines.push(...compareSets("reservation", source.reservations, partner.reservations, (r) => r.ipAddress, names));
  lines.push(...compareSets("exclusion", source.exclusions, partner.exclusions, (x) => `${x.startRange}-${x.endRange}`, names));
  lines.push(...compareSets("policy", source.policies, partner.policies, (p) => p.name, names));
  return lines;
}

export function compareScopes(source: ScopeConfig[], partner: ScopeConfig[], names: { source: string; partner: string }): ScopeSync {
  const partnerById = keyed(partner, (s) => s.scopeId);
  const scopes = source.map((scope) => {
    const copy = partnerById.get(scope.scopeId);
    if (!scope.present) return { scope: scope.scopeId, inSync: false, differences: [`missing on ${names.source}`] };
    if (!copy || !copy.present) return { scope: scope.scopeId, inSync: false, differences: [`missing on ${names.partner}`] };
    const differences = scopeDifferences(scope, copy, names);
    return { scope: scope.scopeId, inSync: differences.length === 0, differences };
  });
  return { scopes };
}
