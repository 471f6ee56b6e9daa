// Kea High Availability between two (or more) servers, managed through the control API: the HA hook's
// configuration on every peer (the hooks are loaded where absent), and the listed subnets made identical on
// the peers. Everything but the passwords comes from the stack's configuration (see Pulumi.example.yaml).
import * as pulumi from "@pulumi/pulumi";
import { FailoverRelationship, FailoverScopeMembership, ReplicationTrigger } from "pulumi-dhcp-failover";

/** A peer as the stack's configuration describes it, without its password. */
interface PeerConfig {
  name: string;
  /** The URL the partner reaches this peer's HA listener at (an IP literal, as Kea requires). */
  url: string;
  role: "primary" | "secondary" | "standby" | "backup";
  /** Where config-write saves the configuration on the server (Kea 2.2 writes wherever it is told). */
  configPath: string;
  /** The control API: the Control Agent (Kea 2.x) or the daemon's own HTTP control socket (Kea 3.x). */
  api: { url: string; username?: string };
}

const config = new pulumi.Config();
const peers = config.requireObject<PeerConfig[]>("peers");

const relationship = new FailoverRelationship("ha", {
  vendor: "kea",
  name: config.get("name") ?? "kea-ha",
  peers: peers.map((peer) => {
    // One password per peer serves both its control API and the partner's HA requests to it.
    const password = config.requireSecret(`${peer.name}Password`);
    return {
      ...peer,
      api: { ...peer.api, ...(peer.api.username ? { password } : {}) },
      ...(peer.api.username ? { basicAuthUser: peer.api.username, basicAuthPassword: password } : {}),
    };
  }),
  kea: {
    mode: config.get("mode") === "hot-standby" ? "hot-standby" : "load-balancing",
    heartbeatDelay: 10000,
    maxResponseDelay: 60000,
    maxAckDelay: 10000,
    maxUnackedClients: 5,
  },
});

const scopes = config.requireObject<string[]>("scopes");
const memberships = scopes.map((scope) => new FailoverScopeMembership(`scope-${scope}`, { relationship, scope }));

// Copies the subnets' pools, options and reservations from the primary to its partner whenever
// `syncRevision` changes; a preview shows a subnet whose copies differ.
const primary = peers.find((peer) => peer.role === "primary");
export const outOfSync = new ReplicationTrigger(
  "sync",
  { relationship, source: primary?.name ?? peers[0]!.name, level: "relationship", triggers: [config.get("syncRevision") ?? "1"] },
  { dependsOn: memberships },
).outOfSync;

export const summary = relationship.summary;
export const status = relationship.status;
