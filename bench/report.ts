// Turns the scale benchmark's measurements into the side-by-side tables (coalesced vs naive, with their
// ratio) and the list of targets, each met or not, with the figures that decide it.
import type { RunCost } from "./metrics.ts";

export type Mode = "coalesced" | "naive";
export const STEPS = ["preview", "up", "previewAfter"] as const;
export type Step = (typeof STEPS)[number];

export const STEP_TITLES: Record<Step | "setup", string> = {
  setup: "pulumi up of the two relationships alone (setup, not compared)",
  preview: "pulumi preview: N memberships to create",
  up: "pulumi up: creates the N memberships",
  previewAfter: "pulumi preview right after (nothing to change; every resource read against the servers)",
};

export interface StepResult {
  /** When the CLI was started (epoch ms). */
  startedAt?: number;
  wallSeconds: number;
  exitCode: number;
  cost: RunCost;
  /** The CLI's own summary ("+ 10 created", "10 unchanged"...). */
  summary: string;
  /** When the CLI exited non-zero: how many error lines it printed, and the first distinct ones. */
  errors?: string[];
}

export interface Measurement {
  n: number;
  mode: Mode;
  /** The CLI's --parallel for every run of this measurement. */
  parallel: number;
  measuredAt: string;
  scopes: { isc: number; kea: number };
  steps: Partial<Record<Step | "setup", StepResult>>;
  /** After `up`: how many of the benchmark's subnets each server has in failover. */
  coverage?: { inFailover: Record<string, number>; expected: { isc: number; kea: number }; complete: boolean };
  error?: string;
  /** Why these figures cannot be trusted: another run restarted a server or took the lab meanwhile. */
  disturbed?: string;
}

export interface Servers {
  isc: [string, string];
  kea: [string, string];
}

const sum = (record: Record<string, number>) => Object.values(record).reduce((a, b) => a + b, 0);

interface Row {
  label: string;
  /** The figure for the ratio, and how to show it. */
  value(cost: RunCost, wall: number, result: StepResult): { total: number; text: string } | undefined;
}

function perServer(record: Record<string, number>, names: readonly string[]): { total: number; text: string } {
  return { total: names.reduce((a, n) => a + (record[n] ?? 0), 0), text: names.map((n) => String(record[n] ?? 0)).join("+") };
}

function rows(servers: Servers): Row[] {
  const iscCommands = (cost: RunCost) => sum(Object.fromEntries(Object.entries(cost.commands).filter(([name]) => !servers.kea.includes(name))));
  return [
    { label: "wall time (s)", value: (_c, wall) => ({ total: wall, text: wall.toFixed(1) }) },
    { label: "SSH connections", value: (c) => ({ total: c.sshConnections, text: String(c.sshConnections) }) },
    { label: `commands ${servers.isc.join("+")} (one sshd)`, value: (c) => ({ total: iscCommands(c), text: String(iscCommands(c)) }) },
    { label: `commands ${servers.kea.join("+")} (API)`, value: (c) => perServer(c.commands, servers.kea) },
    { label: `dhcpd writes ${servers.isc.join("+")}`, value: (c) => perServer(c.iscWrites, servers.isc) },
    { label: `dhcpd restarts ${servers.isc.join("+")}`, value: (c) => perServer(c.iscRestarts, servers.isc) },
    { label: `Kea config-set ${servers.kea.join("+")}`, value: (c) => perServer(c.keaConfigSets, servers.kea) },
    { label: "provider peak RSS (MB)", value: (c) => ({ total: c.peakRssMb, text: String(c.peakRssMb) }) },
    {
      // The rest of the wall time is the engine's own: it saves the stack's state after every step.
      label: "last server call (s into the run)",
      value: (c, _wall, r) => {
        if (c.lastServerCallAt === undefined || r.startedAt === undefined) return undefined;
        const seconds = Math.max(0, (c.lastServerCallAt - r.startedAt) / 1000);
        return { total: seconds, text: seconds.toFixed(1) };
      },
    },
  ];
}

function ratio(naive: number | undefined, coalesced: number | undefined): string {
  if (naive === undefined || coalesced === undefined) return "";
  if (coalesced === 0) return naive === 0 ? "=" : "n/a";
  const r = naive / coalesced;
  return `${r >= 10 ? r.toFixed(0) : r.toFixed(1)}x`;
}

function find(measurements: Measurement[], n: number, mode: Mode): Measurement | undefined {
  return measurements.find((m) => m.n === n && m.mode === mode);
}

function cell(m: Measurement | undefined, step: Step, row: Row): { total?: number; text: string } {
  const result = m?.steps[step];
  if (!result) return { text: m?.error ? "failed" : "-" };
  const value = row.value(result.cost, result.wallSeconds, result);
  // "!" marks a run the CLI reported as failed (some resource failed, or changes were left to make).
  // "?" marks figures another run may have disturbed (it restarted a server or took the lab meanwhile).
  const marks = row.label.startsWith("wall") ? `${result.exitCode !== 0 ? "!" : ""}${m?.disturbed ? "?" : ""}` : "";
  return value ? { ...value, text: `${value.text}${marks}` } : { text: "-" };
}

