// The demo program (the repository's Pulumi.yaml runs it): DHCP failover on the lab's real servers.
// An ISC dhcpd pair with two scopes, and a Kea pair in load-balancing with one scope whose configuration
// is replicated from kea1 to kea2. Every address and path comes from the stack's configuration, which
// `npm run demo` fills from the lab; the SSH key, OMAPI keys and API passwords are secret config values.
import * as pulumi from "@pulumi/pulumi";
import { FailoverRelationship, FailoverScopeMembership, ReplicationTrigger } from "pulumi-dhcp-failover";

interface SshEndpoint {
  host: string;
  port: number;
  username: string;
  /** The server's host key, pinned: any other key is refused. */
  hostKeySha256: string;
}

interface IscServer {
  name: string;
  address: string;
  configPath: string;
  restart: string[];
  isRunning: string[];
  omapiKeyName: string;
}

interface KeaServer {
  name: string;
  url: string;
  username: string;
  configPath: string;
}

interface LabConfig {
  ssh: SshEndpoint;
  isc: { servers: [IscServer, IscServer]; scopes: [string, string] };
  kea: { servers: [KeaServer, KeaServer]; scope: string };
}

const config = new pulumi.Config();
const lab = config.requireObject<LabConfig>("lab");
const sshKey = config.requireSecret("sshKey");

function iscServer(server: IscServer) {
  const { omapiKeyName, ...rest } = server;
  return {
    ...rest,
    ssh: { ...lab.ssh, privateKey: sshKey },
    omapi: { keyName: omapiKeyName, secret: config.requireSecret(`${server.name}OmapiSecret`) },
  };
}

const campus = new FailoverRelationship("campus", {
  vendor: "isc",
  primary: iscServer(lab.isc.servers[0]),
  secondary: iscServer(lab.isc.servers[1]),
  // A short MCLT keeps the lab quick to recover after restarts; production values are an hour or more.
  isc: { mclt: 10, split: 128, loadBalanceMaxSeconds: 3 },
  waitForNormalSeconds: 30,
});

const [usersScope, printersScope] = lab.isc.scopes;
const users = new FailoverScopeMembership("campus-users", { relationship: campus, scope: usersScope });
// The printers' subnet exists only on the primary: the membership copies it to the partner.
const printers = new FailoverScopeMembership("campus-printers", { relationship: campus, scope: printersScope });

const branch = new FailoverRelationship("branch", {
  vendor: "kea",
  peers: lab.kea.servers.map((server, index) => {
    const password = config.requireSecret(`${server.name}Password`);
    return {
      name: server.name,
      url: server.url,
      role: index === 0 ? ("primary" as const) : ("secondary" as const),
      configPath: server.configPath,
      api: { url: server.url, username: server.username, password, timeoutSeconds: 10 },
      basicAuthUser: server.username,
      basicAuthPassword: password,
    };
  }),
  kea: { mode: "load-balancing", heartbeatDelay: 2000, maxResponseDelay: 6000, maxAckDelay: 5000, maxUnackedClients: 0, waitSeconds: 60 },
});

const branchScope = new FailoverScopeMembership("branch-clients", { relationship: branch, scope: lab.kea.scope });
const branchSync = new ReplicationTrigger(
  "branch-sync",
  { relationship: branch, source: lab.kea.servers[0].name, level: "scope", scopes: [lab.kea.scope] },
  { dependsOn: [branchScope] },
);

export const relationships = { campus: campus.summary, branch: branch.summary };
// Each membership reports both servers' failover state right after its own write (`npm run demo -- status`
// reads them live at any time).
export const failoverState = { campusUsers: users.status, campusPrinters: printers.status, branchClients: branchScope.status };
export const outOfSync = branchSync.outOfSync;
