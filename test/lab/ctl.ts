import { readLabInfo } from "./labInfo.ts";
import { findService, restartService, serviceStatus, startService, stopService } from "./services.ts";

/**
 * Entry point of .lab/bin/dhcpd-ctl and .lab/bin/kea-ctl: `ctl.ts <dhcpd|kea> <server> <action>`.
 * Exit codes: 0 done (status: running and serving), 1 failed, 2 usage, 3 status: not serving.
 */

const servers: Record<string, string[]> = { dhcpd: ["isc1", "isc2"], kea: ["kea1", "kea2", "kea26a", "kea26b", "kea26c", "kea30a", "kea30b", "kea30c"] };
const actions = ["start", "stop", "restart", "status"];

async function main(argv: string[]): Promise<number> {
  const [kind, name, action] = argv;
  const known = kind ? servers[kind] : undefined;
  if (!known || !name || !known.includes(name) || !action || !actions.includes(action) || argv.length !== 3) {
    const program = kind === "kea" ? "kea-ctl" : "dhcpd-ctl";
    process.stderr.write(`usage: ${program} <${(known ?? servers.dhcpd!).join("|")}> <${actions.join("|")}>\n`);
    return 2;
  }
  const service = findService(readLabInfo(), name);
  if (action === "status") {
    const status = await serviceStatus(service);
    const pids = status.daemons.map((d) => `${d.label} ${d.pid === null ? "not running" : `pid ${d.pid}`}`).join(", ");
    const state = status.problem === null ? "running" : status.running ? `running but not serving: ${status.problem}` : "stopped";
    process.stdout.write(`${name}: ${state} (${pids})\n`);
    return status.problem === null ? 0 : 3;
  }
  if (action === "start") await startService(service);
  if (action === "stop") await stopService(service);
  if (action === "restart") await restartService(service);
  process.stdout.write(`${name}: ${action} done\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`${process.argv[3] ?? "lab"}: ${process.argv[4] ?? "command"} failed: ${error.message}\n`);
    process.exit(1);
  },
);
