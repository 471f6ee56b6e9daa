/**
 * The lab's fixed network plan. Only lab code reads these constants: tests get every address from lab.json.
 */

export type PairName = "isc" | "kea" | "kea26" | "kea30";
export type IscServerName = "isc1" | "isc2";
export type KeaServerName = "kea1" | "kea2";
/** Servers of the Kea 2.6 and 3.0 pairs, run from Debian chroots (chroots.ts). */
export type KeaVersionServerName = "kea26a" | "kea26b" | "kea26c" | "kea30a" | "kea30b" | "kea30c";
export type ServerName = IscServerName | KeaServerName | KeaVersionServerName;

export interface ServerPlan {
  name: ServerName;
  namespace: string;
  address: string;
  mac: string;
  /** The veth end left in the switch namespace. */
  switchPort: string;
}

export interface PairPlan {
  bridge: string;
  network: string;
  prefixLength: number;
  /** The root namespace's address on this bridge: tests, ssh, omshell and HTTP reach the servers through it. */
  gateway: string;
  rootLink: string;
  rootPeer: string;
  poolFirst: string;
  poolLast: string;
  servers: [ServerPlan, ServerPlan];
  /** More servers on the bridge, beyond the pair. */
  extraServers?: ServerPlan[];
  client: { namespace: string; mac: string; switchPort: string };
}

export const switchNamespace = "pdf-sw";
/** Every server and client namespace uses this name for its one interface. */
export const serverInterface = "eth0";

export const iscPair: PairPlan = {
  bridge: "br-isc",
  network: "10.231.1.0",
  prefixLength: 24,
  gateway: "10.231.1.1",
  rootLink: "pdf-isc",
  rootPeer: "root-isc",
  poolFirst: "10.231.1.100",
  poolLast: "10.231.1.199",
  servers: [
    { name: "isc1", namespace: "pdf-isc1", address: "10.231.1.11", mac: "02:00:0a:e7:01:0b", switchPort: "isc1" },
    { name: "isc2", namespace: "pdf-isc2", address: "10.231.1.12", mac: "02:00:0a:e7:01:0c", switchPort: "isc2" },
  ],
  client: { namespace: "pdf-cli-isc", mac: "02:00:0a:e7:01:64", switchPort: "cli-isc" },
};

export const keaPair: PairPlan = {
  bridge: "br-kea",
  network: "10.231.2.0",
  prefixLength: 24,
  gateway: "10.231.2.1",
  rootLink: "pdf-kea",
  rootPeer: "root-kea",
  poolFirst: "10.231.2.100",
  poolLast: "10.231.2.199",
  servers: [
    { name: "kea1", namespace: "pdf-kea1", address: "10.231.2.11", mac: "02:00:0a:e7:02:0b", switchPort: "kea1" },
    { name: "kea2", namespace: "pdf-kea2", address: "10.231.2.12", mac: "02:00:0a:e7:02:0c", switchPort: "kea2" },
  ],
  client: { namespace: "pdf-cli-kea", mac: "02:00:0a:e7:02:64", switchPort: "cli-kea" },
};

/** A pair of newer Kea, beside the host's Kea 2.2 pair: its own bridge, network and client. */
export interface KeaVersionPairPlan extends PairPlan {
  /** A version of chroots.ts's keaReleases. */
  version: "2.6" | "3.0";
  /**
   * Hub-and-spoke: the pair's first server is a hub in two hot-standby relationships, with the pair's
   * second server and with this one, which holds only its own subnet (not the bridge's, so it never answers
   * the pair's client by itself).
   */
  extraServers: [ServerPlan];
  spokeSubnet: { network: string; poolFirst: string; poolLast: string };
}

export const keaVersionPairs: readonly KeaVersionPairPlan[] = [
  {
    version: "2.6",
    bridge: "br-kea26",
    network: "10.231.26.0",
    prefixLength: 24,
    gateway: "10.231.26.1",
    rootLink: "pdf-kea26",
    rootPeer: "root-kea26",
    poolFirst: "10.231.26.100",
    poolLast: "10.231.26.199",
    servers: [
      { name: "kea26a", namespace: "pdf-kea26a", address: "10.231.26.11", mac: "02:00:0a:e7:1a:0b", switchPort: "kea26a" },
      { name: "kea26b", namespace: "pdf-kea26b", address: "10.231.26.12", mac: "02:00:0a:e7:1a:0c", switchPort: "kea26b" },
    ],
    extraServers: [{ name: "kea26c", namespace: "pdf-kea26c", address: "10.231.26.13", mac: "02:00:0a:e7:1a:0d", switchPort: "kea26c" }],
    spokeSubnet: { network: "10.231.126.0/24", poolFirst: "10.231.126.100", poolLast: "10.231.126.199" },
    client: { namespace: "pdf-cli-kea26", mac: "02:00:0a:e7:1a:64", switchPort: "cli-kea26" },
  },
  {
    version: "3.0",
    bridge: "br-kea30",
    network: "10.231.30.0",
    prefixLength: 24,
    gateway: "10.231.30.1",
    rootLink: "pdf-kea30",
    rootPeer: "root-kea30",
    poolFirst: "10.231.30.100",
    poolLast: "10.231.30.199",
    servers: [
      { name: "kea30a", namespace: "pdf-kea30a", address: "10.231.30.11", mac: "02:00:0a:e7:1e:0b", switchPort: "kea30a" },
      { name: "kea30b", namespace: "pdf-kea30b", address: "10.231.30.12", mac: "02:00:0a:e7:1e:0c", switchPort: "kea30b" },
    ],
    extraServers: [{ name: "kea30c", namespace: "pdf-kea30c", address: "10.231.30.13", mac: "02:00:0a:e7:1e:0d", switchPort: "kea30c" }],
    spokeSubnet: { network: "10.231.130.0/24", poolFirst: "10.231.130.100", poolLast: "10.231.130.199" },
    client: { namespace: "pdf-cli-kea30", mac: "02:00:0a:e7:1e:64", switchPort: "cli-kea30" },
  },
];

export const pairs: readonly PairPlan[] = [iscPair, keaPair, ...keaVersionPairs];

/** Subnets only isc1 declares at first, so tests can copy a subnet to the partner. */
export const iscExtraSubnets = ["10.231.11.0/24", "10.231.12.0/24"] as const;

export const omapiPort = 7911;
export const keaAgentPort = 8000;
/** Where the peers of the Kea 2.6 and 3.0 pairs listen for each other (HA's dedicated listener), beside the API on keaAgentPort. */
export const keaHaPort = 8001;
export const sshHost = "127.0.0.1";
/**
 * An unprivileged system user the lab creates (and down removes), who logs in with the admin key: root
 * passes every permission check, so permission failures can only be shown as another user.
 */
export const labUser = { name: "pdf-lab-user", comment: "pulumi-dhcp-failover lab user, removed by lab down" } as const;
/** The first port tried for the lab's sshd; the next free one is used if it is taken. */
export const sshPortFirst = 2222;
export const sshPortLast = 2299;

/** Every namespace the lab owns, clients first and the switch last: the order teardown deletes them in. */
export function allNamespaces(): string[] {
  return [
    ...pairs.map((p) => p.client.namespace),
    ...pairs.flatMap((p) => [...p.servers, ...(p.extraServers ?? [])].map((s) => s.namespace)),
    switchNamespace,
  ];
}

export function cidr(pair: PairPlan): string {
  return `${pair.network}/${pair.prefixLength}`;
}
