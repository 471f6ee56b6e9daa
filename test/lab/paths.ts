import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const labSourceDir: string = dirname(fileURLToPath(import.meta.url));
export const repoRoot: string = resolve(labSourceDir, "..", "..");
export const labDir: string = join(repoRoot, ".lab");
export const nodeBin: string = join(repoRoot, "node_modules", ".bin", "node");
export const labInfoPath: string = join(labDir, "lab.json");
export const lockPath: string = join(labDir, "lock");
export const runLockPath: string = join(labDir, "run.lock");
/** Logs survive `down` here, so a failed CI run can still be read afterwards. */
export const lastRunLogsDir: string = join(labDir, "last-run-logs");
/**
 * The demo's Pulumi state (scripts/pulumiCli.ts): its resources exist only on this lab's servers, so the
 * state goes with the lab (down and a rebuilt lab clear it) instead of outliving it.
 */
export const demoStateDir: string = join(labDir, "pulumi-state");
