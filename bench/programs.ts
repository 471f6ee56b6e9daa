// The scale benchmark's Pulumi program: one ISC relationship and one Kea relationship on the lab's pairs,
// and one FailoverScopeMembership per subnet the benchmark added to the primaries. Every address and path
// comes from lab.json; the SSH key, OMAPI keys and Kea passwords reach it as secret stack config.
import * as fs from "node:fs";
import type { LabInfo } from "../test/lab/index.ts";
import type { PulumiProject } from "../test/support/pulumiProject.ts";

export interface ScalePrograms {
  iscScopes: string[];
  keaScopes: string[];
}

function iscServer(info: LabInfo, index: 0 | 1): string {
  const s = info.isc.servers[index];
  const plain = { name: s.name, address: s.address, configPath: s.configPath, restart: [...s.ctl, "restart"], isRunning: [...s.ctl, "status"] };
  const ssh = { host: info.ssh.host, port: info.ssh.port, username: info.ssh.username, hostKeySha256: info.ssh.hostKeySha256 };
  return `{ ...${JSON.stringify(plain)}, ssh: { ...${JSON.stringify(ssh)}, privateKey: config.requireSecret("sshKey") }, omapi: { keyName: ${JSON.stringify(s.omapi.keyName)}, secret: config.requireSecret("omapi_${s.name}") } }`;
}

function keaPeers(info: LabInfo): string {
  return `[${info.kea.servers
    .map((server, index) => {
      const password = `config.requireSecret(${JSON.stringify(`${server.name}Password`)})`;
      const plain = { name: server.name, url: server.agentUrl, role: index === 0 ? "primary" : "secondary", basicAuthUser: server.auth.user, configPath: server.configPath };
      const api = { url: server.agentUrl, username: server.auth.user, timeoutSeconds: 30 };
      return `{ ...${JSON.stringify(plain)}, basicAuthPassword: ${password}, api: { ...${JSON.stringify(api)}, password: ${password} } }`;
    })
    .join(", ")}]`;
}

/**
 * The program. Both relationships wait 0 s for their peers to settle after a change (waitForNormalSeconds,
 * kea.waitSeconds), so that wall time measures the library's work rather than the daemons' handshakes.
 * With no scopes it declares the relationships alone: the benchmark's setup step.
 */
export function scaleProgram(info: LabInfo, scopes: ScalePrograms): string {
  return `import * as pulumi from "@pulumi/pulumi";
import { FailoverRelationship, FailoverScopeMembership } from "pulumi-dhcp-failover";

const config = new pulumi.Config();
const isc = new FailoverRelationship("bench-isc", {
  vendor: "isc",
  primary: ${iscServer(info, 0)},
  secondary: ${iscServer(info, 1)},
  isc: { mclt: 10, split: 128 },
  waitForNormalSeconds: 0,
});
const kea = new FailoverRelationship("bench-kea", {
  vendor: "kea",
  peers: ${keaPeers(info)},
  kea: { mode: "load-balancing", heartbeatDelay: 2000, maxResponseDelay: 6000, maxAckDelay: 5000, maxUnackedClients: 0, syncTimeout: 30000, waitSeconds: 0 },
});
const iscScopes: string[] = ${JSON.stringify(scopes.iscScopes)};
const keaScopes: string[] = ${JSON.stringify(scopes.keaScopes)};
iscScopes.forEach((scope, i) => new FailoverScopeMembership(\`isc-\${i}\`, { relationship: isc, scope }));
keaScopes.forEach((scope, i) => new FailoverScopeMembership(\`kea-\${i}\`, { relationship: kea, scope }));
`;
}

/** Puts the lab's SSH key, OMAPI secrets and Kea passwords into the stack's config as secrets. */
export async function configureScaleSecrets(project: PulumiProject, info: LabInfo): Promise<void> {
  await project.setConfig("sshKey", fs.readFileSync(info.ssh.keys.admin, "utf8"), { secret: true });
  for (const s of info.isc.servers) await project.setConfig(`omapi_${s.name}`, s.omapi.secret, { secret: true });
  for (const s of info.kea.servers) await project.setConfig(`${s.name}Password`, s.auth.password, { secret: true });
}
