/**
 * Basic-auth credentials that would travel over plain http, readable by anyone on the path: the control
 * API's (api.username/api.password) and the HA peers' (basicAuthUser/basicAuthPassword). Kea accepts both
 * over http, so these are warnings, not refusals. Pure.
 */
import type { KeaRelationship } from "./schema";

export function plainHttpCredentialWarnings(spec: KeaRelationship): string[] {
  const warnings: string[] = [];
  spec.peers.forEach((peer, index) => {
    const at = `peers[${index}]`;
    if (peer.api.username !== undefined && new URL(peer.api.url).protocol === "http:") {
      warnings.push(
        `${at}.api.url: ${peer.name}'s control API is reached over plain http with basic auth (${at}.api.username, ${at}.api.password): anyone on the path can read the password; use https (with ${at}.api.caCert) or a path only you can reach`,
      );
    }
    if (peer.basicAuthUser !== undefined && new URL(peer.url).protocol === "http:") {
      warnings.push(
        `${at}.url: the other peers send ${at}.basicAuthUser and ${at}.basicAuthPassword to ${peer.name} over plain http: anyone on the path can read the password; configure TLS (kea.tls or ${at}.tls) and use https`,
      );
    }
  });
  return warnings;
}
