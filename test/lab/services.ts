import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { DaemonSpec } from "./daemon.ts";
import { daemonPid, logSize, logTail, startDaemon, stopDaemon } from "./daemon.ts";
import { keaCommand } from "./keaCommand.ts";
import type { IscServerInfo, KeaServerInfo, KeaVersionServerInfo, LabInfo } from "./labInfo.ts";
import { staysAlive } from "./pids.ts";
import { sshdFiles } from "./sshdConfig.ts";
import { serverInterface } from "./topology.ts";
import { tcpAccepts, waitUntil } from "./wait.ts";

/**
 * A service is what one ctl command controls: one lab server (dhcpd; or kea-dhcp4 with its control agent)
 * or the lab's sshd. Starting waits until it serves; a start that fails reports the daemon's own log.
 */
export interface Service {
  name: string;
  daemons: DaemonSpec[];
  /** Files the daemons need before they start. */
  prepare(): void;
  /** null once the service answers; otherwise what is still missing. */
  probe(): Promise<string | null>;
  /** Put back the pristine config and forget every lease (resetLab). */
  restorePristine?(): void;
}

/** How long a freshly started daemon must stay alive before it counts as started. */
const minimumUptimeMs = 1_000;
const readyTimeoutMs = 15_000;

export function iscService(server: IscServerInfo): Service {
  const dhcpd: DaemonSpec = {
    label: `${server.name} dhcpd`,
    namespace: server.namespace,
    argv: ["/usr/sbin/dhcpd", "-4", "-f", "-d", "-cf", server.configPath, "-lf", server.leasePath, "-pf", server.pidPath, serverInterface],
    pidPath: server.pidPath,
    logPath: server.logPath,
  };
  return {
    name: server.name,
    daemons: [dhcpd],
    prepare() {
      // dhcpd refuses to start without a lease file.
      if (!existsSync(server.leasePath)) writeFileSync(server.leasePath, "");
    },
    async probe() {
      return (await tcpAccepts(server.address, server.omapi.port)) ? null : `OMAPI port ${server.address}:${server.omapi.port} does not accept connections`;
    },
    restorePristine() {
      copyFileSync(server.pristineConfigPath, server.configPath);
      // dhcpd keeps the previous lease file as dhcpd.leases~.
      rmSync(`${server.leasePath}~`, { force: true });
      writeFileSync(server.leasePath, "");
    },
  };
}

export function keaService(server: KeaServerInfo): Service {
  const runDir = dirname(server.pidPaths.dhcp4);
  // Kea writes its own pid and logger lock files there instead of colliding in /run/kea.
  const env = { KEA_PIDFILE_DIR: runDir, KEA_LOCKFILE_DIR: runDir };
  const dhcp4: DaemonSpec = {
    label: `${server.name} kea-dhcp4`,
    namespace: server.namespace,
    argv: ["/usr/sbin/kea-dhcp4", "-c", server.configPath],
    env,
    pidPath: server.pidPaths.dhcp4,
    logPath: server.logPath,
  };
  const agent: DaemonSpec = {
    label: `${server.name} kea-ctrl-agent`,
    namespace: server.namespace,
    argv: ["/usr/sbin/kea-ctrl-agent", "-c", server.agentConfigPath],
    env,
    pidPath: server.pidPaths.agent,
    logPath: server.agentLogPath,
  };
  return {
    name: server.name,
    daemons: [dhcp4, agent],
    prepare() {
      mkdirSync(runDir, { recursive: true });
    },
    async probe() {
      try {
        const answer = await keaCommand(server, "status-get", undefined, { timeoutMs: 2_000 });
        return answer.result === 0 ? null : `status-get answered result ${answer.result}: ${answer.text ?? ""}`;
      } catch (error) {
        return (error as Error).message;
      }
    },
    restorePristine() {
      copyFileSync(server.pristineConfigPath, server.configPath);
      copyFileSync(server.pristineAgentConfigPath, server.agentConfigPath);
      // The memfile lease file plus the copies its cleanup (LFC) leaves beside it.
      const leaseName = basename(server.leasePath);
      for (const file of readdirSync(dirname(server.leasePath))) {
        if (file.startsWith(leaseName)) rmSync(join(dirname(server.leasePath), file), { force: true });
      }
    },
  };
}

/**
 * A Kea 2.6 or 3.0 server: kea-dhcp4 (with its Control Agent on 2.6) chrooted into the version's Debian
 * chroot, in the server's namespace. The KEA_* variables put the directories Kea 2.6.3+ confine its
 * socket, pid, lock, lease and log files to in the server's own directory.
 */
export function keaVersionService(server: KeaVersionServerInfo): Service {
  const env = {
    KEA_PIDFILE_DIR: server.runDir,
    KEA_LOCKFILE_DIR: server.runDir,
    KEA_CONTROL_SOCKET_DIR: server.runDir,
    KEA_DHCP_DATA_DIR: server.dataDir,
    KEA_LOG_FILE_DIR: server.dataDir,
  };
  const chrooted = (label: string, program: string, config: string, pidPath: string, logPath: string): DaemonSpec => ({
    label: `${server.name} ${label}`,
    namespace: server.namespace,
    argv: ["chroot", server.chroot, program, "-c", config],
    runs: [program, "-c", config],
    env,
    pidPath,
    logPath,
  });
  const daemons = [chrooted("kea-dhcp4", "/usr/sbin/kea-dhcp4", server.configPath, server.pidPaths.dhcp4, server.logPath)];
  if (server.hostAgentConfigPath && server.pidPaths.agent && server.agentLogPath) {
    daemons.push(chrooted("kea-ctrl-agent", "/usr/sbin/kea-ctrl-agent", join(server.dataDir, "kea-ctrl-agent.conf"), server.pidPaths.agent, server.agentLogPath));
  }
  const hostRunDir = join(server.chroot, server.runDir);
  return {
    name: server.name,
    daemons,
    prepare() {
      mkdirSync(hostRunDir, { recursive: true });
      // Kea 2.6.3+ refuse a socket directory more open than 750.
      chmodSync(hostRunDir, 0o750);
    },
    async probe() {
      try {
        const answer = await keaCommand(server, "status-get", undefined, { timeoutMs: 2_000 });
        return answer.result === 0 ? null : `status-get answered result ${answer.result}: ${answer.text ?? ""}`;
      } catch (error) {
        return (error as Error).message;
      }
    },
    restorePristine() {
      copyFileSync(server.pristineConfigPath, server.hostConfigPath);
      const leaseName = basename(server.hostLeasePath);
      for (const file of readdirSync(dirname(server.hostLeasePath))) {
        if (file.startsWith(leaseName)) rmSync(join(dirname(server.hostLeasePath), file), { force: true });
      }
    },
  };
}

