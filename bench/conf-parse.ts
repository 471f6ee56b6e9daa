// Benchmark of the dhcpd.conf library on a generated, realistic 50,000-line configuration:
// parse, print, one structural edit + print, and peak memory. Figures, not assertions.
// Run: ./node_modules/.bin/node bench/conf-parse.ts   (writes bench/results/conf-parse.json)
import * as fs from "node:fs";
import { registerHooks } from "node:module";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import * as v8 from "node:v8";
import * as vm from "node:vm";

// The library is written for tsc (extensionless imports); let Node's type stripping resolve them.
registerHooks({
  resolve(specifier, context, nextResolve) {
    if (/^\.\.?\//.test(specifier) && !/\.[cm]?[jt]s$/.test(specifier)) return nextResolve(`${specifier}.ts`, context);
    return nextResolve(specifier, context);
  },
});

// A handle on the garbage collector, to measure what one parsed tree keeps alive.
v8.setFlagsFromString("--expose-gc");
const collectGarbage = vm.runInNewContext("gc") as () => void;

const TARGET_LINES = 50_000;
const RUNS = 5;

function generate(targetLines: number): string {
  const lines: string[] = [
    "# dhcpd.conf — generated for the benchmark: campus with many buildings",
    "authoritative;",
    "ddns-update-style none;",
    'option domain-name "bench.example.com";',
    "option domain-name-servers 192.0.2.53, 192.0.2.54;",
    "default-lease-time 1800;",
    "max-lease-time 7200;",
    "option space pxelinux;",
    "option pxelinux.configfile code 209 = text;",
    "",
    "key omapi_key {",
    "  algorithm hmac-sha256;",
    '  secret "YmVuY2htYXJrIHNlY3JldA==";',
    "}",
    "omapi-port 7911;",
    "omapi-key omapi_key;",
    "",
    'failover peer "dc-east" {',
    "  primary;",
    "  address 10.0.0.2;",
    "  peer address 10.0.0.3;",
    "  max-response-delay 30;",
    "  max-unacked-updates 10;",
    "  mclt 1800;",
    "  split 128;",
    "  load balance max seconds 3;",
    "}",
    "",
    'class "voip" {',
    "  match if substring (hardware, 1, 3) = 00:04:f2;",
    "}",
    "",
  ];
  let building = 0;
  while (lines.length < targetLines) {
    const b = building++;
    const second = Math.floor(b / 250) % 250;
    const third = (b % 250) * 1;
    lines.push(`# Building ${b}`, `shared-network "building-${b}" {`);
    for (let vlan = 0; vlan < 2; vlan++) {
      const net = `10.${second + 1}.${third}.${vlan * 128}`;
      const base = `10.${second + 1}.${third}.`;
      lines.push(
        `  subnet ${net} netmask 255.255.255.128 {   # VLAN ${100 + vlan}`,
        `    option routers ${base}${vlan * 128 + 1};`,
        `    option broadcast-address ${base}${vlan * 128 + 127};`,
        '    option pxelinux.configfile "pxelinux.cfg/default";',
        "    pool {",
        '      failover peer "dc-east";',
        `      range ${base}${vlan * 128 + 20} ${base}${vlan * 128 + 100};`,
        "    }",
      );
      for (let h = 0; h < 4; h++) {
        const mac = [0, 0x16, 0x3e, b % 256, vlan, h].map((o) => o.toString(16).padStart(2, "0")).join(":");
        lines.push(`    host b${b}-v${vlan}-h${h} { hardware ethernet ${mac}; fixed-address ${base}${vlan * 128 + 110 + h}; }`);
      }
      lines.push("  }");
    }
    lines.push("}", "");
  }
  return `${lines.join("\n")}\n`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

function time<T>(run: () => T): { result: T; ms: number } {
  const start = performance.now();
  const result = run();
  return { result, ms: performance.now() - start };
}

async function main(): Promise<void> {
  const lib = await import("../src/backends/isc/conf/index.ts");
  const text = generate(TARGET_LINES);
  const lineCount = text.split("\n").length - 1;

  collectGarbage();
  const heapBefore = process.memoryUsage().heapUsed;
  const firstParse = time(() => lib.parse(text, "bench.conf"));
  const firstPrint = time(() => lib.print(firstParse.result));
  if (firstPrint.result !== text) throw new Error("round trip failed: printed text differs from the generated text");
  collectGarbage();
  const treeMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;

  const parseRuns: number[] = [];
  const printRuns: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const parsed = time(() => lib.parse(text, "bench.conf"));
    parseRuns.push(parsed.ms);
    printRuns.push(time(() => lib.print(parsed.result)).ms);
  }

  // The edit the backend makes most: declare a peer and have the last pool name it.
  const file = lib.parse(text, "bench.conf");
  const edit = time(() => {
    lib.createFailoverPeer(file, { name: "dc-west", role: "primary", address: "10.0.0.2", port: 648, peerAddress: "10.0.0.4", peerPort: 648, mclt: 1800, split: 128 });
    const pools = lib.listPoolPeers(file);
    const last = pools[pools.length - 1];
    if (!last) throw new Error("the generated config has no pool");
    lib.setPoolFailoverPeer(file, last.pool, "dc-west");
    return lib.print(file);
  });
  if (!edit.result.includes('failover peer "dc-west" {')) throw new Error("the edit did not happen");

  const results = {
    generatedAt: new Date().toISOString(),
    node: process.version,
    lines: lineCount,
    bytes: Buffer.byteLength(text),
    statementsTopLevel: firstParse.result.body.length,
    parseMs: { first: round(firstParse.ms), median: round(median(parseRuns)), runs: RUNS },
    printMs: { first: round(firstPrint.ms), median: round(median(printRuns)), runs: RUNS },
    editAndPrintMs: round(edit.ms),
    retainedTreeMb: round(treeMb),
    peakRssMb: round(process.resourceUsage().maxRSS / 1024),
  };

  console.log(`dhcpd.conf benchmark: ${results.lines} lines, ${(results.bytes / 2 ** 20).toFixed(2)} MiB, Node ${results.node}`);
  console.log(`  parse            first ${results.parseMs.first} ms, median of ${RUNS} ${results.parseMs.median} ms`);
  console.log(`  print            first ${results.printMs.first} ms, median of ${RUNS} ${results.printMs.median} ms`);
  console.log(`  edit + print     ${results.editAndPrintMs} ms (createFailoverPeer + setPoolFailoverPeer on the last pool)`);
  console.log(`  memory           one parsed tree retains ${results.retainedTreeMb} MB of heap; peak RSS of the whole run ${results.peakRssMb} MB`);

  const out = path.join(path.dirname(path.resolve(process.argv[1] ?? "bench/conf-parse.ts")), "results", "conf-parse.json");
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`  written to ${path.relative(process.cwd(), out)}`);
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
