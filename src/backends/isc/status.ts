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

const STATE_KEY_PREFIX = "isc:state:";

/** Every restart changes the failover state of the restarted server and of its partners: reads from before it are dropped. */
export function forgetStates(ctx: OperationContext): void {
  ctx.snapshots.invalidatePrefix(STATE_KEY_PREFIX);
}

/**
 * Each server's state of the peer, read live: "cached" shares the run's read (which every restart drops),
 * "fresh" reads anew, and `startedAfter` shares any read started since then, so that concurrent polls of
 * one server cost one omshell per interval.
 */
export async function readStatus(ctx: OperationContext, target: IscTarget, freshness: "cached" | "fresh" | { startedAfter: number } = "cached"): Promise<FailoverStatus> {
  const entries = await Promise.all(
    SIDES.map(async (side) => {
      const server = target[side];
      const key = `${STATE_KEY_PREFIX}${server.ssh.host}:${server.ssh.port}:${server.configPath}:${target.name}`;
      const load = () => stateOf(ctx, target, side);
      if (freshness === "fresh") ctx.snapshots.invalidate(key);
      const state = typeof freshness === "object" ? ctx.snapshots.since(key, freshness.startedAfter, load) : ctx.snapshots.get(key, load);
      return [server.name, await state] as const;
    }),
  );
  return Object.fromEntries(entries);
}

/**
 * After a change, waits (up to `seconds`) for both peers to reach normal. Not reaching it is not a failure:
 * a restarted primary may sit in recover-wait for up to one MCLT. The state is reported either way. The
 * first read is the run's read since the last restart; each later one is at most a poll old, shared by
 * every resource waiting on the same servers.
 */
export async function waitForNormal(ctx: OperationContext, target: IscTarget, seconds: number, pollMs = 1_000): Promise<{ status: FailoverStatus; warnings: string[] }> {
  const deadline = Date.now() + seconds * 1000;
  let status = await readStatus(ctx, target);
  while (Object.values(status).some((s) => s.state !== "normal" && !s.error) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    status = await readStatus(ctx, target, { startedAfter: Date.now() - pollMs });
  }
  const waiting = Object.entries(status).filter(([, s]) => s.state !== "normal");
  const warnings = waiting.map(([server, s]) =>
    s.error
      ? `${server}: failover state unknown (${s.error})`
      : `${server}: failover peer "${target.name}" is ${s.state}${seconds > 0 ? ` after ${seconds} s` : ""}; it reaches normal once both peers talk (a restarted primary may wait up to one MCLT)`,
  );
  return { status, warnings };
}
