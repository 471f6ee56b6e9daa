import type { Json } from "../backend";
import type { FailoverPeerDecl, FailoverPeerSpec } from "./conf";
import { DHCPD_FAILOVER_PORT, PEER_STATEMENT_KEYS, type IscRelationship, type IscServer, type SideStatements } from "./schema";

export type Side = "primary" | "secondary";

export const SIDES: readonly Side[] = ["primary", "secondary"];

export function otherSide(side: Side): Side {
  return side === "primary" ? "secondary" : "primary";
}

/**
 * What dhcpd does when a statement is absent (confpars.c parse_failover_peer, includes/failover.h):
 * shown in previews so an absent statement reads as what it means, never written on dhcpd's behalf.
 */
export const VENDOR_DEFAULTS: Partial<Record<keyof FailoverPeerSpec, string>> = {
  port: `${DHCPD_FAILOVER_PORT}`,
  peerPort: `${DHCPD_FAILOVER_PORT}`,
  maxResponseDelay: "20",
  maxUnackedUpdates: "100",
  loadBalanceMaxSeconds: "0: load balancing disabled",
  autoPartnerDown: "0: off",
  maxLeaseMisbalance: "15",
  maxLeaseOwnership: "10",
  minBalance: "60",
  maxBalance: "3600",
};

/**
 * The `failover peer` block one server must hold: the relationship's statements, that side's own
 * overrides (null: not on this side), and the two addresses and ports mirrored (this server's are
 * `address`/`port`, the partner's are `peer address`/`peer port`).
 */
export function peerSpecFor(spec: Pick<IscRelationship, "name" | "primary" | "secondary" | "isc">, side: Side): FailoverPeerSpec {
  const self: IscServer = spec[side];
  const partner: IscServer = spec[otherSide(side)];
  const own: SideStatements = self.failover ?? {};
  const peer: FailoverPeerSpec = { name: spec.name, role: side, address: self.address, peerAddress: partner.address };
  if (self.port !== undefined) peer.port = self.port;
  if (partner.port !== undefined) peer.peerPort = partner.port;
  for (const key of PEER_STATEMENT_KEYS) {
    const value = own[key] === undefined ? spec.isc[key] : own[key];
    if (value !== undefined && value !== null) peer[key] = value;
  }
  if (side === "primary") {
    peer.mclt = spec.isc.mclt;
    if (spec.isc.hba !== undefined) peer.hba = spec.isc.hba.toLowerCase();
    else peer.split = spec.isc.split ?? 128;
  } else if (own.mclt !== undefined && own.mclt !== null) {
    peer.mclt = own.mclt;
  }
  return peer;
}

/** The comparable view of what the program wants on one side; statements it leaves out show dhcpd's default. */
export function expectedPeerView(spec: Pick<IscRelationship, "name" | "primary" | "secondary" | "isc">, side: Side): Json {
  const { name: _name, ...settings } = peerSpecFor(spec, side);
  return sorted(withAbsence(settings as Record<string, Json>));
}

/** The comparable view of a peer block as it is on a server, with statements we do not model listed. */
export function actualPeerView(decl: FailoverPeerDecl): Json {
  const settings = { ...decl.settings } as Record<string, Json>;
  if (typeof settings.hba === "string") settings.hba = settings.hba.toLowerCase();
  if (decl.unrecognized.length > 0) settings.otherStatements = [...decl.unrecognized];
  return sorted(withAbsence(settings));
}

function withAbsence(settings: Record<string, Json>): Record<string, Json> {
  const out = { ...settings };
  for (const [key, meaning] of Object.entries(VENDOR_DEFAULTS)) {
    if (out[key] === undefined) out[key] = `absent (dhcpd uses ${meaning})`;
  }
  return out;
}

function sorted(value: Record<string, Json>): Json {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * Rebuilds the relationship's failover statements from the two blocks (refresh), keeping connections:
 * a statement absent from the primary's block is absent from the relationship, one that the secondary
 * lacks or holds differently becomes the secondary's own (null: absent there).
 */
export function relationshipFromPeers(spec: IscRelationship, primary: FailoverPeerDecl, secondary: FailoverPeerDecl | undefined): IscRelationship {
  const p = primary.settings;
  const isc = { ...spec.isc };
  for (const key of PEER_STATEMENT_KEYS) {
    const value = p[key];
    if (value !== undefined) isc[key] = value;
    else delete isc[key];
  }
  if (p.mclt !== undefined) isc.mclt = p.mclt;
  if (p.hba !== undefined) {
    isc.hba = p.hba;
    delete isc.split;
  } else if (p.split !== undefined) {
    isc.split = p.split;
    delete isc.hba;
  }
  if (!secondary) return { ...spec, isc, primary: withPort(spec.primary, p.port) };
  const { failover: _failover, ...secondaryRest } = withPort(spec.secondary, secondary.settings.port);
  const secondaryOwn = ownOverrides(isc, secondary.settings);
  return { ...spec, isc, primary: withPort(spec.primary, p.port), secondary: secondaryOwn ? { ...secondaryRest, failover: secondaryOwn } : secondaryRest };
}

function withPort(server: IscServer, port: number | undefined): IscServer {
  const { port: _port, ...rest } = server;
  return port === undefined ? rest : { ...rest, port };
}

/** The secondary's statements that differ from the relationship's, as its own overrides. */
function ownOverrides(isc: IscRelationship["isc"], settings: Partial<FailoverPeerSpec>): SideStatements | undefined {
  const own: SideStatements = {};
  for (const key of PEER_STATEMENT_KEYS) {
    const value = settings[key];
    if (value !== isc[key]) own[key] = value ?? null;
  }
  if (settings.mclt !== undefined) own.mclt = settings.mclt;
  return Object.keys(own).length > 0 ? own : undefined;
}
