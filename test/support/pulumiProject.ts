// A throwaway Pulumi project driven through the REAL CLI (offline, local file backend). Projects live under
// the repo's .pulumi-test/ so that the program and the provider process resolve `pulumi-dhcp-failover`
// to this package (Node's self-reference) and its node_modules, as an installed package would be.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { pulumiEnv, repoRoot } from "../../scripts/pulumiCli.ts";

export const projectsRoot = path.join(repoRoot, ".pulumi-test");

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr as a person would have seen them. */
  output: string;
}

export interface RunOptions {
  /** Resolve instead of throwing when the CLI exits non-zero. */
  allowFailure?: boolean;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Fed to the CLI's standard input (how secrets reach `config set` without appearing in argv). */
  stdin?: string;
}

const TSCONFIG = {
  compilerOptions: { target: "ES2022", module: "node16", moduleResolution: "node16", strict: true, esModuleInterop: true, skipLibCheck: true },
};

export class PulumiProject {
  readonly dir: string;
  readonly stack: string;
  private readonly env: NodeJS.ProcessEnv;

  private constructor(dir: string, stack: string, env: NodeJS.ProcessEnv) {
    this.dir = dir;
    this.stack = stack;
    this.env = env;
  }

  /** Creates a project whose index.ts is `program`, and a stack named "test" in its own state directory. */
  static async create(name: string, program: string, options: { passphrase?: string } = {}): Promise<PulumiProject> {
    const dir = path.join(projectsRoot, `${name}-${randomBytes(3).toString("hex")}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nmain: index.ts\n`);
    fs.writeFileSync(path.join(dir, "tsconfig.json"), `${JSON.stringify(TSCONFIG, null, 2)}\n`);
    fs.writeFileSync(path.join(dir, "index.ts"), program);
    return PulumiProject.init(dir, options);
  }

  /**
   * Creates a project from a copy of an existing Pulumi project directory (an example), as a user who
   * copied it would have it, without any stack file of its own.
   */
  static async fromDirectory(name: string, source: string, options: { passphrase?: string } = {}): Promise<PulumiProject> {
    const dir = path.join(projectsRoot, `${name}-${randomBytes(3).toString("hex")}`);
    fs.cpSync(source, dir, { recursive: true, filter: (from) => !/(^|\/)(node_modules|Pulumi\.[^/]+\.yaml)$/.test(from) || from === source });
    return PulumiProject.init(dir, options);
  }

  private static async init(dir: string, options: { passphrase?: string }): Promise<PulumiProject> {
    const env = pulumiEnv({
      stateDir: path.join(dir, ".state"),
      homeDir: path.join(projectsRoot, ".home"),
      passphrase: options.passphrase ?? "test-passphrase",
      extra: { PULUMI_SKIP_CONFIRMATIONS: "true", NO_COLOR: "1" },
    });
    const project = new PulumiProject(dir, "test", env);
    await project.run(["stack", "init", project.stack]);
    return project;
  }

  writeProgram(program: string): void {
    fs.writeFileSync(path.join(this.dir, "index.ts"), program);
  }

  run(args: string[], options: RunOptions = {}): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const child = spawn("pulumi", [...args, "--non-interactive", "--color", "never"], {
        cwd: this.dir,
        env: { ...this.env, ...options.env },
        stdio: [options.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
      });
      if (options.stdin !== undefined) child.stdin!.end(options.stdin);
      let stdout = "";
      let stderr = "";
      let output = "";
      child.stdout!.on("data", (chunk: Buffer) => {
        stdout += chunk;
        output += chunk;
      });
      child.stderr!.on("data", (chunk: Buffer) => {
        stderr += chunk;
        output += chunk;
      });
      const timer = setTimeout(() => child.kill("SIGINT"), options.timeoutMs ?? 300_000);
      child.on("error", reject);
      child.on("close", (code) => {
        clearTimeout(timer);
        const result = { code: code ?? -1, stdout, stderr, output };
        if (result.code !== 0 && !options.allowFailure) {
          reject(new Error(`pulumi ${args.join(" ")} exited with ${result.code}:\n${output}`));
        } else {
          resolve(result);
        }
      });
    });
  }

  up(options?: RunOptions): Promise<RunResult> {
    return this.run(["up", "--yes", "--skip-preview", "--stack", this.stack], options);
  }

  preview(extra: string[] = [], options?: RunOptions): Promise<RunResult> {
    return this.run(["preview", "--stack", this.stack, ...extra], options);
  }

  /** Preview with --expect-no-changes: fails when anything would change. */
  previewNoChanges(options?: RunOptions): Promise<RunResult> {
    return this.preview(["--expect-no-changes"], options);
  }

  refresh(options?: RunOptions): Promise<RunResult> {
    return this.run(["refresh", "--yes", "--skip-preview", "--stack", this.stack], options);
  }

  destroy(options?: RunOptions): Promise<RunResult> {
    return this.run(["destroy", "--yes", "--skip-preview", "--stack", this.stack], options);
  }

  /** The value travels on stdin, so that secrets never appear in a command line or an error message. */
  async setConfig(key: string, value: string, options: { secret?: boolean } = {}): Promise<void> {
    await this.run(["config", "set", "--stack", this.stack, ...(options.secret ? ["--secret"] : ["--plaintext"]), key], { stdin: value });
  }

  /** Sets a structured (object or list) plaintext value, as `pulumi config set --path` would, in one call. */
  async setConfigObject(key: string, value: unknown): Promise<void> {
    const project = /^name:\s*(\S+)/m.exec(fs.readFileSync(path.join(this.dir, "Pulumi.yaml"), "utf8"))?.[1];
    const entry = { [`${project}:${key}`]: { value: JSON.stringify(value), objectValue: value, secret: false } };
    await this.run(["config", "set-all", "--stack", this.stack, "--json", JSON.stringify(entry)]);
  }

  /** The stack's state as `pulumi stack export` prints it (secrets stay encrypted). */
  async exportState(): Promise<string> {
    return (await this.run(["stack", "export", "--stack", this.stack])).stdout;
  }

  async outputs(): Promise<Record<string, unknown>> {
    const result = await this.run(["stack", "output", "--json", "--show-secrets", "--stack", this.stack]);
    return JSON.parse(result.stdout) as Record<string, unknown>;
  }

  /** Removes the project and its state; call after destroy. */
  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
