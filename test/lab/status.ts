import { existsSync } from "node:fs";
import { readLabInfo } from "./labInfo.ts";
import type { LabInfo } from "./labInfo.ts";
import { networkState } from "./network.ts";
import type { NetworkState } from "./network.ts";
import { labDir, labInfoPath } from "./paths.ts";
import { allServices, serviceStatus } from "./services.ts";
import type { ServiceStatus } from "./services.ts";

export interface LabStatus {
  /** Everything exists, runs and answers. */
  up: boolean;
  labDir: string;
  network: NetworkState;
  services: ServiceStatus[];
  /** Why the lab is not up; empty when it is. */
  problems: string[];
  info: LabInfo | null;
}

export async function labStatus(): Promise<LabStatus> {
  const network = await networkState();
  const problems: string[] = [];
  let info: LabInfo | null = null;
  if (existsSync(labInfoPath)) {
    try {
      info = readLabInfo();
    } catch (error) {
      problems.push((error as Error).message);
    }
  } else {
    problems.push(`no ${labInfoPath}`);
  }
  for (const [name, present] of [...Object.entries(network.namespaces), ...Object.entries(network.rootLinks)]) {
    if (!present) problems.push(`${name} is missing`);
  }
  const services = info ? await Promise.all(allServices(info).map(serviceStatus)) : [];
  for (const service of services) {
    if (service.problem !== null) problems.push(`${service.name}: ${service.problem}`);
  }
  return { up: problems.length === 0, labDir, network, services, problems, info };
}

function pad(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd()).join("\n");
}

function serviceState(service: ServiceStatus): string {
  if (service.problem === null) return "serving";
  if (service.running) return "not answering";
  return service.daemons.some((d) => d.pid !== null) ? "partly running" : "stopped";
}

function serviceAddress(info: LabInfo, name: string): string {
  const isc = info.isc.servers.find((s) => s.name === name);
  if (isc) return `${isc.address} (omapi ${isc.omapi.port})`;
  const kea = info.kea.servers.find((s) => s.name === name);
  if (kea) return kea.agentUrl;
  return `${info.ssh.host}:${info.ssh.port}`;
}

export function formatStatus(status: LabStatus): string {
  const lines = [`lab ${status.up ? "UP" : status.network.anyPresent || status.info ? "NOT HEALTHY" : "DOWN"} (${status.labDir})`, ""];
  if (status.info) {
    const info = status.info;
    const rows = [["SERVICE", "STATE", "ADDRESS", "NAMESPACE", "PIDS"]];
    for (const service of status.services) {
      rows.push([
        service.name,
        serviceState(service),
        serviceAddress(info, service.name),
        service.daemons[0]?.namespace ?? "(root)",
        service.daemons.map((d) => `${d.label.split(" ").pop()}=${d.pid ?? "-"}`).join(" "),
      ]);
    }
    lines.push(pad(rows), "");
  }
  const network = [["NAMESPACE / ROOT LINK", "PRESENT"], ...[...Object.entries(status.network.namespaces), ...Object.entries(status.network.rootLinks)].map(([name, present]) => [name, present ? "yes" : "no"])];
  lines.push(pad(network));
  if (status.problems.length > 0 && (status.network.anyPresent || status.info)) lines.push("", "problems:", ...status.problems.map((p) => `  - ${p}`));
  return `${lines.join("\n")}\n`;
}
