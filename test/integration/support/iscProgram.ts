// Programs for the ISC pair of the lab. Connection details come from the lab; secrets (the SSH key and
// the OMAPI keys) reach the program through `pulumi config set --secret`, as a user's would.
import * as fs from "node:fs";
import type { LabInfo } from "../../lab/labInfo.ts";
import type { PulumiProject } from "../../support/pulumiProject.ts";

export interface IscProgramOptions {
  name?: string;
  isc?: Record<string, unknown>;
  relationship?: Record<string, unknown>;
  secondaryFailover?: Record<string, unknown>;
  /** Server settings of the secondary besides its failover statements (a fault test's restart command). */
  secondaryServer?: Record<string, unknown>;
  /** False leaves `port` out of both servers (dhcpd then uses 647 and nothing writes the statement). */
  ports?: boolean;
  /** Membership resource name -> extra args (scope required). */
  memberships?: Record<string, Record<string, unknown>>;
  /** Trigger resource name -> args besides the relationship. */
  triggers?: Record<string, Record<string, unknown>>;
}

function server(info: LabInfo, index: 0 | 1, ports: boolean): string {
  const s = info.isc.servers[index];
  const plain = {
    name: s.name,
    address: s.address,
    ...(ports ? { port: 647 } : {}),
    configPath: s.configPath,
    restart: [...s.ctl, "restart"],
    isRunning: [...s.ctl, "status"],
  };
  const ssh = { host: info.ssh.host, port: info.ssh.port, username: info.ssh.username, hostKeySha256: info.ssh.hostKeySha256 };
  return `{ ...${JSON.stringify(plain)}, ssh: { ...${JSON.stringify(ssh)}, privateKey: config.requireSecret("sshKey") }, omapi: { keyName: ${JSON.stringify(s.omapi.keyName)}, secret: config.requireSecret("omapi_${s.name}") } }`;
}

export function iscProgram(info: LabInfo, options: IscProgramOptions = {}): string {
  const memberships = Object.entries(options.memberships ?? {})
    .map(([name, args]) => `export const ${ident(name)} = new FailoverScopeMembership(${JSON.stringify(name)}, { relationship, ...${JSON.stringify(args)} }).status;`)
    .join("\n");
  const triggers = Object.entries(options.triggers ?? {})
    .map(([name, args]) => `export const ${ident(name)} = new ReplicationTrigger(${JSON.stringify(name)}, { relationship, ...${JSON.stringify(args)} }).outOfSync;`)
    .join("\n");
  return `import * as pulumi from "@pulumi/pulumi";
import { FailoverRelationship, FailoverScopeMembership, ReplicationTrigger } from "pulumi-dhcp-failover";
const config = new pulumi.Config();
const primary = ${server(info, 0, options.ports ?? true)};
const secondary = ${server(info, 1, options.ports ?? true)};
const relationship = new FailoverRelationship(${JSON.stringify(options.name ?? "lab-isc")}, {
  vendor: "isc",
  primary,
  secondary: { ...secondary, ...${JSON.stringify({ ...options.secondaryServer, ...(options.secondaryFailover ? { failover: options.secondaryFailover } : {}) })} },
  // Stated, not defaulted: a program gets only the statements it sets.
  isc: ${JSON.stringify({ mclt: 10, split: 128, maxResponseDelay: 30, maxUnackedUpdates: 10, loadBalanceMaxSeconds: 3, ...options.isc })},
  waitForNormalSeconds: 30,
  ...${JSON.stringify(options.relationship ?? {})},
});
export const relationshipStatus = relationship.status;
${memberships}
${triggers}
void ReplicationTrigger;
`;
}

function ident(name: string): string {
  return name.replace(/[^A-Za-z0-9]/g, "_");
}

/** Puts the lab's SSH key and OMAPI secrets into the stack's config as secrets. */
export async function configureIscSecrets(project: PulumiProject, info: LabInfo): Promise<void> {
  await project.setConfig("sshKey", fs.readFileSync(info.ssh.keys.admin, "utf8"), { secret: true });
  for (const s of info.isc.servers) await project.setConfig(`omapi_${s.name}`, s.omapi.secret, { secret: true });
}

/** Every secret the ISC programs handle, for "never in plaintext" assertions. */
export function iscSecrets(info: LabInfo): string[] {
  const key = fs.readFileSync(info.ssh.keys.admin, "utf8");
  const keyBody = key.split("\n").filter((line) => line && !line.startsWith("-----")).join("");
  return [keyBody.slice(0, 40), ...info.isc.servers.map((s) => s.omapi.secret)];
}
