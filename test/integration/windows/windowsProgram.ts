// Pulumi programs for the Windows backend's integration tests, against the lab's emulated Windows DHCP pair,
// over either real transport: PowerShell over SSH (the lab's sshd runs the emulator for the winemu key) or a
// local node-powershell session whose executable is the emulator's pwsh stand-in.
import { randomBytes } from "node:crypto";
import * as path from "node:path";
import type { LabInfo } from "../../lab/index.ts";

export type Transport = "ssh" | "local";

export interface WindowsProgramOptions {
  transport: Transport;
  name: string;
  primary: { label: string; computerName: string };
  secondary: { label: string; computerName: string };
  windows?: Record<string, unknown>;
  onDelete?: Record<string, unknown>;
  /** Read windows.sharedSecret from the stack's secret config "sharedSecret". */
  sharedSecret?: boolean;
  scopes: string[];
  replication?: { source: string; level: "scope" | "relationship" | "server"; scopes?: string[]; triggers?: unknown[] };
}

export const emulatorExecutable = (info: LabInfo) => path.join(info.repoRoot, "test", "emulator", "pwsh-emulator");

/** Unique computer names, so that this test's servers never meet another test's in the shared state. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString("hex")}`;
}

function connection(info: LabInfo, transport: Transport, computerName: string): unknown {
  if (transport === "local") return { local: { executable: emulatorExecutable(info), computerName } };
  return {
    overSsh: {
      ssh: { host: info.ssh.host, port: info.ssh.port, username: info.ssh.username, hostKeySha256: info.ssh.hostKeySha256, privateKeyPath: info.ssh.keys.winemu },
    },
  };
}

/** A server as the program declares it. */
export function serverArgs(info: LabInfo, transport: Transport, side: { label: string; computerName: string }): Record<string, unknown> {
  return { name: side.label, computerName: side.computerName, connection: connection(info, transport, side.computerName) };
}

export function windowsProgram(info: LabInfo, options: WindowsProgramOptions): string {
  const server = (side: { label: string; computerName: string }) => serverArgs(info, options.transport, side);
  const windows = JSON.stringify(options.windows ?? {});
  const memberships = options.scopes
    .map((scope) => `new FailoverScopeMembership(${JSON.stringify(`scope-${scope}`)}, { relationship, scope: ${JSON.stringify(scope)} });`)
    .join("\n");
  const replication = options.replication
    ? `export const replication = new ReplicationTrigger("replication", { relationship, ...${JSON.stringify(options.replication)} });
export const replicated = replication.replicated;
export const outOfSync = replication.outOfSync;`
    : "";
  return `import * as pulumi from "@pulumi/pulumi";
import { FailoverRelationship, FailoverScopeMembership, ReplicationTrigger } from "pulumi-dhcp-failover";

const config = new pulumi.Config();
const relationship = new FailoverRelationship("relationship", {
  vendor: "windows",
  name: ${JSON.stringify(options.name)},
  primary: ${JSON.stringify(server(options.primary))},
  secondary: ${JSON.stringify(server(options.secondary))},
  windows: { ...${windows}${options.sharedSecret ? `, sharedSecret: config.requireSecret("sharedSecret")` : ""} },
  onDelete: ${JSON.stringify(options.onDelete ?? {})},
});
${memberships}
${replication}
void ReplicationTrigger;
export const status = relationship.status;
export const summary = relationship.summary;
`;
}
