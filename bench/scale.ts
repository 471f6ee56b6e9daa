// Scale benchmark: what a `pulumi preview` and a `pulumi up` of N scope memberships cost on the lab's real
// servers through the real CLI, in the library's normal (coalesced) mode and in naive mode (one connection,
// one write and one restart per resource), side by side. Figures, not assertions: the targets are printed
// as met or not. Needs `npm run build` first (the programs load dist/); `npm run bench` does both.
//
//   node bench/scale.ts [--sizes 10,100,500] [--modes coalesced,naive] [--parallel all|P] [--timeout-minutes 40] [--keep-events DIR]
//
// --keep-events keeps each run's provider events (one JSON line each, timestamped) as DIR/<mode>-<N>-<step>.jsonl,
// to see when the engine called the provider and when each server was written.
//
// Writes bench/results/scale.json (measurements of earlier runs for other sizes or modes are kept) and
// bench/results/scale.md (the tables for the README).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { holdLabForRun, labDown, labStatus, labUp, readLabInfo, resetLab, type LabInfo } from "../test/lab/index.ts";
import { runLockPath } from "../test/lab/paths.ts";
import { PulumiProject, type RunResult } from "../test/support/pulumiProject.ts";
import { runCost } from "./metrics.ts";
import { configureScaleSecrets, scaleProgram } from "./programs.ts";
import { STEP_TITLES, tables, targets, type Measurement, type Mode, type Servers, type Step, type StepResult } from "./report.ts";
import { coverage, scopesFor, seedIscPrimary, seedKeaPrimary } from "./scopes.ts";

const ISC_PEER = "bench-isc";
const MODE_ENV = "PULUMI_DHCP_FAILOVER_MODE";
const METRICS_ENV = "PULUMI_DHCP_FAILOVER_METRICS_FILE";
/** Naive runs queue hundreds of writers on one dhcpd.conf lock: they may wait as long as the step may take. */
const LOCK_WAIT_ENV = "PULUMI_DHCP_FAILOVER_LOCK_WAIT_SECONDS";
const MAX_SIZES = 6;
/** A measurement another run disturbed (it took the lab's run lock meanwhile) is taken again, once. */
const MAX_ATTEMPTS = 2;
const resultsDir = path.join(import.meta.dirname, "results");
const resultsFile = path.join(resultsDir, "scale.json");

interface Options {
  sizes: number[];
  modes: Mode[];
  timeoutMs: number;
  /** The CLI's --parallel; undefined: every membership at once (N + 8). */
  parallel: number | undefined;
  /** Where each run's provider events are kept; undefined: they are removed once counted. */
  keepEvents: string | undefined;
}

function options(argv: string[]): Options {
  const { values } = parseArgs({ args: argv, options: { sizes: { type: "string" }, modes: { type: "string" }, "timeout-minutes": { type: "string" }, parallel: { type: "string" }, "keep-events": { type: "string" } } });
  const sizes = (values.sizes ?? "10,100,500").split(",").map((s) => Number(s.trim()));
  if (sizes.length > MAX_SIZES || sizes.some((n) => !Number.isInteger(n) || n < 2)) {
    throw new Error(`--sizes ${values.sizes}: give up to ${MAX_SIZES} whole numbers of at least 2, comma-separated (e.g. 10,100,500)`);
  }
  scopesFor(Math.max(...sizes));
  const modes = (values.modes ?? "coalesced,naive").split(",").map((m) => m.trim());
  const bad = modes.filter((m) => m !== "coalesced" && m !== "naive");
  if (bad.length > 0) throw new Error(`--modes: unknown mode ${bad.join(", ")}: use coalesced, naive or both`);
  const minutes = Number(values["timeout-minutes"] ?? 40);
  if (!(minutes > 0 && minutes <= 120)) throw new Error(`--timeout-minutes ${values["timeout-minutes"]}: give a number of minutes between 1 and 120`);
  const parallel = values.parallel === undefined || values.parallel === "all" ? undefined : Number(values.parallel);
  if (parallel !== undefined && !(Number.isInteger(parallel) && parallel >= 1)) throw new Error(`--parallel ${values.parallel}: give a whole number of at least 1, or "all"`);
  const keepEvents = values["keep-events"] === undefined ? undefined : path.resolve(values["keep-events"]);
  if (keepEvents) fs.mkdirSync(keepEvents, { recursive: true });
  return { sizes, modes: modes as Mode[], timeoutMs: minutes * 60_000, parallel, keepEvents };
}

