import type { KeaServerInfo, LabInfo } from "./labInfo.ts";

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
