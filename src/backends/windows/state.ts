/**
 * Live reads of the servers, cached for the run (one read per server however many resources ask), and the
 * failover state outputs built from them.
 */
import type { FailoverStatus, ServerStatus } from "../backend";
import type { OperationContext } from "../../provider/context";
import { computerNameOf, runScript } from "./client";
import { normaliseState, type Side } from "./perspective";
import { serverRead, type FailoverRecord, type ServerRead } from "./results";
import type { WindowsServer, WindowsTarget } from "./schema";

function snapshotKey(server: WindowsServer): string {
  return `windows:server:${computerNameOf(server).toLowerCase()}`;
}

export function readServer(ctx: OperationContext, server: WindowsServer): Promise<ServerRead> {
  return ctx.snapshots.get(snapshotKey(server), () => runScript(ctx, server, "readServer", {}, serverRead));
}

/** Our own writes change what a server holds (and, through the cmdlets, what its partner holds). */
export function forget(ctx: OperationContext, ...servers: WindowsServer[]): void {
  for (const server of servers) ctx.snapshots.invalidate(snapshotKey(server));
}

export function findRelationship(read: ServerRead, name: string): FailoverRecord | undefined {
  return read.relationships.find((record) => record.name.toLowerCase() === name.toLowerCase());
}

export interface PairRead {
  primary: ServerRead;
  secondary: ServerRead;
}

export async function readPair(ctx: OperationContext, target: WindowsTarget): Promise<PairRead> {
  const [primary, secondary] = await Promise.all([readServer(ctx, target.primary), readServer(ctx, target.secondary)]);
  return { primary, secondary };
}

/** Each server's state of this relationship, with the statistics of its scopes. */
export function statusOf(target: WindowsTarget, pair: Partial<Record<Side, ServerRead>>, errors: Partial<Record<Side, string>> = {}): FailoverStatus {
  const status: FailoverStatus = {};
  const records = {
    primary: pair.primary && findRelationship(pair.primary, target.name),
    secondary: pair.secondary && findRelationship(pair.secondary, target.name),
  };
  for (const side of ["primary", "secondary"] as const) {
    const other = side === "primary" ? "secondary" : "primary";
    const server = target[side];
    const error = errors[side];
    const read = pair[side];
    const record = records[side];
    let entry: ServerStatus;
    if (error !== undefined || !read) {
      entry = { state: "unknown", error: error ?? "not read" };
    } else if (!record) {
      entry = { state: "not-on-server", details: { note: "the relationship is created on Windows with its first scope" } };
    } else {
      const scopes = new Set(record.scopeIds);
      const partner = records[other];
      entry = {
        state: normaliseState(record.state),
        ...(partner ? { partnerState: normaliseState(partner.state) } : {}),
        details: {
          scopes: record.scopeIds,
          statistics: read.statistics.filter((s) => scopes.has(s.scopeId)),
        },
      };
    }
    status[server.name] = entry;
  }
  return status;
}

/** Reads both servers for the state outputs; a server that cannot be read gets state "unknown" with the reason. */
export async function liveStatus(ctx: OperationContext, target: WindowsTarget): Promise<FailoverStatus> {
  const settled = await Promise.allSettled([readServer(ctx, target.primary), readServer(ctx, target.secondary)]);
  const pair: Partial<Record<Side, ServerRead>> = {};
  const errors: Partial<Record<Side, string>> = {};
  (["primary", "secondary"] as const).forEach((side, index) => {
    const outcome = settled[index]!;
    if (outcome.status === "fulfilled") pair[side] = outcome.value;
    else errors[side] = (outcome.reason as Error).message;
  });
  return statusOf(target, pair, errors);
}
