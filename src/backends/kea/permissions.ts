/**
 * What a Kea change needs from the control API, as pure functions. Every write (apply.ts) reads the
 * running configuration fresh (config-get), tests it (config-test, skipped where it would break a live HA
 * listener), sets it (config-set) and saves it (config-write); relationships then wait on status-get, and
 * version-get tells which Kea rules apply. HA and lease commands are not among them: the library loads
 * those hooks itself with the first relationship, and no create, update, delete or replication calls them.
 */
import type { MissingPermission } from "../preflight";

/** What the probe learned on one server: the commands it accepts, or the API's refusal of the user. */
export type KeaAccess = { kind: "commands"; commands: string[] } | { kind: "refused"; status: 401 | 403 };

export interface KeaApiIdentity {
  /** The peer's name. */
  server: string;
  url: string;
  username: string | undefined;
}

export function keaRequiredCommands(options: { configTest: boolean }): string[] {
  return ["version-get", "config-get", ...(options.configTest ? ["config-test"] : []), "config-set", "config-write", "status-get"];
}

/** list-commands' arguments: the names the server accepts. */
export function parseCommandList(server: string, args: unknown): string[] {
  if (!Array.isArray(args) || !args.every((name) => typeof name === "string")) {
    throw new Error(`${server}: list-commands returned ${JSON.stringify(args)?.slice(0, 200)}, not a list of command names: is api.url a Kea control API?`);
  }
  return args;
}

/** The rule: a refused user, or each required command the server does not accept, with what to grant. */
export function keaMissingPermissions(api: KeaApiIdentity, access: KeaAccess, required: readonly string[]): MissingPermission[] {
  const user = api.username === undefined ? "no API user (api.username is not set)" : `the API user "${api.username}"`;
  if (access.kind === "refused") {
    const grant =
      access.status === 401
        ? `${api.url} did not accept ${user} (HTTP 401): add it to the Control Agent's basic-auth clients (authentication.clients), or check api.username and api.password`
        : `${api.url} authenticated ${user} but refused list-commands (HTTP 403): give it a role that may run list-commands and ${required.join(", ")}`;
    return [{ server: api.server, permission: "use the control API", grant }];
  }
  const accepted = new Set(access.commands);
  return required
    .filter((command) => !accepted.has(command))
    .map((command) => ({
      server: api.server,
      permission: `run ${command}`,
      grant: `the dhcp4 server behind ${api.url} does not list it for ${user} (list-commands): allow it for that user (an RBAC role), or reach a Kea that has it`,
    }));
}
