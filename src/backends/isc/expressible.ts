/**
 * What a pair of peer blocks holds that a relationship cannot state: check names each one before
 * anything is written, since writing the relationship would otherwise change those lines.
 */
import type { FailoverPeerDecl } from "./conf";
import { SIDES, otherSide, type Side } from "./peerSpec";

export interface PeerOnFile {
  decl: FailoverPeerDecl;
  /** Where the block is, for messages. */
  file: string;
}

/** One sentence per statement (or missing statement) the model cannot express, with file:line. */
export function unexpressible(peers: Partial<Record<Side, PeerOnFile>>): string[] {
  const reasons: string[] = [];
  for (const side of SIDES) {
    const peer = peers[side];
    if (!peer) continue;
    const { decl, file } = peer;
    const at = (keyword: string): string => {
      const line = decl.statements.find((s) => s.keyword === keyword)?.line;
      return line ? `${file}:${line}` : file;
    };
    for (const text of decl.unrecognized) {
      const keyword = decl.statements.find((s) => text.startsWith(s.keyword))?.keyword ?? text;
      reasons.push(`${side}: "${text}" (${at(keyword)}) is not a statement this library models`);
    }
    const counts = new Map<string, number>();
    for (const s of decl.statements) counts.set(s.keyword, (counts.get(s.keyword) ?? 0) + 1);
    for (const [keyword, count] of counts) {
      if (count > 1) reasons.push(`${side}: "${keyword}" is written ${count} times (${at(keyword)}); dhcpd uses the last, this library keeps one`);
    }
    // confpars.c lets `address` be omitted ("the failover link initiate code tries to derive a
    // reasonable address"); a relationship always names each server's address.
    if (decl.settings.address === undefined) reasons.push(`${side}: the block has no "address" statement (${file}); a relationship always writes one`);
  }
  const { primary, secondary } = peers;
  if (primary && secondary) {
    for (const side of SIDES) {
      const self = peers[side]!.decl.settings;
      const partner = peers[otherSide(side)]!.decl.settings;
      if (self.address !== undefined && partner.peerAddress !== self.address) {
        reasons.push(`${side}'s "address ${self.address}" is "peer address ${partner.peerAddress ?? "(absent)"}" on the ${otherSide(side)}; a relationship writes one address per server on both`);
      }
      if (self.port !== partner.peerPort) {
        reasons.push(`${side}'s "port" is ${self.port ?? "absent"} and the ${otherSide(side)}'s "peer port" is ${partner.peerPort ?? "absent"}; a relationship writes both or neither, with one value`);
      }
    }
  }
  return reasons;
}
