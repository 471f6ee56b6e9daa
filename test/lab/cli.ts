import { labDown } from "./down.ts";
import { formatStatus, labStatus } from "./status.ts";
import { labUp } from "./up.ts";

/** `npm run lab -- up|down|status [--json]`. */

const usage = "usage: npm run lab -- up | down | status [--json]";

function seconds(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  const started = performance.now();
  const log = (line: string) => process.stderr.write(`lab: ${line}\n`);
  if (command === "up" && rest.length === 0) {
    const info = await labUp({ log });
    process.stdout.write(`lab up in ${seconds(started)}: ${info.labDir}/lab.json\n`);
    return 0;
  }
  if (command === "down" && rest.length === 0) {
    await labDown({ log });
    process.stdout.write(`lab down in ${seconds(started)}\n`);
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