/** The CLI's own "Resources:" summary of a run, on one line. */
function summaryOf(result: RunResult): string {
  const match = /Resources:\n((?:[ \t]+.+\n?)+)/.exec(result.stdout);
  return match ? match[1]!.split("\n").map((l) => l.trim()).filter(Boolean).join(", ") : result.output.trim().split("\n").slice(-3).join(" / ");
}

/** How many resources failed, and the first few distinct reasons, as the CLI printed them. */
function errorsOf(result: RunResult): string[] {
  const failed = result.output.split("\n").filter((line) => /^\s+error: /.test(line)).map((line) => line.trim().slice(0, 300));
  const distinct = [...new Set(failed.map((line) => line.replace(/\d+(\.\d+)*/g, "#")))];
  const examples = distinct.slice(0, 3).map((shape) => failed.find((line) => line.replace(/\d+(\.\d+)*/g, "#") === shape)!);
  return [`${failed.length} error line(s)`, ...examples];
}

/** Who holds the lab's run lock now: read before releasing it, another pid means another run took the lab meanwhile. */
function lockHolder(): number | undefined {
  try {
    return Number.parseInt(fs.readFileSync(runLockPath, "utf8"), 10);
  } catch {
    return undefined;
  }
}

/**
 * The lab's run lock, confirmed: two runs can both believe they took it (one reads the other's file before
 * its pid is written and removes it as stale), so check a moment later that the file still names us.
 */
