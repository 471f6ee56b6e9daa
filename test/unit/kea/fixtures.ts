// Shared fixtures for the Kea unit tests: a relationship spec like the lab's, and configurations in the
// shape Kea 2.2's config-get returns them (taken from the lab, passwords replaced).
import { keaRelationship, type KeaRelationship } from "../../../src/backends/kea/schema";
import { parseVersion } from "../../../src/backends/kea/version";

export type JsonObject = { [key: string]: import("../../../src/backends/backend").Json };

export const KEA_2_2 = parseVersion("2.2.0");
export const KEA_2_6 = parseVersion("2.6.1");
export const KEA_3_0_4 = parseVersion("3.0.4");

export const HOOKS = "/usr/lib/x86_64-linux-gnu/kea/hooks";

export function peer(name: string, address: string, role: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    url: `http://${address}:8000/`,
    role,
    basicAuthUser: `user-${name}`,
    basicAuthPassword: `password-of-${name}`,
    api: { url: `http://${address}:8000/`, username: `user-${name}`, password: `password-of-${name}` },
    configPath: `/etc/kea/${name}.conf`,
    ...extra,
  };
}

export function relationshipInput(mode = "load-balancing", overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const partner = mode === "load-balancing" ? "secondary" : mode === "hot-standby" ? "standby" : "backup";
  return {
    vendor: "kea",
    name: "kea-lab",
    peers: [peer("kea1", "10.231.2.11", "primary"), peer("kea2", "10.231.2.12", partner)],
    kea: { mode, heartbeatDelay: 2000, maxResponseDelay: 6000, maxAckDelay: 5000, maxUnackedClients: 0, syncTimeout: 30000 },
    ...overrides,
  };
}

export function relationship(mode = "load-balancing", overrides: Record<string, unknown> = {}): KeaRelationship {
  return keaRelationship.parse(relationshipInput(mode, overrides));
}

/** The lab's pristine configuration as Kea 2.2's config-get returns it (defaults expanded). */
export function pristineConfig(): JsonObject {
  return {
    Dhcp4: {
      "control-socket": { "socket-name": "/run/kea/kea4.sock", "socket-type": "unix" },
      "hooks-libraries": [],
      "interfaces-config": { interfaces: ["eth0"], "re-detect": true },
      "lease-database": { "lfc-interval": 0, name: "/var/lib/kea/kea-leases4.csv", persist: true, type: "memfile" },
      "multi-threading": { "enable-multi-threading": false, "packet-queue-size": 64, "thread-pool-size": 0 },
      "shared-networks": [],
      subnet4: [
        {
          id: 1,
          "option-data": [{ "always-send": false, code: 3, "csv-format": true, data: "10.231.2.1", name: "routers", space: "dhcp4" }],
          pools: [{ "option-data": [], pool: "10.231.2.100-10.231.2.199" }],
          reservations: [],
          subnet: "10.231.2.0/24",
          "valid-lifetime": 120,
        },
      ],
      "valid-lifetime": 120,
    },
  };
}

/** The HA hook's parameters as Kea 2.2 returns them after loading what relationshipEntry wrote (defaults added). */
export function keaExpandedEntry(thisServer: string): JsonObject {
  return {
    "delayed-updates-limit": 100,
    "heartbeat-delay": 2000,
    "max-ack-delay": 5000,
    "max-response-delay": 6000,
    "max-unacked-clients": 0,
    mode: "load-balancing",
    "multi-threading": { "enable-multi-threading": false, "http-client-threads": 0, "http-dedicated-listener": false, "http-listener-threads": 0 },
    peers: [
      { "auto-failover": true, "basic-auth-password": "password-of-kea1", "basic-auth-user": "user-kea1", name: "kea1", role: "primary", url: "http://10.231.2.11:8000/" },
      { "auto-failover": true, "basic-auth-password": "password-of-kea2", "basic-auth-user": "user-kea2", name: "kea2", role: "secondary", url: "http://10.231.2.12:8000/" },
    ],
    "require-client-certs": true,
    "restrict-commands": false,
    "send-lease-updates": true,
    "sync-leases": true,
    "sync-page-limit": 10000,
    "sync-timeout": 30000,
    "this-server-name": thisServer,
    "wait-backup-ack": false,
  };
}
