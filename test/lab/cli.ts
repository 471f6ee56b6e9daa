import { ensureChroot, keaReleases } from "./chroots.ts";
import { labDown } from "./down.ts";
import { formatStatus, labStatus } from "./status.ts";
import { labUp } from "./up.ts";

/** `npm run lab -- up|down|status [--json]|chroots`. */

const usage = "usage: npm run lab -- up [--kea <2.6|3.0>]... | down | status [--json] | chroots";

/** `--kea 2.6 --kea 3.0`: the Kea versions to run beside 2.2; undefined (all) when none is named. */
function keaVersions(rest: string[]): string[] | undefined | null {
  if (rest.length === 0) return undefined;
  if (rest.length % 2 !== 0) return null;
  const versions: string[] = [];
  for (let i = 0; i < rest.length; i += 2) {
    if (rest[i] !== "--kea") return null;
    versions.push(rest[i + 1]!);
  }
  return versions;
}

function seconds(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  const started = performance.now();
  const log = (line: string) => process.stderr.write(`lab: ${line}\n`);
  const versions = command === "up" ? keaVersions(rest) : null;
  if (command === "up" && versions !== null) {
    const info = await labUp({ log, keaVersions: versions });
    process.stdout.write(`lab up in ${seconds(started)}: ${info.labDir}/lab.json\n`);
    return 0;
  }
  if (command === "down" && rest.length === 0) {
    await labDown({ log });
    process.stdout.write(`lab down in ${seconds(started)}\n`);
    return 0;
  }
  if (command === "chroots" && rest.length === 0) {
    // The Kea 2.6 and 3.0 chroots, built once per machine (no lab lock: debootstrap touches no lab state).
    for (const release of keaReleases) process.stdout.write(`Kea ${release.version}: ${await ensureChroot(release, log)}\n`);
    process.stdout.write(`chroots ready in ${seconds(started)}\n`);
    return 0;
  }
  if (command === "status" && (rest.length === 0 || (rest.length === 1 && rest[0] === "--json"))) {
    const status = await labStatus();
    process.stdout.write(rest[0] === "--json" ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status));
    return status.up ? 0 : 3;
  }
  process.stderr.write(`${usage}\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`lab ${process.argv[2] ?? ""} failed: ${error.message}\n`);
    process.exit(1);
  },
);