async function acquireLab(): Promise<() => void> {
  for (;;) {
    const release = await holdLabForRun(90 * 60_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    if (lockHolder() === process.pid) return release;
    // Lost the race: the file is the other run's now, so leave it alone and wait for our turn.
    log(`  another run (pid ${lockHolder()}) took the lab's run lock at the same moment: waiting for it`);
    await new Promise((resolve) => setTimeout(resolve, 5_000));
  }
}

function log(line: string): void {
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
}

/** One measured CLI run, with its own metrics file. */
async function measured(project: PulumiProject, step: Step | "setup", mode: Mode, n: number, parallel: number, opts: Options): Promise<StepResult> {
  const { timeoutMs } = opts;
  const metrics = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bench-metrics-")), "events.jsonl");
  const env = { [MODE_ENV]: mode === "naive" ? "naive" : "coalesced", [METRICS_ENV]: metrics, [LOCK_WAIT_ENV]: String(Math.ceil(timeoutMs / 1000)) };
  const p = ["--parallel", String(parallel)];
  const startedAt = Date.now();
  const started = performance.now();
  const result =
    step === "preview"
      ? await project.preview(p, { env, timeoutMs, allowFailure: true })
      : step === "previewAfter"
        ? await project.preview([...p, "--expect-no-changes"], { env, timeoutMs, allowFailure: true })
        : await project.run(["up", "--yes", "--skip-preview", "--stack", project.stack, ...p], { env, timeoutMs, allowFailure: true });
  const wallSeconds = (performance.now() - started) / 1000;
  const outcome: StepResult = { startedAt, wallSeconds: Math.round(wallSeconds * 10) / 10, exitCode: result.code, cost: runCost(metrics), summary: summaryOf(result) };
  if (result.code !== 0) outcome.errors = errorsOf(result);
  if (opts.keepEvents && fs.existsSync(metrics)) fs.copyFileSync(metrics, path.join(opts.keepEvents, `${mode}-${n}-${step}.jsonl`));
  fs.rmSync(path.dirname(metrics), { recursive: true, force: true });
  log(`  ${step}: ${outcome.wallSeconds} s, exit ${outcome.exitCode}, ${outcome.summary}`);
  for (const line of outcome.errors ?? []) log(`    ${line}`);
  if (step === "setup" && result.code !== 0) throw new Error(`the setup up failed: ${result.output.slice(-2_000)}`);
  return outcome;
}

/** How many times the lab has started each server's daemon so far (the "lab starts" lines of its log). */
function daemonStarts(info: LabInfo): Record<string, number> {
  const servers = [...info.isc.servers, ...info.kea.servers];
  return Object.fromEntries(
    servers.map((server) => [server.name, fs.existsSync(server.logPath) ? fs.readFileSync(server.logPath, "utf8").split("\n").filter((l) => l.startsWith("--- ") && l.includes(" lab starts: ")).length : 0]),
  );
}

/**
 * Restarts nobody in this measurement asked for: another run used the lab meanwhile. The library restarts
 * dhcpd (counted as isc.restart) and never Kea, so every other start is someone else's.
 */
function foreignStarts(before: Record<string, number>, after: Record<string, number>, steps: Measurement["steps"]): string[] {
  return Object.keys(after).flatMap((server) => {
    const ours = Object.values(steps).reduce((sum, step) => sum + (step.cost.iscRestarts[server] ?? 0), 0);
    const extra = (after[server] ?? 0) - (before[server] ?? 0) - ours;
    return extra > 0 ? [`${server} started ${extra} more time(s) than this measurement restarted it`] : [];
  });
}

/** One size in one mode, on a freshly reset lab, which is reset again afterwards. */
async function measure(n: number, mode: Mode, opts: Options): Promise<Measurement> {
  const scopes = scopesFor(n);
  const parallel = opts.parallel ?? n + 8;
  const measurement: Measurement = { n, mode, parallel, measuredAt: new Date().toISOString(), scopes: { isc: scopes.iscScopes.length, kea: scopes.keaScopes.length }, steps: {} };
  log(`N=${n} ${mode}: resetting the lab, adding ${scopes.iscScopes.length} subnets to isc1 and ${scopes.keaScopes.length} to kea1`);
  await resetLab();
  const info = readLabInfo();
  let project: PulumiProject | undefined;
  try {
    await seedIscPrimary(info, scopes.iscScopes);
    await seedKeaPrimary(info, scopes.keaScopes);
    const started = daemonStarts(info);
    project = await PulumiProject.create(`bench-${mode}-${n}`, scaleProgram(info, { iscScopes: [], keaScopes: [] }));
    await configureScaleSecrets(project, info);
    measurement.steps.setup = await measured(project, "setup", mode, n, parallel, opts);
    project.writeProgram(scaleProgram(info, scopes));
    for (const step of ["preview", "up"] as const) measurement.steps[step] = await measured(project, step, mode, n, parallel, opts);
    measurement.coverage = await coverage(info, scopes, ISC_PEER);
    log(`  in failover after up: ${JSON.stringify(measurement.coverage.inFailover)}`);
    measurement.steps.previewAfter = await measured(project, "previewAfter", mode, n, parallel, opts);
    const foreign = foreignStarts(started, daemonStarts(info), measurement.steps);
    if (foreign.length > 0) measurement.disturbed = foreign.join("; ");
  } catch (error) {
    measurement.error = (error as Error).message.slice(0, 4_000);
    log(`  FAILED: ${measurement.error}`);
  } finally {
    project?.remove();
    await resetLab();
  }
  return measurement;
}

interface Results {
  generatedAt: string;
  node: string;
  machine: { cpus: number; memoryGb: number };
  settings: Record<string, string>;
  measurements: Measurement[];
  targets: ReturnType<typeof targets>;
  confParse: unknown;
}

function previousMeasurements(): Measurement[] {
  try {
    return (JSON.parse(fs.readFileSync(resultsFile, "utf8")) as Results).measurements ?? [];
  } catch {
    return [];
  }
}

function servers(info: LabInfo): Servers {
  return { isc: [info.isc.servers[0].name, info.isc.servers[1].name], kea: [info.kea.servers[0].name, info.kea.servers[1].name] };
}

function save(measurements: Measurement[], names: Servers, parallel: number | undefined): Results {
  const confParseFile = path.join(resultsDir, "conf-parse.json");
  const results: Results = {
    generatedAt: new Date().toISOString(),
    node: process.version,
    machine: { cpus: os.cpus().length, memoryGb: Math.round(os.totalmem() / 2 ** 30) },
    settings: {
      waitForNormal: "0 s on both relationships (ISC waitForNormalSeconds, Kea kea.waitSeconds), in both modes",
      parallelism: `pulumi --parallel ${parallel ?? "N + 8 (every membership at once; the CLI's default is 4 x CPUs)"}, the same in both modes`,
      scopes: "N split across the pairs (ISC gets ceil(N/2)); each a /24 with one pool, declared on the primary only, so each membership also copies its subnet to the partner",
      kea: "load-balancing: each membership splits its pool between the two servers",
      measured: "preview and up of the N memberships after a setup up of the two relationships; then a preview that must find nothing to change",
      commands: "SSH execs (ISC; both lab dhcpd servers behind one sshd) and control-API commands (Kea); SFTP reads and writes are not counted",
    },
    measurements: [...measurements].sort((a, b) => a.n - b.n || a.mode.localeCompare(b.mode)),
    targets: targets(measurements, names),
    confParse: fs.existsSync(confParseFile) ? JSON.parse(fs.readFileSync(confParseFile, "utf8")) : "not measured: run node bench/conf-parse.ts",
  };
  fs.mkdirSync(resultsDir, { recursive: true });
  fs.writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  return results;
}

function confParseLine(confParse: unknown): string {
  if (typeof confParse !== "object" || confParse === null) return `dhcpd.conf parse/print: ${String(confParse)}`;
  const c = confParse as { lines: number; parseMs: { median: number }; printMs: { median: number }; editAndPrintMs: number; peakRssMb: number };
  return `dhcpd.conf of ${c.lines} lines (bench/conf-parse.ts): parse ${c.parseMs.median} ms, print ${c.printMs.median} ms (medians), one edit + print ${c.editAndPrintMs} ms, peak RSS ${c.peakRssMb} MB`;
}

async function main(): Promise<void> {
  const opts = options(process.argv.slice(2));
  const before = await labStatus();
  const kept = previousMeasurements().filter((m) => !(opts.sizes.includes(m.n) && opts.modes.includes(m.mode)));
  const measurements: Measurement[] = [...kept];
  let names: Servers | undefined;
  for (const n of opts.sizes) {
    for (const mode of opts.modes) {
      // Integration runs share the lab: take turns per measurement rather than for the whole benchmark,
      // and bring the lab up only while holding it (a running test may have stopped a server on purpose).
      log(`N=${n} ${mode}: waiting for the lab (integration runs take turns on it)`);
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        const release = await acquireLab();
        let measurement: Measurement;
        let intruder: number | undefined;
        try {
          names = servers(await labUp({ log: (line) => log(`lab: ${line}`) }));
          measurement = await measure(n, mode, opts);
          intruder = lockHolder();
        } finally {
          release();
        }
        if (intruder !== process.pid) measurement.disturbed = [measurement.disturbed, `another run (pid ${intruder}) took the lab's run lock`].filter(Boolean).join("; ");
        if (!measurement.disturbed || attempt === MAX_ATTEMPTS) {
          measurements.push(measurement);
          break;
        }
        log(`  disturbed (${measurement.disturbed}): another run used the lab meanwhile; measuring again`);
      }
      if (names) save(measurements, names, opts.parallel);
    }
  }
  if (!names) throw new Error("nothing was measured");
  const results = save(measurements, names, opts.parallel);
  console.log(`\nScale benchmark (${results.machine.cpus} CPUs, Node ${results.node}); ${results.settings.waitForNormal}; ${results.settings.parallelism}.`);
  console.log(`${results.settings.measured}.\n`);
  console.log(tables(results.measurements, names, "text"));
  console.log('("!" after a wall time: the CLI exited non-zero; "?": another run used the lab meanwhile; see below)');
  console.log(`\n${STEP_TITLES.setup}: ${results.measurements.map((m) => `N=${m.n} ${m.mode} ${m.steps.setup?.wallSeconds ?? "-"} s`).join(", ")}`);
  for (const m of results.measurements.filter((m) => m.disturbed)) console.log(`N=${m.n} ${m.mode}: NOT TRUSTWORTHY, another run used the lab meanwhile (${m.disturbed})`);
  const failed = results.measurements.filter((m) => m.error || Object.values(m.steps).some((s) => s.exitCode !== 0));
  for (const m of failed) console.log(`N=${m.n} ${m.mode}: ${m.error ?? Object.entries(m.steps).filter(([, s]) => s.exitCode !== 0).map(([step, s]) => `${step} exited ${s.exitCode}: ${s.summary}${s.errors ? ` (${s.errors.join(" | ")})` : ""}`).join("; ")}`);
  console.log("\nTargets:");
  for (const t of results.targets) console.log(`  ${t.met ? "met    " : "MISSED "} ${t.target}: ${t.detail}`);
  console.log(`  ${confParseLine(results.confParse)}`);
  fs.writeFileSync(path.join(resultsDir, "scale.md"), `${tables(results.measurements, names, "markdown")}\n`);
  console.log(`\nwritten to ${path.relative(process.cwd(), resultsFile)} and bench/results/scale.md`);
  if (!before.up && !before.network.anyPresent) {
    const release = await acquireLab();
    try {
      await labDown();
    } finally {
      release();
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
