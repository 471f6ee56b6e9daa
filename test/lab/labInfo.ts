import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { z } from "zod";
import { labInfoPath } from "./paths.ts";
import { labUser } from "./topology.ts";

/** The one description of a running lab (.lab/lab.json): everything tests need to reach the servers. */

const path = z.string().startsWith("/");
const ipv4 = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}$/);
const cidr = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/);
const argv = z.array(z.string()).min(1);

export const IscServerInfoSchema = z.object({
  name: z.enum(["isc1", "isc2"]),
  namespace: z.string(),
  address: ipv4,
  /** The file dhcpd reads (-cf): the library edits it over SFTP and checks it with `dhcpd -t -cf`. */
  configPath: path,
  pristineConfigPath: path,
  leasePath: path,
  logPath: path,
  pidPath: path,
  /** Run with start|stop|restart|status appended, locally or over ssh as the admin user. */
  ctl: argv,
  omapi: z.object({
    port: z.number().int(),
    keyName: z.string(),
    algorithm: z.literal("hmac-sha256"),
    secret: z.string(),
  }),
});

export const KeaServerInfoSchema = z.object({
  name: z.enum(["kea1", "kea2"]),
  namespace: z.string(),
  address: ipv4,
  agentUrl: z.url(),
  auth: z.object({ user: z.string(), password: z.string() }),
  configPath: path,
  pristineConfigPath: path,
  agentConfigPath: path,
  pristineAgentConfigPath: path,
  leasePath: path,
  controlSocketPath: path,
  logPath: path,
  agentLogPath: path,
  pidPaths: z.object({ dhcp4: path, agent: path }),
  ctl: argv,
});

/**
 * A server of a Kea 2.6 or 3.0 pair: kea-dhcp4 (and on 2.6 its Control Agent) run in a Debian chroot.
 * Paths Kea sees are inside the chroot (`configPath`: what configPath in a program names); host* paths are
 * the same files seen from the host.
 */
export const KeaVersionServerInfoSchema = z.object({
  name: z.enum(["kea26a", "kea26b", "kea26c", "kea30a", "kea30b", "kea30c"]),
  version: z.enum(["2.6", "3.0"]),
  namespace: z.string(),
  address: ipv4,
  /** The control API: the Control Agent on 2.6, kea-dhcp4's own HTTP control socket on 3.0. */
  agentUrl: z.url(),
  api: z.enum(["control-agent", "http-socket"]),
  auth: z.object({ user: z.string(), password: z.string() }),
  chroot: path,
  /** kea-dhcp4's -c file, as Kea sees it. */
  configPath: path,
  hostConfigPath: path,
  pristineConfigPath: path,
  hostAgentConfigPath: path.optional(),
  /** The directory Kea's own files live in (KEA_DHCP_DATA_DIR, its config), as Kea sees it, and from the host. */
  dataDir: path,
  hostDataDir: path,
  /** KEA_CONTROL_SOCKET_DIR, KEA_PIDFILE_DIR, KEA_LOCKFILE_DIR: mode 750 (2.6.3+ refuse looser). */
  runDir: path,
  hostLeasePath: path,
  logPath: path,
  agentLogPath: path.optional(),
  pidPaths: z.object({ dhcp4: path, agent: path.optional() }),
  ctl: argv,
});

const PoolSchema = z.object({ first: ipv4, last: ipv4 });
const ClientSchema = z.object({ namespace: z.string(), mac: z.string(), interface: z.string() });

