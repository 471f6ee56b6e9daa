/** The Kea permissions preflight: list-commands on each server, once per run, judged by permissions.ts. */
import type { OperationContext } from "../../provider/context";
import { requireNone } from "../preflight";
import { configTestUnsafe } from "./configEdit";
import { KeaAccessError } from "./controlApi";
import { keaMissingPermissions, keaRequiredCommands, parseCommandList, type KeaAccess } from "./permissions";
import { KeaServer, type Endpoint } from "./server";

function probe(ctx: OperationContext, server: KeaServer): Promise<KeaAccess> {
  return ctx.snapshots.get(`${server.key}|${server.api.username ?? ""}:commands`, async () => {
    try {
      return { kind: "commands", commands: parseCommandList(server.label, await server.call("list-commands")) };
    } catch (error) {
      if (error instanceof KeaAccessError) return { kind: "refused", status: error.status };
      throw error;
    }
  });
}

/** Fails, before anything is written, when the API user of any of these servers lacks what a change needs. */
export async function preflightPeers(ctx: OperationContext, peers: readonly Endpoint[]): Promise<void> {
  const found = await Promise.all(
    peers.map(async (peer) => {
      const server = KeaServer.of(ctx, peer);
      const identity = { server: peer.name, url: server.api.url, username: server.api.username };
      const access = await probe(ctx, server);
      if (access.kind === "refused") return keaMissingPermissions(identity, access, keaRequiredCommands({ configTest: true }));
      const configTest = !configTestUnsafe(await server.config(), await server.version());
      return keaMissingPermissions(identity, access, keaRequiredCommands({ configTest }));
    }),
  );
  requireNone(found.flat());
}
