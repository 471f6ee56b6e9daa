/**
 * HA state as Kea reports it (status-get), per server, in the library's vendor-neutral shape; and the wait
 * after a change until every peer reaches the state its role has in the mode.
 */
import { z } from "zod";
import type { FailoverStatus, Json, ServerStatus } from "../backend";
import type { OperationContext } from "../../provider/context";
import type { HaMode, KeaTargetPeer, Role } from "./schema";
import { KeaServer } from "./server";

const serverState = z.looseObject({
  role: z.string().optional(),
  state: z.string().optional(),
  "last-state": z.string().optional(),
  scopes: z.array(z.string()).optional(),
  "last-scopes": z.array(z.string()).optional(),
  "server-name": z.string().optional(),
  age: z.number().optional(),
  "in-touch": z.boolean().optional(),
  "communication-interrupted": z.boolean().optional(),
  "connecting-clients": z.number().optional(),
  "unacked-clients": z.number().optional(),
});

const haStatus = z.looseObject({
  "ha-mode": z.string().optional(),
  "ha-servers": z.looseObject({ local: serverState.optional(), remote: serverState.optional() }).optional(),
});

const statusArguments = z.looseObject({ "high-availability": z.array(haStatus).optional() });

/** The state each role should settle in, per mode. */
export function expectedState(mode: HaMode, role: Role): string {
  if (role === "backup") return "backup";
  return mode;
}

/**
 * One server's state in the relationship whose local name is `thisServerName`, from status-get's
 * arguments. Kea 2.2 reports one relationship without names; 2.6+ names the local server in each.
 */
export function serverStatus(args: unknown, thisServerName: string): ServerStatus {
  const parsed = statusArguments.safeParse(args);
  if (!parsed.success) return { state: "unknown", error: "status-get answered in an unexpected shape" };
  const relationships = parsed.data["high-availability"];
  if (!relationships || relationships.length === 0) {
    return { state: "not-running", error: "the HA hook is not loaded on this server" };
  }
  const mine =
    relationships.find((r) => r["ha-servers"]?.local?.["server-name"] === thisServerName) ??
    (relationships.length === 1 && relationships[0]!["ha-servers"]?.local?.["server-name"] === undefined ? relationships[0] : undefined);
  if (!mine) return { state: "not-running", error: `the server runs HA, but no relationship names it ${thisServerName}` };
  const local = mine["ha-servers"]?.local;
  const remote = mine["ha-servers"]?.remote;
  const details: Record<string, Json> = {};
  if (mine["ha-mode"] !== undefined) details.mode = mine["ha-mode"];
  if (local?.role !== undefined) details.role = local.role;
  if (local?.scopes !== undefined) details.scopes = local.scopes;
  if (remote) {
    if (remote.age !== undefined) details.partnerHeartbeatAgeSeconds = remote.age;
    if (remote["in-touch"] !== undefined) details.inTouch = remote["in-touch"];
    if (remote["communication-interrupted"] !== undefined) details.communicationInterrupted = remote["communication-interrupted"];
    if (remote["unacked-clients"] !== undefined) details.unackedClients = remote["unacked-clients"];
    if (remote["connecting-clients"] !== undefined) details.connectingClients = remote["connecting-clients"];
  }
  const status: ServerStatus = { state: local?.state ?? "unknown", details };
  if (remote?.["last-state"]) status.partnerState = remote["last-state"];
  return status;
}

/** The peers of a relationship, each with the state it should settle in. */
export function watchPeers(ctx: OperationContext, mode: HaMode, peers: readonly KeaTargetPeer[]): Watched[] {
  return peers.map((peer) => ({ server: KeaServer.of(ctx, peer), name: peer.name, expected: expectedState(mode, peer.role) }));
}

export interface Watched {
  server: KeaServer;
  /** The peer's name in the relationship (its this-server-name). */
  name: string;
  expected: string;
}

/**
 * Reads every peer's state once: from a read started at `startedAfter` or later, which every caller
 * polling the same server shares (waits after a change: our writes drop older reads), or "cached": the
 * run's read, which our writes invalidate (reads for a diff: N resources cost one status-get per server).
 */
export async function readStates(peers: readonly Watched[], startedAfter: number | "cached" = Date.now()): Promise<FailoverStatus> {
  const entries = await Promise.all(
    peers.map(async (peer): Promise<[string, ServerStatus]> => {
      try {
        return [peer.name, serverStatus(startedAfter === "cached" ? await peer.server.status() : await peer.server.statusSince(startedAfter), peer.name)];
      } catch (error) {
        return [peer.name, { state: "unknown", error: (error as Error).message }];
      }
    }),
  );
  return Object.fromEntries(entries);
}

const AFTER_CHANGE =
  "The configuration is in place; the peers may still be syncing leases, or cannot reach each other (check each peer's url and basic auth, and the servers' logs)";

/**
 * Polls until every peer is in its expected state or the time is up. Never throws: the states are the
 * outcome, and a warning says which peer did not get there and what that usually means. The first read
 * starts after the call (after the change); each later one is at most pollMs old and newer than the
 * previous, so any number of concurrent waits on a server cost about one status-get per pollMs.
 */
export async function waitForStates(peers: readonly Watched[], seconds: number, hint = AFTER_CHANGE, pollMs = 1_000): Promise<{ status: FailoverStatus; warnings: string[] }> {
  const started = Date.now();
  const deadline = started + seconds * 1000;
  let status = await readStates(peers, started);
  while (lagging(peers, status).length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    status = await readStates(peers, Math.max(started, Date.now() - pollMs));
  }
  const behind = lagging(peers, status);
  const warnings = behind.length === 0 || seconds === 0 ? [] : [`after ${seconds} s, ${behind.join("; ")}. ${hint}`];
  return { status, warnings };
}

/** The state each peer's partner (the other non-backup peer) should report, by peer name. */
function partnerExpectations(peers: readonly Watched[]): Map<string, string> {
  const active = peers.filter((peer) => peer.expected !== "backup");
  const expectations = new Map<string, string>();
  if (active.length === 2) {
    expectations.set(active[0]!.name, active[1]!.expected);
    expectations.set(active[1]!.name, active[0]!.expected);
  }
  return expectations;
}

/** What is not yet as expected: a peer's own state, or its view of its partner lagging behind. */
function lagging(peers: readonly Watched[], status: FailoverStatus): string[] {
  const partners = partnerExpectations(peers);
  return peers.flatMap((peer) => {
    const s = status[peer.name];
    if (s?.state !== peer.expected) return [`${peer.name} is ${s?.state ?? "unknown"} (expected ${peer.expected})${s?.error ? `: ${s.error}` : ""}`];
    const partner = partners.get(peer.name);
    if (partner !== undefined && s.partnerState !== undefined && s.partnerState !== partner) {
      return [`${peer.name} last heard its partner in ${s.partnerState} (expected ${partner})`];
    }
    return [];
  });
}
