import { join } from "node:path";
import type { KeaServerInfo, KeaVersionPairInfo, KeaVersionServerInfo, LabInfo } from "./labInfo.ts";

/**
 * The Kea servers' base configs: no HA and no hook libraries (the library adds libdhcp_lease_cmds.so and
 * libdhcp_ha.so), and plain JSON, because the library reads and rewrites these files.
 */

export function renderKeaDhcp4Config(info: LabInfo, server: KeaServerInfo): string {
  const config = {
    Dhcp4: {
      "interfaces-config": { interfaces: ["eth0"], "dhcp-socket-type": "raw" },
      "control-socket": { "socket-type": "unix", "socket-name": server.controlSocketPath },
      "lease-database": { type: "memfile", persist: true, name: server.leasePath, "lfc-interval": 0 },
      "valid-lifetime": 120,
      "renew-timer": 30,
      "rebind-timer": 60,
      subnet4: [
        {
          id: 1,
          subnet: info.kea.subnet,
          pools: [{ pool: `${info.kea.pool.first} - ${info.kea.pool.last}` }],
          "option-data": [
            { name: "routers", data: info.kea.gateway },
            { name: "domain-name", data: "kea.lab.example" },
          ],
        },
      ],
      loggers: [{ name: "kea-dhcp4", output_options: [{ output: "stdout" }], severity: "INFO" }],
    },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

export function renderKeaAgentConfig(server: KeaServerInfo): string {
  const url = new URL(server.agentUrl);
  const config = {
    "Control-agent": {
      "http-host": url.hostname,
      "http-port": Number(url.port),
      authentication: {
        type: "basic",
        realm: `pdf-lab ${server.name}`,
        clients: [{ user: server.auth.user, password: server.auth.password }],
      },
      "control-sockets": { dhcp4: { "socket-type": "unix", "socket-name": server.controlSocketPath } },
      loggers: [{ name: "kea-ctrl-agent", output_options: [{ output: "stdout" }], severity: "INFO" }],
    },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** kea-dhcp4's unix socket on a chroot server, inside its runDir (KEA_CONTROL_SOCKET_DIR). */
export function chrootSocketPath(server: KeaVersionServerInfo): string {
  return join(server.runDir, "kea4.sock");
}

function basicAuth(server: { name: string; auth: { user: string; password: string } }) {
  return { type: "basic", realm: `pdf-lab ${server.name}`, clients: [{ user: server.auth.user, password: server.auth.password }] };
}

/**
 * A Kea 2.6 or 3.0 server's base config: every path inside the directories Kea 2.6.3+ allows (set by the
 * KEA_* variables services.ts gives it). 2.6 is reached through its Control Agent over the unix socket;
 * 3.0 through kea-dhcp4's own HTTP control socket with basic auth (its Control Agent is deprecated).
 */
export function renderKeaVersionDhcp4Config(pair: KeaVersionPairInfo, server: KeaVersionServerInfo): string {
  // The spoke holds only its own subnet, so that it never answers the bridge's client outside HA.
  const subnet =
    server.name === pair.spoke.name
      ? { id: 2, subnet: pair.spokeSubnet.subnet, pools: [{ pool: `${pair.spokeSubnet.pool.first} - ${pair.spokeSubnet.pool.last}` }] }
      : { id: 1, subnet: pair.subnet, pools: [{ pool: `${pair.pool.first} - ${pair.pool.last}` }] };
  const url = new URL(server.agentUrl);
  const control =
    server.api === "http-socket"
      ? { "control-sockets": [{ "socket-type": "http", "socket-address": url.hostname, "socket-port": Number(url.port), authentication: basicAuth(server) }] }
      : { "control-socket": { "socket-type": "unix", "socket-name": chrootSocketPath(server) } };
  const config = {
    Dhcp4: {
      "interfaces-config": { interfaces: ["eth0"], "dhcp-socket-type": "raw" },
      ...control,
      "lease-database": { type: "memfile", persist: true, name: join(server.dataDir, "kea-leases4.csv"), "lfc-interval": 0 },
      "valid-lifetime": 120,
      "renew-timer": 30,
      "rebind-timer": 60,
      subnet4: [
        {
          ...subnet,
          "option-data": [
            { name: "routers", data: pair.gateway },
            { name: "domain-name", data: "kea.lab.example" },
          ],
        },
      ],
      loggers: [{ name: "kea-dhcp4", output_options: [{ output: "stdout" }], severity: "INFO" }],
    },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

export function renderKeaVersionAgentConfig(server: KeaVersionServerInfo): string {
  const url = new URL(server.agentUrl);
  const config = {
    "Control-agent": {
      "http-host": url.hostname,
      "http-port": Number(url.port),
      authentication: basicAuth(server),
      "control-sockets": { dhcp4: { "socket-type": "unix", "socket-name": chrootSocketPath(server) } },
      loggers: [{ name: "kea-ctrl-agent", output_options: [{ output: "stdout" }], severity: "INFO" }],
    },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
