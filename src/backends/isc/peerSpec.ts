import type { Json } from "../backend";
import type { FailoverPeerDecl, FailoverPeerSpec } from "./conf";
import type { IscRelationship, IscServer } from "./schema";

export type Side = "primary" | "secondary";

export const SIDES: readonly Side[] = ["primary", "secondary"];

export function otherSide(side: Side): Side {
  return side === "primary" ? "secondary" : "primary";
}

/**
 * The `failover peer` block one server must hold: the relationship's statements, that side's own
 * overrides, and the two addresses and ports mirrored (this server's are `address`/`port`, the
 * partner's are `peer address`/`peer port`).
 */
export function peerSpecFor(spec: Pick<IscRelationship, "name" | "primary" | "secondary" | "isc">, side: Side): FailoverPeerSpec {
  const self: IscServer = spec[side];
  const partner: IscServer = spec[otherSide(side)];
  const { mclt, split, hba, ...shared } = spec.isc;
  const { mclt: _m, split: _s, hba: _h, ...own } = self.failover ?? {};
  const peer: FailoverPeerSpec = {
    name: spec.name,
    role: side,
    address: self.address,
    port: self.port,
    peerAddress: partner.address,
    peerPort: partner.port,
    ...definedOnly(shared),
    ...definedOnly(own),
  };
  if (side === "primary") {
    peer.mclt = mclt;
    if (hba !== undefined) peer.hba = hba.toLowerCase();
    else peer.split = split ?? 128;
  }
  return peer;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The comparable view of what the program wants on one side. */
export function expectedPeerView(spec: Pick<IscRelationship, "name" | "primary" | "secondary" | "isc">, side: Side): Json {
  const { name: _name, ...settings } = peerSpecFor(spec, side);
  return sorted(settings as Record<string, Json>);
}

/** The comparable view of a peer block as it is on a server, with statements we do not model listed. */
export function actualPeerView(decl: FailoverPeerDecl): Json {
  const settings = { ...decl.settings } as Record<string, Json>;
  if (typeof settings.hba === "string") settings.hba = settings.hba.toLowerCase();
  if (decl.unrecognized.length > 0) settings.otherStatements = [...decl.unrecognized];
  return sorted(settings);
}

function sorted(value: Record<string, Json>): Json {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b)));
}

/** Rebuilds the relationship's failover statements from the primary's block (refresh), keeping connections. */
export function relationshipFromPeers(spec: IscRelationship, primary: FailoverPeerDecl, secondary: FailoverPeerDecl | undefined): IscRelationship {
  const p = primary.settings;
  const isc = { ...spec.isc };
  for (const key of ["maxResponseDelay", "maxUnackedUpdates", "loadBalanceMaxSeconds", "autoPartnerDown", "maxLeaseMisbalance", "maxLeaseOwnership", "minBalance", "maxBalance"] as const) {
    const value = p[key];
    if (value !== undefined) isc[key] = value;
    else if (key !== "maxResponseDelay" && key !== "maxUnackedUpdates" && key !== "loadBalanceMaxSeconds") delete isc[key];
  }
  if (p.mclt !== undefined) isc.mclt = p.mclt;
  if (p.hba !== undefined) {
    isc.hba = p.hba;
    delete isc.split;
  } else if (p.split !== undefined) {
    isc.split = p.split;
    delete isc.hba;
  }
  const secondaryOwn = secondary ? ownOverrides(isc, secondary.settings) : undefined;
  return {
    ...spec,
    isc,
    primary: { ...spec.primary, ...(p.port !== undefined ? { port: p.port } : {}) },
    secondary: { ...spec.secondary, ...(secondaryOwn ? { failover: secondaryOwn } : {}) },
  };
}

/** The secondary's statements that differ from the relationship's, as its own overrides. */
function ownOverrides(isc: IscRelationship["isc"], settings: Partial<FailoverPeerSpec>): IscServer["failover"] | undefined {
  const own: Record<string, number> = {};
  for (const key of ["maxResponseDelay", "maxUnackedUpdates", "loadBalanceMaxSeconds", "autoPartnerDown", "maxLeaseMisbalance", "maxLeaseOwnership", "minBalance", "maxBalance"] as const) {
    const value = settings[key];
    if (value !== undefined && value !== isc[key]) own[key] = value;
  }
  return Object.keys(own).length > 0 ? own : undefined;
}
