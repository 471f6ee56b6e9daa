import { spawn } from "node:child_process";
import * as fs from "node:fs";

export interface StackSource {
  /** A `pulumi stack export --show-secrets` file, or "-" for standard input; otherwise the CLI is asked. */
  exportFile?: string;
  stack?: string;
  /** The Pulumi project's directory. */
  cwd?: string;
}

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (chunk: string) => (text += chunk));
    process.stdin.on("end", () => resolve(text));
    process.stdin.on("error", reject);
  });
}

/**
 * The stack's state with its secrets decrypted, as `pulumi stack export --show-secrets` prints it: the
 * relationships' connection secrets are needed to reach the servers. The text stays in this process.
 */
function runExport(stack: string | undefined, cwd: string): Promise<string> {
  const args = ["stack", "export", "--show-secrets", "--non-interactive", ...(stack ? ["--stack", stack] : [])];
  return new Promise((resolve, reject) => {
    const child = spawn("pulumi", args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
    child.on("error", (error) =>
      reject(new Error(`cannot run "pulumi" (${error.message}): put the Pulumi CLI on PATH, or pass --export FILE from \`pulumi stack export --show-secrets\``)),
    );
    child.on("close", (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`pulumi ${args.join(" ")} failed in ${cwd} (exit ${code}): ${stderr.trim()}`));
    });
  });
}

export async function readStackExport(source: StackSource): Promise<unknown> {
  const where = source.exportFile === "-" ? "standard input" : (source.exportFile ?? `the stack ${source.stack ?? "(selected)"}`);
  const text =
    source.exportFile === "-"
      ? await readStdin()
      : source.exportFile
        ? fs.readFileSync(source.exportFile, "utf8")
        : await runExport(source.stack, source.cwd ?? process.cwd());
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${where} is not JSON (${(error as Error).message}): give the output of \`pulumi stack export --show-secrets\``);
  }
}
