/**
 * The Windows preflight, once per run and read-only: DHCP Administrators membership on each server, and
 * whether each PowerShell over SSH session can reach its partner, the hop the failover cmdlets make.
 */
import type { OperationContext } from "../../provider/context";
import { powerShellOverSshKey } from "../../transports/powershellOverSsh";
import { requireNone, type MissingPermission } from "../preflight";
import { CmdletError, computerNameOf, runScript } from "./client";
import { DHCP_ADMINISTRATORS, groupCheck, partnerUnreachable, windowsMissingPermissions, type GroupCheck } from "./permissions";
import { done } from "./results";
import type { WindowsServer } from "./schema";

/** A server that does not answer (RPC unavailable) gives no verdict: the change's own first read reports it. */
const UNREACHABLE = /^PrincipalServerDownException/;
/** Windows' Access denied (WIN32 5), what a session without outbound credentials gets from the partner. */
const DENIED = /^WIN32 5,/;
/** The partner does not answer at all: no verdict on the session's credentials. */
const PARTNER_DOWN = /^WIN32 1722,/;

function check(ctx: OperationContext, server: WindowsServer): Promise<GroupCheck | undefined> {
  return ctx.snapshots.get(`windows:group:${JSON.stringify(server.connection)}:${computerNameOf(server)}`, async () => {
    try {
      return await runScript(ctx, server, "checkGroup", { group: DHCP_ADMINISTRATORS }, groupCheck);
    } catch (error) {
      if (error instanceof CmdletError && UNREACHABLE.test(error.errorId)) return undefined;
      throw error;
    }
  });
}

/**
 * Over SSH, the session's logon decides whether it can reach the partner (a key logon cannot: PowerShell/
 * Win32-OpenSSH#518, #1264). A local session's own hop is its first, so a read from it would prove nothing
 * about the server's hop to the partner: the README says which setups carry credentials there.
 */
function reach(ctx: OperationContext, server: WindowsServer, partner: WindowsServer): Promise<MissingPermission[]> {
  const connection = server.connection;
  if (!("overSsh" in connection)) return Promise.resolve([]);
  const key = `windows:reach:${powerShellOverSshKey(connection.overSsh.ssh, connection.overSsh.executable, server.computerName)}->${partner.computerName.toLowerCase()}`;
  return ctx.snapshots.get(key, async () => {
    try {
      await runScript(ctx, server, "reachPartner", { partner: partner.computerName }, done);
      return [];
    } catch (error) {
      if (!(error instanceof CmdletError)) throw error;
      if (PARTNER_DOWN.test(error.errorId)) return [];
      if (!DENIED.test(error.errorId)) throw error;
      return [partnerUnreachable(server, partner, connection.overSsh.ssh.password === undefined ? "key" : "password", error.said)];
    }
  });
}

/** Fails, before anything is written, when the account or a session's logon cannot make changes on this pair. */
export async function preflightPair(ctx: OperationContext, primary: WindowsServer, secondary: WindowsServer): Promise<void> {
  const found = await Promise.all([
    ...[primary, secondary].map(async (server) => {
      const result = await check(ctx, server);
      return result ? windowsMissingPermissions({ name: server.name, computerName: server.computerName }, result) : [];
    }),
    reach(ctx, primary, secondary),
    reach(ctx, secondary, primary),
  ]);
  requireNone(found.flat());
}
