/**
 * The permissions preflight, vendor-neutral part: what a missing permission says, and the error that lists
 * them. Each vendor decides what a change needs (a pure rule) and probes its servers (read-only).
 */

/** One permission a change needs on one server and the credentials lack. */
export interface MissingPermission {
  /** The server's label from the program. */
  server: string;
  /** What cannot be done, in the vendor's words: "write /etc/dhcp/dhcpd.conf". */
  permission: string;
  /** What to grant, or how to check: "chown dhcpadmin /etc/dhcp/dhcpd.conf". */
  grant: string;
}

/** Thrown before the first write when the credentials cannot make the change: nothing was changed. */
export class PermissionError extends Error {
  constructor(readonly missing: readonly MissingPermission[]) {
    super(describeMissing(missing));
    this.name = "PermissionError";
  }
}

export function describeMissing(missing: readonly MissingPermission[]): string {
  const lines = missing.map((m) => `- ${m.server}: cannot ${m.permission}: ${m.grant}`);
  return `the credentials lack ${missing.length === 1 ? "a permission" : "permissions"} this change needs, so nothing was changed:\n${lines.join("\n")}`;
}

/** Throws a PermissionError when anything is missing. */
export function requireNone(missing: readonly MissingPermission[]): void {
  if (missing.length > 0) throw new PermissionError(missing);
}
