/** The ISC permissions preflight: one read-only probe per server per run, judged by permissions.ts. */
import type { OperationContext } from "../../provider/context";
import { requireNone } from "../preflight";
import { IscHost } from "./host";
import { iscMissingPermissions, iscProbeCommand, parseIscProbe, type IscAccess } from "./permissions";
import type { IscReplication, IscServer } from "./schema";

function probe(ctx: OperationContext, server: IscServer): Promise<IscAccess> {
  const argv = iscProbeCommand(server);
  const key = `isc:access:${server.ssh.username}@${server.ssh.host}:${server.ssh.port}:${JSON.stringify(argv.slice(4))}`;
  return ctx.snapshots.get(key, async () => {
    const host = await IscHost.open(ctx, server);
    const result = await host.run(argv);
    if (result.code !== 0) {
      throw new Error(`${server.name}: the permissions probe (sh over SSH) exited with ${String(result.code)}: ${`${result.stderr}\n${result.stdout}`.trim().slice(0, 300)}`);
    }
    return parseIscProbe(server.name, result.stdout);
  });
}

/** Fails, before anything is written, when the SSH user of any of these servers lacks what a change needs. */
export async function preflightServers(ctx: OperationContext, servers: readonly IscServer[]): Promise<void> {
  const found = await Promise.all(servers.map(async (server) => iscMissingPermissions(server, await probe(ctx, server))));
  requireNone(found.flat());
}

/** Replication writes only the partner of the source. */
export function replicationPartner(spec: IscReplication): IscServer {
  return spec.relationship.primary.name === spec.source ? spec.relationship.secondary : spec.relationship.primary;
}
