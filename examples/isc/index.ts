// ISC dhcpd 4.4 failover between two servers, managed over SSH: the `failover peer` block on both, written
// mirrored, and the pools of the listed subnets joined to it. Everything but the secrets comes from the
// stack's configuration (see Pulumi.example.yaml); the SSH key and OMAPI keys are secret config values.
import * as pulumi from "@pulumi/pulumi";
import { FailoverRelationship, FailoverScopeMembership } from "pulumi-dhcp-failover";

/** A server as the stack's configuration describes it: where it is and how to reach it, no secrets. */
interface ServerConfig {
  name: string;
  /** The address the failover peer listens on. */
  address: string;
  ssh: { host: string; port?: number; username: string; hostKeySha256: string };
  configPath?: string;
  restart?: string[];
  isRunning?: string[];
  omapi?: { keyName: string; port?: number };
}

const config = new pulumi.Config();
const sshKey = config.requireSecret("sshKey");

function server(key: "primary" | "secondary") {
  const { ssh, omapi, ...rest } = config.requireObject<ServerConfig>(key);
  return {
    ...rest,
    ssh: { ...ssh, privateKey: sshKey },
    // OMAPI lets the relationship report each peer's failover state (normal, partner-down...).
    ...(omapi ? { omapi: { ...omapi, secret: config.requireSecret(`${key}OmapiSecret`) } } : {}),
  };
}

const relationship = new FailoverRelationship("failover", {
  vendor: "isc",
  name: config.get("peerName") ?? "dhcp-failover",
  primary: server("primary"),
  secondary: server("secondary"),
  isc: {
    mclt: config.getNumber("mclt") ?? 3600,
    split: config.getNumber("split") ?? 128,
    maxResponseDelay: 30,
    maxUnackedUpdates: 10,
    loadBalanceMaxSeconds: 3,
  },
});

const scopes = config.requireObject<string[]>("scopes");
for (const scope of scopes) {
  new FailoverScopeMembership(`scope-${scope}`, { relationship, scope });
}

export const summary = relationship.summary;
export const status = relationship.status;
