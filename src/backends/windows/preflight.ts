/** The Windows permissions preflight: DHCP Administrators membership on each server, once per run. */
import type { OperationContext } from "../../provider/context";
import { requireNone } from "../preflight";
import { CmdletError, computerNameOf, runScript } from "./client";
import { DHCP_ADMINISTRATORS, groupCheck, windowsMissingPermissions, type GroupCheck } from "./permissions";
import type { WindowsServer } from "./schema";

/** A server that does not answer (RPC unavailable) gives no verdict: the change's own first read reports it. */
const UNREACHABLE = /^PrincipalServerDownException/;

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

/** Fails, before anything is written, when the account is not in DHCP Administrators on any of these servers. */
export async function preflightServers(ctx: OperationContext, servers: readonly WindowsServer[]): Promise<void> {
  const found = await Promise.all(
    servers.map(async (server) => {
      const result = await check(ctx, server);
      return result ? windowsMissingPermissions({ name: server.name, computerName: server.computerName }, result) : [];
    }),
  );
  requireNone(found.flat());
}
