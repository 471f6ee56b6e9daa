// Entry point of `npm test` and `npm run demo` on any Node the machine has (plain JS, Node >= 18): installs
// the project's dependencies when they are missing or stale (Node 22 among them, from the registry's node
// package), then runs the given TypeScript script on that Node 22.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = path.join(root, "node_modules", ".bin");
const node22 = path.join(bin, "node");
const stamp = path.join(root, "node_modules", ".package-lock.json");
const lock = path.join(root, "package-lock.json");

function stale() {
  if (!fs.existsSync(node22) || !fs.existsSync(stamp)) return true;
  return fs.statSync(lock).mtimeMs > fs.statSync(stamp).mtimeMs;
}

if (stale()) {
  process.stdout.write("installing dependencies (npm ci)...\n");
  const install = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: root, stdio: "inherit" });
  if (install.status !== 0) process.exit(install.status ?? 1);
}

const [script, ...args] = process.argv.slice(2);
const env = { ...process.env, PATH: [bin, process.env.PATH ?? ""].join(path.delimiter) };
const result = spawnSync(node22, [path.join(root, script), ...args], { cwd: root, stdio: "inherit", env });
process.exit(result.status ?? 1);
