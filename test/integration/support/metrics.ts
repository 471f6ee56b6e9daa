// What a provider process counted during a run (src/provider/metrics.ts appends one JSON line per event to
// PULUMI_DHCP_FAILOVER_METRICS_FILE): connections, commands, writes, restarts, API calls.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export interface MetricEvent {
  pid: number;
  /** Milliseconds since the epoch. */
  at: number;
  event: string;
  server?: string;
  detail?: string;
}

/** A fresh file for one run's events. */
export function metricsFile(prefix = "metrics"): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`)), "events.jsonl");
}

/** The counted events of a run, without the memory samples; none when the provider counted nothing. */
export function metricsOf(file: string): MetricEvent[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as MetricEvent)
    .filter((e) => e.event !== "memory");
}