export function sshdService(info: LabInfo): Service {
  const files = sshdFiles(info.labDir);
  return {
    name: "sshd",
    daemons: [
      {
        label: "lab sshd",
        // sshd re-executes itself, so it must be started by its absolute path.
        argv: ["/usr/sbin/sshd", "-D", "-f", files.config, "-E", files.log],
        pidPath: files.pid,
        logPath: files.log,
      },
    ],
    prepare() {
      if (!existsSync("/run/sshd")) {
        mkdirSync("/run/sshd", { mode: 0o755 });
        writeFileSync(files.createdRunDirMarker, "");
      }
    },
    async probe() {
      return (await tcpAccepts(info.ssh.host, info.ssh.port)) ? null : `${info.ssh.host}:${info.ssh.port} does not accept connections`;
    },
  };
}

export function allServices(info: LabInfo): Service[] {
  return [
    ...info.isc.servers.map(iscService),
    ...info.kea.servers.map(keaService),
    ...info.keaVersions.flatMap((pair) => [...pair.servers, pair.spoke].map(keaVersionService)),
    sshdService(info),
  ];
}

export function findService(info: LabInfo, name: string): Service {
  const service = allServices(info).find((s) => s.name === name);
  if (!service) throw new Error(`No lab service named "${name}": expected one of ${allServices(info).map((s) => s.name).join(", ")}.`);
  return service;
}

export interface ServiceStatus {
  name: string;
  daemons: { label: string; pid: number | null; namespace: string | null }[];
  running: boolean;
  /** null when serving, else why not. */
  problem: string | null;
}

export async function serviceStatus(service: Service): Promise<ServiceStatus> {
  const daemons = service.daemons.map((d) => ({ label: d.label, pid: daemonPid(d), namespace: d.namespace ?? null }));
  const running = daemons.every((d) => d.pid !== null);
  const stopped = daemons.filter((d) => d.pid === null).map((d) => d.label);
  const problem = running ? await service.probe() : `not running: ${stopped.join(", ")}`;
  return { name: service.name, daemons, running, problem };
}

function startFailure(service: Service, daemon: DaemonSpec, offset: number, what: string): Error {
  return new Error(`${daemon.label} ${what}. Its log (${daemon.logPath}) says:\n${logTail(daemon, offset)}`);
}

/** Starts whatever is not running and waits until the service answers; a no-op when it already serves. */
export async function startService(service: Service): Promise<void> {
  const alreadyRunning = service.daemons.filter((d) => daemonPid(d) !== null);
  if (alreadyRunning.length === service.daemons.length && (await service.probe()) === null) return;
  service.prepare();
  const started: { daemon: DaemonSpec; pid: number; offset: number }[] = [];
  for (const daemon of service.daemons) {
    if (daemonPid(daemon) !== null) continue;
    const offset = logSize(daemon);
    started.push({ daemon, pid: await startDaemon(daemon), offset });
  }
  const survivals = await Promise.all(started.map((s) => staysAlive(s.pid, minimumUptimeMs)));
  const died = started.find((_, i) => !survivals[i]);
  if (died) throw startFailure(service, died.daemon, died.offset, "exited right after it started");
  const last: { problem: string | null } = { problem: null };
  const ready = await waitUntil(async () => {
    last.problem = await service.probe();
    return last.problem === null || started.some((s) => daemonPid(s.daemon) === null);
  }, readyTimeoutMs, 100);
  const diedLater = started.find((s) => daemonPid(s.daemon) === null);
  if (diedLater) throw startFailure(service, diedLater.daemon, diedLater.offset, "exited while starting");
  if (!ready || last.problem !== null) {
    const first = started[0] ?? { daemon: service.daemons[0] as DaemonSpec, offset: 0 };
    throw startFailure(service, first.daemon, first.offset, `runs but does not serve after ${readyTimeoutMs / 1000} s (${last.problem})`);
  }
}

export async function stopService(service: Service): Promise<void> {
  // The agent first, so that it never forwards to a dhcp4 that is going away.
  for (const daemon of [...service.daemons].reverse()) await stopDaemon(daemon);
}

export async function restartService(service: Service): Promise<void> {
  await stopService(service);
  await startService(service);
}

/** Starts them all at once; one failure does not stop the others, and every failure is reported. */
export async function startServices(services: Service[]): Promise<void> {
  const results = await Promise.allSettled(services.map(startService));
  const failures = results.flatMap((result, i) => (result.status === "rejected" ? [`${services[i]?.name}: ${(result.reason as Error).message}`] : []));
  if (failures.length > 0) throw new Error(failures.join("\n\n"));
}