/** One table per step: a row per figure, for each N the coalesced figure, the naive one and their ratio. */
export function tables(measurements: Measurement[], servers: Servers, format: "text" | "markdown"): string {
  const sizes = [...new Set(measurements.map((m) => m.n))].sort((a, b) => a - b);
  const out: string[] = [];
  for (const step of STEPS) {
    const header = ["", ...sizes.flatMap((n) => [`N=${n} coalesced`, "naive", "ratio"])];
    const body = rows(servers).map((row) => [
      row.label,
      ...sizes.flatMap((n) => {
        const c = cell(find(measurements, n, "coalesced"), step, row);
        const v = cell(find(measurements, n, "naive"), step, row);
        return [c.text, v.text, ratio(v.total, c.total)];
      }),
    ]);
    out.push(format === "markdown" ? `**${STEP_TITLES[step]}**\n\n${markdownTable(header, body)}` : `${STEP_TITLES[step]}\n${textTable(header, body)}`);
  }
  return out.join("\n\n");
}

function textTable(header: string[], body: string[][]): string {
  const all = [header, ...body];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  return all.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")).join("\n");
}

function markdownTable(header: string[], body: string[][]): string {
  const line = (r: string[]) => `| ${r.join(" | ")} |`;
  return [line(header), line(header.map((_, i) => (i === 0 ? "---" : "---:"))), ...body.map(line)].join("\n");
}

export interface Target {
  target: string;
  met: boolean;
  detail: string;
}

/** The targets, judged on the coalesced runs. */
export function targets(measurements: Measurement[], servers: Servers): Target[] {
  const coalesced = measurements.filter((m) => m.mode === "coalesced" && !m.error && !m.disturbed).sort((a, b) => a.n - b.n);
  const out: Target[] = [];
  for (const m of coalesced) {
    const runs = STEPS.map((step) => [step, m.steps[step]] as const);
    const connections = runs.map(([step, r]) => `${step} ${r ? Math.max(0, ...Object.values(r.cost.sshConnectionsByEndpoint)) : "-"}`);
    out.push({
      target: `N=${m.n}: one SSH connection per SSH endpoint per run (the lab's ${servers.isc.join(" and ")} share one sshd)`,
      met: runs.every(([, r]) => r !== undefined && Object.values(r.cost.sshConnectionsByEndpoint).every((count) => count <= 1)),
      detail: connections.join(", "),
    });
    const up = m.steps.up;
    if (up) {
      const writes = servers.isc.map((s) => `${s} ${up.cost.iscWrites[s] ?? 0} write(s), ${up.cost.iscRestarts[s] ?? 0} restart(s)`);
      const sets = servers.kea.map((s) => `${s} ${up.cost.keaConfigSets[s] ?? 0} config-set(s)`);
      out.push({
        target: `N=${m.n}: pulumi up makes one validated write and one restart per dhcpd, one config-set per Kea server`,
        met: servers.isc.every((s) => up.cost.iscWrites[s] === 1 && up.cost.iscRestarts[s] === 1) && servers.kea.every((s) => up.cost.keaConfigSets[s] === 1),
        detail: [...writes, ...sets].join("; "),
      });
    }
    if (m.coverage) {
      out.push({
        target: `N=${m.n}: after up, every scope is in failover on both peers of its pair`,
        met: m.coverage.complete,
        detail: Object.entries(m.coverage.inFailover).map(([s, c]) => `${s} ${c}`).join(", ") + ` (expected ISC ${m.coverage.expected.isc}, Kea ${m.coverage.expected.kea})`,
      });
    }
  }
  const first = coalesced[0];
  const last = coalesced[coalesced.length - 1];
  if (first && last && first !== last) {
    for (const step of ["preview", "previewAfter"] as const) {
      const a = first.steps[step];
      const b = last.steps[step];
      if (!a || !b) continue;
      const commands = (r: StepResult) => sum(r.cost.commands);
      const growth = commands(b) / Math.max(1, commands(a));
      out.push({
        target: `${STEP_TITLES[step].split(":")[0]} ${step === "previewAfter" ? "(after up) " : ""}cost close to flat in N: server commands from N=${first.n} to N=${last.n} grow less than 2x`,
        met: growth < 2,
        detail: `commands ${commands(a)} -> ${commands(b)} (${growth.toFixed(2)}x for ${(last.n / first.n).toFixed(0)}x the resources); wall ${a.wallSeconds.toFixed(1)} s -> ${b.wallSeconds.toFixed(1)} s`,
      });
    }
  }
  return out;
}
