/** Windows versions as Get-DhcpServerVersion reports them (MajorVersion.MinorVersion: 6.2 is 2012, 6.3 is 2012 R2). */
export interface WindowsVersion {
  major: number;
  minor: number;
}

/**
 * Windows Server 2012 R2: taken as the first that changes a relationship's mode in place (Set-DhcpServerv4Failover
 * -Mode). ASSUMPTION (test/emulator/CONTRACT.md): no page says so, and the winserver2012-ps page lists -Mode; the
 * refusal is kept as the safer reading.
 */
export const MODE_CHANGE_SINCE: WindowsVersion = { major: 6, minor: 3 };

export function olderThan(a: WindowsVersion, b: WindowsVersion): boolean {
  return a.major < b.major || (a.major === b.major && a.minor < b.minor);
}

export function versionText(version: WindowsVersion): string {
  return `${version.major}.${version.minor}`;
}