export const LabInfoSchema = z.object({
  version: z.literal(1),
  repoRoot: path,
  labDir: path,
  ssh: z.object({
    host: ipv4,
    port: z.number().int(),
    username: z.string(),
    /** A user without privileges (not root, in no group but its own) who logs in with the admin key too; absent in a lab.json from before it existed. */
    unprivilegedUsername: z.string().default(labUser.name),
    /** OpenSSH format, "SHA256:" + unpadded base64 of the host key blob's SHA-256. */
    hostKeySha256: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/),
    keys: z.object({ admin: path, winemu: path }),
  }),
  isc: z.object({
    subnet: cidr,
    gateway: ipv4,
    pool: PoolSchema,
    /** Declared in isc1's base config only. */
    extraSubnets: z.array(cidr),
    servers: z.tuple([IscServerInfoSchema, IscServerInfoSchema]),
  }),
  kea: z.object({
    subnet: cidr,
    gateway: ipv4,
    pool: PoolSchema,
    /** Where libdhcp_lease_cmds.so and libdhcp_ha.so live on this machine. */
    hooksDir: path,
    servers: z.tuple([KeaServerInfoSchema, KeaServerInfoSchema]),
  }),
  clients: z.object({ isc: ClientSchema, kea: ClientSchema, kea26: ClientSchema.optional(), kea30: ClientSchema.optional() }),
  /** The Kea 2.6 and 3.0 pairs; empty in a lab.json from before they existed. */
  keaVersions: z
    .array(
      z.object({
        version: z.enum(["2.6", "3.0"]),
        subnet: cidr,
        gateway: ipv4,
        pool: PoolSchema,
        hooksDir: path,
        /** Port of each peer's HA url (the dedicated listener), beside the API's. */
        haPort: z.number().int(),
        servers: z.tuple([KeaVersionServerInfoSchema, KeaVersionServerInfoSchema]),
        /** Hub-and-spoke: a third server, holding only spokeSubnet (id 2), for a second relationship with servers[0] as hub. */
        spoke: KeaVersionServerInfoSchema,
        spokeSubnet: z.object({ subnet: cidr, pool: PoolSchema }),
        client: ClientSchema,
      }),
    )
    .default([]),
  winemu: z.object({ stateDir: path }),
});

export type LabInfo = z.infer<typeof LabInfoSchema>;
export type IscServerInfo = z.infer<typeof IscServerInfoSchema>;
export type KeaServerInfo = z.infer<typeof KeaServerInfoSchema>;
export type KeaVersionServerInfo = z.infer<typeof KeaVersionServerInfoSchema>;
export type KeaVersionPairInfo = LabInfo["keaVersions"][number];

export function keaVersionPair(info: LabInfo, version: string): KeaVersionPairInfo {
  const pair = info.keaVersions.find((p) => p.version === version);
  if (!pair) throw new Error(`The lab has no Kea ${version} pair (it has ${info.keaVersions.map((p) => p.version).join(", ") || "none"}): bring it up with \`npm run lab -- up\`.`);
  return pair;
}

export function readLabInfo(): LabInfo {
  let text: string;
  try {
    text = readFileSync(labInfoPath, "utf8");
  } catch (error) {
    throw new Error(`The lab is not up: cannot read ${labInfoPath} (${(error as Error).message}). Start it with \`npm run lab -- up\`.`);
  }
  const parsed = LabInfoSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new Error(`${labInfoPath} does not match the lab's schema (${z.prettifyError(parsed.error)}). Recreate it with \`npm run lab -- down && npm run lab -- up\`.`);
  }
  return parsed.data;
}

/** Written atomically: tests may read it while `up` repairs a lab. */
export function writeLabInfo(info: LabInfo): void {
  const temporary = `${labInfoPath}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(LabInfoSchema.parse(info), null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, labInfoPath);
}

export function iscServer(info: LabInfo, name: string): IscServerInfo {
  const server = info.isc.servers.find((s) => s.name === name);
  if (!server) throw new Error(`No ISC lab server named "${name}": expected one of ${info.isc.servers.map((s) => s.name).join(", ")}.`);
  return server;
}

export function keaServer(info: LabInfo, name: string): KeaServerInfo {
  const server = info.kea.servers.find((s) => s.name === name);
  if (!server) throw new Error(`No Kea lab server named "${name}": expected one of ${info.kea.servers.map((s) => s.name).join(", ")}.`);
  return server;
}
