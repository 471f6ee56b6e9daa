import { CallCommits } from "./callCommits";
import { CommitQueues, type BatchTiming } from "./commitQueue";
import { Logger } from "./log";
import { Metrics } from "./metrics";
import { ConnectionPool } from "./pool";
import { Redactor } from "./redactor";
import { SnapshotCache } from "./snapshots";

/** Set to "naive" to run without pooling, caching or coalescing: one connection and one write per resource (benchmark baseline). */
export const MODE_ENV = "PULUMI_DHCP_FAILOVER_MODE";
/** Milliseconds of quiet before a server's batch of edits is committed. */
export const BATCH_QUIET_ENV = "PULUMI_DHCP_FAILOVER_BATCH_QUIET_MS";

const DEFAULT_TIMING: BatchTiming = { quietMs: 300, maxQuietMs: 5_000, maxWaitMs: 60_000, stallMs: 2_000 };
const NO_WAITING: BatchTiming = { quietMs: 0, maxQuietMs: 0, maxWaitMs: 0, stallMs: 0 };

/** What every backend operation gets: the run's shared connections, live reads, commit queues and logging. */
export interface OperationContext {
  /** The resource being worked on, for messages: "FailoverRelationship lab-isc". */
  readonly resource: string;
  readonly connections: ConnectionPool;
  readonly snapshots: SnapshotCache;
  readonly commits: CallCommits;
  readonly log: Logger;
  readonly redactor: Redactor;
  readonly metrics: Metrics;
}

interface RunState {
  connections: ConnectionPool;
  snapshots: SnapshotCache;
  commits: CommitQueues;
  redactor: Redactor;
  log: Logger;
  metrics: Metrics;
  naive: boolean;
}

let run: RunState | undefined;

function runState(): RunState {
  if (!run) {
    const redactor = new Redactor();
    const quiet = Number(process.env[BATCH_QUIET_ENV] ?? DEFAULT_TIMING.quietMs);
    const metrics = new Metrics();
    const timing = { ...DEFAULT_TIMING, quietMs: quiet, maxQuietMs: Math.max(quiet, DEFAULT_TIMING.maxQuietMs), maxWaitMs: Math.max(quiet, DEFAULT_TIMING.maxWaitMs) };
    run = {
      connections: new ConnectionPool(),
      snapshots: new SnapshotCache(),
      commits: new CommitQueues(timing, undefined, (key, size, decision) => metrics.count("commit.batch", key, `${size} edit(s): ${decision.reason}`)),
      redactor,
      log: new Logger(redactor),
      metrics,
      naive: process.env[MODE_ENV] === "naive",
    };
  }
  return run;
}

/**
 * The context for one handler call. Normally every call shares the run's pools, so work is coalesced per
 * server; in naive mode each call gets its own, and closes its connections when done.
 */
export function operationContext(resource: string, secrets: Iterable<string>): { ctx: OperationContext; done: () => Promise<void> } {
  const state = runState();
  state.redactor.remember(secrets);
  if (!state.naive) {
    const commits = new CallCommits(state.commits);
    const { activity } = state.commits;
    activity.callStarted();
    const done = async () => {
      commits.end();
      activity.callEnded();
    };
    return { ctx: { resource, connections: state.connections, snapshots: state.snapshots, commits, log: state.log, redactor: state.redactor, metrics: state.metrics }, done };
  }
  const connections = new ConnectionPool();
  const ctx: OperationContext = {
    resource,
    connections,
    snapshots: new SnapshotCache(),
    commits: new CallCommits(new CommitQueues(NO_WAITING)),
    log: state.log,
    redactor: state.redactor,
    metrics: state.metrics,
  };
  return { ctx, done: () => connections.closeAll() };
}

/** Closes the run's shared connections: for a short-lived process (the CLI) that must exit when done. */
export async function closeRun(): Promise<void> {
  await run?.connections.closeAll();
}
