import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { IscServerInfo, KeaServerInfo, KeaVersionPairInfo, KeaVersionServerInfo, LabInfo } from "./labInfo.ts";
import { sshdFiles } from "./sshdConfig.ts";
import { iscExtraSubnets, iscPair, keaAgentPort, keaHaPort, keaPair, keaVersionPairs, labUser, omapiPort, serverInterface, sshHost, cidr } from "./topology.ts";
import type { KeaVersionPairPlan, ServerPlan } from "./topology.ts";

/** Turns the fixed topology plus this lab's generated secrets into the lab's description (lab.json). */

export interface LabSecrets {
  omapi: Record<string, string>;
  kea: Record<string, { user: string; password: string }>;
}

export interface PlanInputs {
  repoRoot: string;
  labDir: string;
  secrets: LabSecrets;
  sshPort: number;
  hostKeySha256: string;
  keaHooksDir: string;
  /** The chroot of each Kea version the lab runs beside 2.2 ("2.6", "3.0"); a version without one is left out. */
  chroots: Record<string, string>;
}

/** Where a chroot server's files live, as Kea sees them: Kea 2.6.3+ confines them to directories named by KEA_* variables. */
export const chrootLabDir = "/srv/pdf-lab";

export function ctlPath(labDir: string, program: "dhcpd-ctl" | "kea-ctl"): string {
  return join(labDir, "bin", program);
}

export function generateSecrets(): LabSecrets {
  const omapi: Record<string, string> = {};
  for (const server of iscPair.servers) omapi[server.name] = randomBytes(32).toString("base64");
  const kea: Record<string, { user: string; password: string }> = {};
  for (const server of [...keaPair.servers, ...keaVersionPairs.flatMap((p) => [...p.servers, ...p.extraServers])]) kea[server.name] = { user: `lab-${server.name}`, password: randomBytes(18).toString("base64url") };
  return { omapi, kea };
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`Lab plan: no ${what}.`);
  return value;
}

function iscServer(inputs: PlanInputs, plan: ServerPlan): IscServerInfo {
  const dir = join(inputs.labDir, plan.name);
  return {
    name: plan.name as IscServerInfo["name"],
    namespace: plan.namespace,
    address: plan.address,
    configPath: join(dir, "dhcpd.conf"),
    pristineConfigPath: join(dir, "dhcpd.conf.orig"),
    leasePath: join(dir, "dhcpd.leases"),
    logPath: join(dir, "dhcpd.log"),
    pidPath: join(dir, "dhcpd.pid"),
    ctl: [ctlPath(inputs.labDir, "dhcpd-ctl"), plan.name],
    omapi: { port: omapiPort, keyName: "omapi_key", algorithm: "hmac-sha256", secret: required(inputs.secrets.omapi[plan.name], `OMAPI secret for ${plan.name}`) },
  };
}

function keaServer(inputs: PlanInputs, plan: ServerPlan): KeaServerInfo {
  const dir = join(inputs.labDir, plan.name);
  return {
    name: plan.name as KeaServerInfo["name"],
    namespace: plan.namespace,
    address: plan.address,
    agentUrl: `http://${plan.address}:${keaAgentPort}/`,
    auth: required(inputs.secrets.kea[plan.name], `control agent credentials for ${plan.name}`),
    configPath: join(dir, "kea-dhcp4.conf"),
    pristineConfigPath: join(dir, "kea-dhcp4.conf.orig"),
    agentConfigPath: join(dir, "kea-ctrl-agent.conf"),
    pristineAgentConfigPath: join(dir, "kea-ctrl-agent.conf.orig"),
    leasePath: join(dir, "kea-leases4.csv"),
    controlSocketPath: join(dir, "kea4.sock"),
    logPath: join(dir, "kea-dhcp4.log"),
    agentLogPath: join(dir, "kea-ctrl-agent.log"),
    pidPaths: { dhcp4: join(dir, "run", "dhcp4.pid"), agent: join(dir, "run", "agent.pid") },
    ctl: [ctlPath(inputs.labDir, "kea-ctl"), plan.name],
  };
}

