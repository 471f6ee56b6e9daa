import type { OperationContext } from "../../provider/context";
import type { FailoverStatus, ServerStatus } from "../backend";
import { IscHost } from "./host";
import { readFailoverState } from "./omapi";
import { SIDES } from "./peerSpec";
import type { IscTarget } from "./schema";

async function stateOf(ctx: OperationContext, target: IscTarget, side: "primary" | "secondary"): Promise<ServerStatus> {
  try {
    return await readFailoverState(await IscHost.open(ctx, target[side]), target.name);
  } catch (error) {
    return { state: "unknown", error: (error as Error).message };
  }
}

/** Each server's state of the peer, read live (once per run unless `fresh`). */
export async function readStatus(ctx: OperationContext, target: IscTarget, fresh = false): Promise<FailoverStatus> {
  const entries = await Promise.all(
    SIDES.map(async (side) => {
      const server = target[side];
      const key = `isc:state:${server.ssh.host}:${server.ssh.port}:${server.configPath}:${target.name}`;
      if (fresh) ctx.snapshots.invalidate(key);
      return [server.name, await ctx.snapshots.get(key, () => stateOf(ctx, target, side))] as const;
    }),
  );
  return Object.fromEntries(entries);
}

/**
 * After a change, waits (up to `seconds`) for both peers to reach normal. Not reaching it is not a failure:
 * a restarted primary may sit in recover-wait for up to one MCLT. The state is reported either way.
 */
export async function waitForNormal(ctx: OperationContext, target: IscTarget, seconds: number): Promise<{ status: FailoverStatus; warnings: string[] }> {
  const deadline = Date.now() + seconds * 1000;
  let status = await readStatus(ctx, target, true);
  while (Object.values(status).some((s) => s.state !== "normal" && !s.error) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    status = await readStatus(ctx, target, true);
  }
  const waiting = Object.entries(status).filter(([, s]) => s.state !== "normal");
  const warnings = waiting.map(([server, s]) =>
    s.error
      ? `${server}: failover state unknown (${s.error})`
      : `${server}: failover peer "${target.name}" is ${s.state}${seconds > 0 ? ` after ${seconds} s` : ""}; it reaches normal once both peers talk (a restarted primary may wait up to one MCLT)`,
  );
  return { status, warnings };
}
