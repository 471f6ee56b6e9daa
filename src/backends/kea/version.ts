/**
 * Kea's version, and THE table of what differs between the Kea versions this backend manages. Check,
 * generation and comparison all read the differences from here (haFeatures), never from a version test of
 * their own.
 */
export interface KeaVersion {
  major: number;
  minor: number;
  patch: number;
  text: string;
}

export function parseVersion(text: string): KeaVersion {
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(text.trim());
  if (!match) throw new Error(`cannot read Kea's version from ${JSON.stringify(text.slice(0, 40))}`);
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]), text: `${match[1]}.${match[2]}.${match[3]}` };
}

function compare(version: KeaVersion, text: string): number {
  const other = parseVersion(text);
  return version.major - other.major || version.minor - other.minor || version.patch - other.patch;
}

/** The oldest Kea this backend manages: its HA parameters and config-get output are the ones verified. */
export const OLDEST_SUPPORTED = "2.2.0";

export interface HaFeatures {
  supported: boolean;
  /** Hub-and-spoke: several hot-standby relationships on one server, subnets tied by ha-server-name. */
  severalRelationships: boolean;
  maxRejectedLeaseUpdates: boolean;
  restrictCommands: boolean;
  /** Kea's default for the HA hook's enable-multi-threading and http-dedicated-listener. */
  multiThreadingDefault: boolean;
  /** Kea's default for Dhcp4's own multi-threading.enable-multi-threading: HA multi-threading needs it on. */
  dhcpMultiThreadingDefault: boolean;
  restrictCommandsDefault: boolean;
  /**
   * config-test on a live HA peer whose dedicated listener runs stopped that listener from restarting
   * (fixed in 3.0.4 and 3.1.3): on these versions config-test is never sent to a server running HA with one.
   */
  listenerBug: boolean;
  /** A pool's classes are the list client-classes; the string client-class is deprecated and read back as the list. */
  poolClientClasses: boolean;
  /** Sockets, lease and log files, hooks and config-write are confined to Kea's own directories. */
  confinedPaths: boolean;
}

interface Row {
  feature: keyof HaFeatures;
  /** First version with the feature ... */
  from: string;
  /** ... and the first without it again, when it went. */
  before?: string;
  /** Where the fact comes from. */
  source: string;
}

/** One row per difference. A feature is on for a version when any of its rows covers it. */
export const VERSION_TABLE: readonly Row[] = [
  { feature: "supported", from: OLDEST_SUPPORTED, source: "the oldest version this backend was verified against" },
  { feature: "severalRelationships", from: "2.6.0", source: "Kea ARM, High Availability: hub-and-spoke (2.6.0)" },
  { feature: "maxRejectedLeaseUpdates", from: "2.4.0", source: "Kea ARM, HA parameters: max-rejected-lease-updates (2.4.0)" },
  { feature: "restrictCommands", from: "2.2.0", source: "Kea ARM, HA parameters: restrict-commands" },
  { feature: "multiThreadingDefault", from: "2.4.0", source: "Kea 2.4 release notes: HA multi-threading and its dedicated listener on by default" },
  { feature: "dhcpMultiThreadingDefault", from: "2.4.0", source: "Kea 2.4 release notes: kea-dhcp4 multi-threading on by default" },
  { feature: "restrictCommandsDefault", from: "3.0.0", source: "Kea 3.0 ARM: restrict-commands defaults to true" },
  { feature: "listenerBug", from: "0.0.0", before: "3.0.4", source: "Kea 3.0.4 release notes: config-test stopped the HA dedicated listener" },
  { feature: "listenerBug", from: "3.1.0", before: "3.1.3", source: "Kea 3.1.3 release notes: the same fix" },
  { feature: "poolClientClasses", from: "3.0.0", source: "Kea 3.0 config-get: DHCPSRV_CLIENT_CLASS_DEPRECATED, pools read back with client-classes" },
  { feature: "confinedPaths", from: "2.6.3", source: "Kea 2.6.3 / 3.0 security release: paths limited to Kea's directories" },
];

export function haFeatures(version: KeaVersion): HaFeatures {
  const on = (feature: keyof HaFeatures) =>
    VERSION_TABLE.some((row) => row.feature === feature && compare(version, row.from) >= 0 && (row.before === undefined || compare(version, row.before) < 0));
  return {
    supported: on("supported"),
    severalRelationships: on("severalRelationships"),
    maxRejectedLeaseUpdates: on("maxRejectedLeaseUpdates"),
    restrictCommands: on("restrictCommands"),
    multiThreadingDefault: on("multiThreadingDefault"),
    dhcpMultiThreadingDefault: on("dhcpMultiThreadingDefault"),
    restrictCommandsDefault: on("restrictCommandsDefault"),
    listenerBug: on("listenerBug"),
    poolClientClasses: on("poolClientClasses"),
    confinedPaths: on("confinedPaths"),
  };
}