function keaVersionServer(inputs: PlanInputs, pair: KeaVersionPairPlan, plan: ServerPlan, chroot: string): KeaVersionServerInfo {
  const dataDir = join(chrootLabDir, plan.name);
  const hostDataDir = join(chroot, dataDir);
  const agent = pair.version === "2.6";
  return {
    name: plan.name as KeaVersionServerInfo["name"],
    version: pair.version,
    namespace: plan.namespace,
    address: plan.address,
    agentUrl: `http://${plan.address}:${keaAgentPort}/`,
    api: agent ? "control-agent" : "http-socket",
    auth: required(inputs.secrets.kea[plan.name], `control API credentials for ${plan.name}`),
    chroot,
    configPath: join(dataDir, "kea-dhcp4.conf"),
    hostConfigPath: join(hostDataDir, "kea-dhcp4.conf"),
    // Outside the chroot: Kea never sees it, reset copies it back.
    pristineConfigPath: join(inputs.labDir, plan.name, "kea-dhcp4.conf.orig"),
    ...(agent ? { hostAgentConfigPath: join(hostDataDir, "kea-ctrl-agent.conf") } : {}),
    dataDir,
    hostDataDir,
    runDir: join(dataDir, "run"),
    hostLeasePath: join(hostDataDir, "kea-leases4.csv"),
    logPath: join(inputs.labDir, plan.name, "kea-dhcp4.log"),
    ...(agent ? { agentLogPath: join(inputs.labDir, plan.name, "kea-ctrl-agent.log") } : {}),
    pidPaths: { dhcp4: join(inputs.labDir, plan.name, "dhcp4.pid"), ...(agent ? { agent: join(inputs.labDir, plan.name, "agent.pid") } : {}) },
    ctl: [ctlPath(inputs.labDir, "kea-ctl"), plan.name],
  };
}

function keaVersionPairInfo(inputs: PlanInputs, pair: KeaVersionPairPlan, chroot: string): KeaVersionPairInfo {
  return {
    version: pair.version,
    subnet: cidr(pair),
    gateway: pair.gateway,
    pool: { first: pair.poolFirst, last: pair.poolLast },
    // Debian's path, the same in every chroot of this architecture as on the host.
    hooksDir: inputs.keaHooksDir,
    haPort: keaHaPort,
    servers: [keaVersionServer(inputs, pair, pair.servers[0], chroot), keaVersionServer(inputs, pair, pair.servers[1], chroot)],
    spoke: keaVersionServer(inputs, pair, pair.extraServers[0], chroot),
    spokeSubnet: { subnet: pair.spokeSubnet.network, pool: { first: pair.spokeSubnet.poolFirst, last: pair.spokeSubnet.poolLast } },
    client: { namespace: pair.client.namespace, mac: pair.client.mac, interface: serverInterface },
  };
}

export function planLab(inputs: PlanInputs): LabInfo {
  const files = sshdFiles(inputs.labDir);
  const client = (pair: typeof iscPair) => ({ namespace: pair.client.namespace, mac: pair.client.mac, interface: serverInterface });
  return {
    version: 1,
    repoRoot: inputs.repoRoot,
    labDir: inputs.labDir,
    ssh: {
      host: sshHost,
      port: inputs.sshPort,
      username: "root",
      unprivilegedUsername: labUser.name,
      hostKeySha256: inputs.hostKeySha256,
      keys: { admin: files.adminKey, winemu: files.winemuKey },
    },
    isc: {
      subnet: cidr(iscPair),
      gateway: iscPair.gateway,
      pool: { first: iscPair.poolFirst, last: iscPair.poolLast },
      extraSubnets: [...iscExtraSubnets],
      servers: [iscServer(inputs, iscPair.servers[0]), iscServer(inputs, iscPair.servers[1])],
    },
    kea: {
      subnet: cidr(keaPair),
      gateway: keaPair.gateway,
      pool: { first: keaPair.poolFirst, last: keaPair.poolLast },
      hooksDir: inputs.keaHooksDir,
      servers: [keaServer(inputs, keaPair.servers[0]), keaServer(inputs, keaPair.servers[1])],
    },
    clients: {
      isc: client(iscPair),
      kea: client(keaPair),
      ...Object.fromEntries(keaVersionPairs.filter((pair) => inputs.chroots[pair.version]).map((pair) => [`kea${pair.version.replace(".", "")}`, client(pair)])),
    },
    keaVersions: keaVersionPairs.flatMap((pair) => {
      const chroot = inputs.chroots[pair.version];
      return chroot ? [keaVersionPairInfo(inputs, pair, chroot)] : [];
    }),
    winemu: { stateDir: join(inputs.labDir, "winemu") },
  };
}
