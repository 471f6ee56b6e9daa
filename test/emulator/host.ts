// Runs PowerShell text against the emulated pair: one locked read-modify-write of the state per program, so
// that concurrent sessions (several servers, several runs) see each other's changes whole.
import { createInterface } from "node:readline";
import { accountApi, type AccountApi } from "./accounts.ts";
import { emulatorCommands, type SessionContext } from "./cmdlets.ts";
import { Interpreter, type Command } from "./interpreter.ts";
import { withState } from "./store.ts";
import { Refusal, toText, typeName, type Value } from "./values.ts";

export interface Output {
  stdout: string;
  stderr: string;
  /** 0, or 1 when the program was refused or stopped on an error nothing caught. */
  exitCode: number;
}

/** What a session prints for its output stream: strings as lines; objects would need PowerShell's formatter. */
function formatOutput(values: Value[]): string {
  return values
    .map((value) => {
      if (value === null) return "";
      if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return `${toText(value)}\n`;
      throw new Refusal(`writing a ${typeName(value)} to the console needs PowerShell's formatter, which is not modelled`);
    })
    .join("");
}

/** Refuses a statement the session cannot outlive (one that would read its command stream): the session ends. */
export class SessionEnd extends Refusal {}

/** A session keeps its variables between programs (node-powershell sends one line at a time). */
export class EmulatedSession {
  /** Set once a program was refused with SessionEnd: the session must not read another one. */
  ended = false;
  private readonly stateDir: string;
  private readonly interpreter: Interpreter;
  private commands = new Map<string, Command>();
  private accounts: AccountApi | undefined;
  private stdout = "";
  private stderr = "";
  /** Over SSH, the machine the session logged on to, set by its first script; kept for the session's life. */
  private readonly context: SessionContext;

  constructor(stateDir: string, stdinText: () => string = () => "", transport: SessionContext["transport"] = "local") {
    this.stateDir = stateDir;
    this.context = { transport };
    this.interpreter = new Interpreter({
      stdout: (chunk) => (this.stdout += chunk),
      stderr: (chunk) => (this.stderr += chunk),
      stdin: stdinText,
      command: (name) => this.commands.get(name.toLowerCase()),
      staticMethod: (key, args) => this.accounts?.staticMethod(key, args),
      method: (target, method, args) => this.accounts?.method(target, method, args),
    });
  }

  async run(text: string): Promise<Output> {
    this.stdout = "";
    this.stderr = "";
    try {
      await withState(this.stateDir, async (state) => {
        this.accounts = accountApi(state);
        this.commands = new Map([...emulatorCommands(state, this.context), ...this.accounts.commands].map((c) => [c.name.toLowerCase(), c]));
        const output = await this.interpreter.run(text);
        this.stdout += formatOutput(output);
      });
      return { stdout: this.stdout, stderr: this.stderr, exitCode: 0 };
    } catch (error) {
      if (error instanceof SessionEnd) this.ended = true;
      const message = error instanceof Refusal ? `winemu: refused: ${error.message}` : `winemu: ${(error as Error).message}`;
      return { stdout: this.stdout, stderr: `${this.stderr}${message}\n`, exitCode: 1 };
    } finally {
      this.commands = new Map();
      this.accounts = undefined;
    }
  }
}

/**
 * What `powershell -Command -` does with its stdin: runs each line as it arrives, in one session, writing
 * each line's output and errors before reading the next; an error stops that line only. Ends with stdin,
 * or with exit code 1 after a SessionEnd refusal.
 */
export async function serveLines(session: EmulatedSession): Promise<void> {
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    if (line.trim() === "") continue;
    const output = await session.run(line);
    process.stdout.write(output.stdout);
    process.stderr.write(output.stderr);
    if (session.ended) process.exit(1);
  }
}
