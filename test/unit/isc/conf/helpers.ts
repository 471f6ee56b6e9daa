// Shared by the dhcpd.conf library tests: fixture access and the real `dhcpd -t` check.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Conf, ConfFile, Statement } from "../../../../src/backends/isc/conf";
import { canonicalStatement, parse, print } from "../../../../src/backends/isc/conf";

export const FIXTURES = path.resolve(__dirname, "../../../fixtures/dhcpd");

/** Top-level fixture files (the includes/ directory holds files they include). */
export function fixtureNames(): string[] {
  return fs.readdirSync(FIXTURES).filter((name) => name.endsWith(".conf")).sort();
}

export function readFixture(name: string): string {
  return fs.readFileSync(path.join(FIXTURES, name), "utf8");
}

/** A reader for parseWithIncludes that resolves include paths from the fixture directory, as dhcpd would from its cwd. */
export function fixtureReader(relativePath: string): string {
  return fs.readFileSync(path.join(FIXTURES, relativePath), "utf8");
}

/** Canonical text of every statement, one per line: what a config means, without its formatting. */
export function meaning(file: ConfFile | Statement[]): string {
  const body = Array.isArray(file) ? file : file.body;
  return body.map(canonicalStatement).join("\n");
}

/** Prints and re-parses, checking the printed text is itself a fixed point. */
export function reparse(file: ConfFile): ConfFile {
  const text = print(file);
  const again = parse(text, file.path);
  if (print(again) !== text) throw new Error(`printing ${file.path} is not stable after an edit`);
  return again;
}

export const DHCPD = "/usr/sbin/dhcpd";

export interface DhcpdCheck {
  ok: boolean;
  output: string;
}

/**
 * Runs the real `dhcpd -t -cf main` on `files` (relative path → text) written to a fresh temp
 * directory, from that directory so relative includes resolve as they would on a server.
 * Throws when dhcpd is missing: the check must not be skipped silently.
 */
export function dhcpdCheck(files: Record<string, string>, main: string): DhcpdCheck {
  if (!fs.existsSync(DHCPD)) {
    throw new Error(`${DHCPD} not found: install isc-dhcp-server (apt-get install isc-dhcp-server) so edited configs can be validated with dhcpd -t`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dhcpd-conf-test-"));
  try {
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
    }
    const leases = path.join(dir, "dhcpd.leases");
    fs.writeFileSync(leases, "");
    const run = spawnSync(DHCPD, ["-t", "-cf", main, "-lf", leases], { cwd: dir, encoding: "utf8", timeout: 20_000 });
    return { ok: run.status === 0, output: `${run.stdout ?? ""}${run.stderr ?? ""}${run.error ? String(run.error) : ""}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Every file of a configuration as dhcpdCheck wants it. */
export function filesOf(conf: Conf): Record<string, string> {
  const files = conf.type === "tree" ? [...conf.files.values()] : [conf];
  return Object.fromEntries(files.map((file) => [file.path, print(file)]));
}
