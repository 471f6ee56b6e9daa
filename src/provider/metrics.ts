import * as fs from "node:fs";

/** The environment variable naming a file where the provider appends one JSON line per counted event. */
export const METRICS_FILE_ENV = "PULUMI_DHCP_FAILOVER_METRICS_FILE";

/**
 * Counts what a run costs on the servers (connections, commands, writes, restarts, API calls) for the
 * benchmark. Lines are appended as they happen because the engine kills the provider process at the end.
 */
export class Metrics {
  private readonly file = process.env[METRICS_FILE_ENV];
  private peakRss = 0;

  constructor() {
    if (this.file) {
      const sample = setInterval(() => this.sampleMemory(), 200);
      sample.unref();
    }
  }

  count(event: string, server: string, detail?: string): void {
    if (!this.file) return;
    this.sampleMemory();
    const line = JSON.stringify({ pid: process.pid, at: Date.now(), event, server, detail, peakRss: this.peakRss });
    fs.appendFileSync(this.file, `${line}\n`);
  }

  private sampleMemory(): void {
    const rss = process.memoryUsage.rss();
    if (rss > this.peakRss) {
      this.peakRss = rss;
      if (this.file) fs.appendFileSync(this.file, `${JSON.stringify({ pid: process.pid, event: "memory", peakRss: rss })}\n`);
    }
  }
}
