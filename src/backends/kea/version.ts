/** Kea's version, and what each version can and cannot do with High Availability. */
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

function atLeast(version: KeaVersion, major: number, minor: number, patch = 0): boolean {
  if (version.major !== major) return version.major > major;
  if (version.minor !== minor) return version.minor > minor;
  return version.patch >= patch;
}

/** The oldest Kea this backend manages: its HA parameters and config-get output are the ones verified. */
export const OLDEST_SUPPORTED = "2.2.0";

export interface HaFeatures {
  supported: boolean;
  /** Hub-and-spoke: several hot-standby relationships on one server, subnets tied by ha-server-name (2.6.0). */
  severalRelationships: boolean;
  maxRejectedLeaseUpdates: boolean;
  restrictCommands: boolean;
  /** Kea's default for enable-multi-threading and http-dedicated-listener. */
  multiThreadingDefault: boolean;
  restrictCommandsDefault: boolean;
  /**
   * config-test on a live HA peer whose dedicated listener runs stopped that listener from restarting
   * (fixed in 3.0.4 and 3.1.3): on these versions config-test is never sent to a server running HA with one.
   */
  listenerBug: boolean;
}

export function haFeatures(version: KeaVersion): HaFeatures {
  const v3 = version.major >= 3;
  return {
    supported: atLeast(version, 2, 2),
    severalRelationships: atLeast(version, 2, 6),
    maxRejectedLeaseUpdates: atLeast(version, 2, 4),
    restrictCommands: atLeast(version, 2, 2),
    multiThreadingDefault: atLeast(version, 2, 4),
    restrictCommandsDefault: v3,
    listenerBug: !atLeast(version, 3, 0, 4) || (version.major === 3 && version.minor === 1 && version.patch < 3),
  };
}
