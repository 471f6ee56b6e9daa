// `npm run demo`: brings up the lab, runs `pulumi up` on the repository's program (Pulumi.yaml ->
// examples/lab), prints the live Failover Relationships view and shows a lab client holding a lease from
// each pair. `npm run demo -- status` prints the view again; `npm run demo -- destroy` takes the failover
// away again (the lab stays up). The stack's state lives with the lab (scripts/pulumiCli.ts), so a new lab
// starts a new stack; a run that did not finish is found by its marker and undone before the next one.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { acquireLease, holdLabForRun, labUp, resetLab, type LabInfo } from "../test/lab/index.ts";
import { projectPulumiEnv, repoRoot } from "./pulumiCli.ts";

const STACK = "lab";
const project = (/^name:\s*(\S+)/m.exec(fs.readFileSync(path.join(repoRoot, "Pulumi.yaml"), "utf8")) ?? [])[1];
if (!project) throw new Error("Pulumi.yaml has no name");
/** Made once the lab is up: a lab made anew clears its directory, and the state's with it. */
let env: NodeJS.ProcessEnv;

function pulumi(args: string[], options: { stdin?: string; quiet?: boolean } = {}): string {
  const result = spawnSync("pulumi", [...args, "--non-interactive"], {
    cwd: repoRoot,
    env,
    input: options.stdin,
    stdio: [options.stdin === undefined ? "ignore" : "pipe", options.quiet ? "pipe" : "inherit", "inherit"],
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`pulumi ${args.join(" ")} failed (exit ${result.status ?? result.signal})`);
  return result.stdout ?? "";
}

/** The program's configuration, from lab.json: addresses and paths in plaintext, keys and passwords as secrets. */
function configure(info: LabInfo): void {
  const lab = {
    ssh: { host: info.ssh.host, port: info.ssh.port, username: info.ssh.username, hostKeySha256: info.ssh.hostKeySha256 },
    isc: {
      servers: info.isc.servers.map((s) => ({
        name: s.name,
        address: s.address,
        configPath: s.configPath,
        restart: [...s.ctl, "restart"],
        isRunning: [...s.ctl, "status"],
        omapiKeyName: s.omapi.keyName,
      })),
      scopes: [info.isc.subnet, info.isc.extraSubnets[0]],
    },
    kea: {
      servers: info.kea.servers.map((s) => ({ name: s.name, url: s.agentUrl, username: s.auth.user, configPath: s.configPath })),
      scope: info.kea.subnet,
    },
  };
  pulumi(["config", "set-all", "--stack", STACK, "--json", JSON.stringify({ [`${project}:lab`]: { value: JSON.stringify(lab), objectValue: lab, secret: false } })]);
  // Secrets travel on standard input: never in a command line.
  const secrets: Record<string, string> = { sshKey: fs.readFileSync(info.ssh.keys.admin, "utf8") };
  for (const s of info.isc.servers) secrets[`${s.name}OmapiSecret`] = s.omapi.secret;
  for (const s of info.kea.servers) secrets[`${s.name}Password`] = s.auth.password;
  for (const [key, value] of Object.entries(secrets)) pulumi(["config", "set", "--stack", STACK, "--secret", key], { stdin: value });
}

function view(): void {
  const cli = path.join(repoRoot, "dist", "cli", "main.js");
  const result = spawnSync(process.execPath, [cli, "status", "--stack", STACK], { cwd: repoRoot, env, stdio: "inherit" });
  if (result.status !== 0) throw new Error(`pulumi-dhcp-failover status failed (exit ${result.status})`);
}

const USAGE = "usage: npm run demo [-- status | destroy]";
/** Set by a caller that already holds the lab's run lock. */
const LAB_HELD_ENV = "PULUMI_DHCP_FAILOVER_LAB_HELD";

async function main(args: string[]): Promise<void> {
  const [action = "up", ...rest] = args;
  if (!["up", "status", "destroy"].includes(action) || rest.length > 0) throw new Error(USAGE);
  if (action === "status") {
    env = projectPulumiEnv();
    view();
    return;
  }
  // The lab is shared with integration runs: take turns, unless the caller (the demo's own integration
  // test) already holds it for this process.
  const release = process.env[LAB_HELD_ENV] === "1" ? () => undefined : await holdLabForRun();
  try {
    await run(action);
  } finally {
    release();
  }
}

function stackExists(): boolean {
  return (JSON.parse(pulumi(["stack", "ls", "--json"], { quiet: true })) as Array<{ name: string }>).some((s) => s.name === STACK);
}

function stateDir(): string {
  const backend = env.PULUMI_BACKEND_URL ?? "";
  if (!backend.startsWith("file://")) throw new Error(`the demo keeps its state in a file backend, but PULUMI_BACKEND_URL is ${backend}: unset it`);
  return backend.slice("file://".length);
}

/** Written before `pulumi up` or `destroy` and removed when it succeeds: found later, it marks a run cut short. */
function unfinishedMarker(): string {
  return path.join(stateDir(), "demo-unfinished");
}

/** The stack's lock files, as the file backend writes them: .pulumi/locks/organization/<project>/<stack>/<id>.json. */
function stackLocks(): Array<{ file: string; pid: number; hostname: string }> {
  const dir = path.join(stateDir(), ".pulumi", "locks", "organization", project!, STACK);
  if (!fs.existsSync(dir)) return [];
  // The backend keeps each file's attributes beside it, as <id>.json.attrs.
  return fs.readdirSync(dir).filter((name) => name.endsWith(".json")).map((name) => {
    const file = path.join(dir, name);
    const { pid, hostname } = JSON.parse(fs.readFileSync(file, "utf8")) as { pid: number; hostname: string };
    return { file, pid, hostname };
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

const LOCK_WAIT_MS = 300_000;

/**
 * After a Ctrl-C, pulumi finishes its steps in flight and unlocks the stack by itself: wait for it. A lock
 * whose process is gone (pulumi was killed) stays forever, and `pulumi cancel` removes it.
 */
async function clearStackLocks(): Promise<void> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    const live = stackLocks().filter((lock) => lock.hostname !== os.hostname() || isAlive(lock.pid));
    if (live.length === 0) break;
    if (Date.now() > deadline) {
      const holders = live.map((lock) => `${lock.file} (pid ${lock.pid} on ${lock.hostname})`).join(", ");
      throw new Error(`the demo's stack is still locked by ${holders} after ${LOCK_WAIT_MS / 1000} s: wait for that pulumi to finish, or stop it`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  if (stackLocks().length > 0) pulumi(["cancel", "--yes", "--stack", STACK]);
}

/**
 * A run cut short (Ctrl-C, a killed terminal) may have changed a server without the state knowing, so the
 * next `up` would find a peer that "already exists". The servers belong to the lab: they get its configs
 * back, and the stack starts anew.
 */
async function undoUnfinishedRun(): Promise<void> {
  if (!fs.existsSync(unfinishedMarker())) return;
  process.stderr.write("demo: the last run did not finish: the servers get the lab's configs back and the stack starts anew\n");
  await clearStackLocks();
  await resetLab();
  if (stackExists()) pulumi(["stack", "rm", "--force", "--yes", "--stack", STACK]);
  fs.rmSync(unfinishedMarker());
}

async function run(action: string): Promise<void> {
  const build = spawnSync("npm", ["run", "--silent", "build"], { cwd: repoRoot, stdio: "inherit" });
  if (build.status !== 0) throw new Error("npm run build failed");
  const info = await labUp({ log: (line) => process.stderr.write(`lab: ${line}\n`) });
  env = projectPulumiEnv();
  await undoUnfinishedRun();
  if (!stackExists()) pulumi(["stack", "init", STACK]);
  configure(info);
  fs.writeFileSync(unfinishedMarker(), `${process.pid} ${action} ${new Date().toISOString()}\n`);
  if (action === "destroy") {
    pulumi(["destroy", "--yes", "--stack", STACK]);
    fs.rmSync(unfinishedMarker());
    return;
  }
  pulumi(["up", "--yes", "--stack", STACK]);
  fs.rmSync(unfinishedMarker());
  process.stdout.write("\nFailover Relationships (read live from the servers):\n");
  view();
  process.stdout.write("\nLab clients:\n");
  for (const pair of ["isc", "kea"] as const) {
    const lease = await acquireLease(pair);
    process.stdout.write(`  the ${pair} pair's client holds ${lease.address} from server ${lease.serverId} (${lease.leaseSeconds ?? "?"} s)\n`);
  }
  process.stdout.write(`\nNext: \`npm run pulumi -- preview --diff --stack ${STACK}\` shows no changes; edit a server's config by hand and it shows the drift.\n`);
}

main(process.argv.slice(2)).catch((error: Error) => {
  process.stderr.write(`demo failed: ${error.message}\n`);
  process.exit(1);
});
