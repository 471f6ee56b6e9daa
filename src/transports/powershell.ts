import { PowerShell } from "node-powershell";

/** What a PowerShell transport returns for one script: its output streams, as the script wrote them. */
export interface PowerShellOutput {
  stdout: string;
  stderr: string;
}

/** Runs script text in one server's long-lived PowerShell session; transports know nothing of what the scripts do. */
export interface PowerShellRunner {
  run(scriptText: string, timeoutMs: number): Promise<PowerShellOutput>;
  close(): Promise<void> | void;
}

/**
 * A session reads its commands line by line from stdin (`-Command -`), where a multi-line statement is not
 * reliably complete until a blank line. So every script travels as one line: a script block created from
 * its UTF-16LE base64 text, which no value inside the script can break out of.
 */
export function oneLineInvocation(scriptText: string): string {
  const encoded = Buffer.from(scriptText, "utf16le").toString("base64");
  return `& ([scriptblock]::Create([Text.Encoding]::Unicode.GetString([Convert]::FromBase64String('${encoded}'))))`;
}

/**
 * A long-lived local PowerShell (pwsh, or powershell.exe on Windows) driven by node-powershell: one process
 * per server for the whole run, reaching the DHCP server through the scripts' -ComputerName.
 */
export class LocalPowerShellSession implements PowerShellRunner {
  private broken: string | undefined;

  private constructor(
    private readonly shell: PowerShell,
    readonly server: string,
    private readonly executable: string,
  ) {}

  static start(executable: string, server: string): LocalPowerShellSession {
    const shell = new PowerShell({
      executable,
      executableOptions: { "-NoProfile": true, "-NonInteractive": true },
      throwOnInvocationError: false,
    });
    silenceScriptLogging(shell);
    const session = new LocalPowerShellSession(shell, server, executable);
    // node-powershell rejects this promise when the process dies; without a handler an idle session's death
    // would crash the provider. The next run reports it instead.
    (shell as unknown as { exitPromise: Promise<void> }).exitPromise.catch((error: Error) => {
      session.broken = error.message || "the PowerShell process exited";
    });
    return session;
  }

  async run(scriptText: string, timeoutMs: number): Promise<PowerShellOutput> {
    if (this.broken !== undefined) throw new Error(`${this.server}: the local PowerShell (${this.executable}) stopped: ${this.broken}`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // The session is still busy with that script: it cannot serve another one, so it goes.
        this.broken = `a script did not finish within ${timeoutMs} ms`;
        void this.close();
        reject(new Error(`${this.server}: PowerShell (${this.executable}) did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
    });
    try {
      const result = await Promise.race([this.shell.invoke(oneLineInvocation(scriptText)), timeout]);
      return { stdout: result.stdout?.toString("utf8") ?? "", stderr: result.stderr?.toString("utf8") ?? "" };
    } catch (error) {
      const reason = (error as Error).message || this.broken || "the process exited";
      throw new Error(
        `${this.server}: cannot run PowerShell (${this.executable}): ${reason}. Check that the executable exists and starts (pwsh -NoProfile -Command -).`,
      );
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    try {
      await this.shell.dispose();
    } catch {
      // A process that already died has nothing left to close.
    }
  }
}

/**
 * node-powershell (through child-shell's `debug` loggers, on with DEBUG=* or DEBUG=PWSH*) prints every
 * command it sends and every output it reads: the scripts carry shared secrets and passwords, so those two
 * loggers are replaced by silent ones. Its lifecycle comments (process started, exited) stay.
 */
function silenceScriptLogging(shell: PowerShell): void {
  const debuggers = (shell as unknown as { debuggers?: Record<string, unknown> }).debuggers;
  if (debuggers === undefined) throw new Error("node-powershell no longer has the debuggers this library silences: check its version before running scripts with secrets");
  debuggers.command = () => undefined;
  debuggers.output = () => undefined;
}

/** The pool key of a local session: one process per executable and target computer. */
export function localPowerShellKey(executable: string, computerName: string): string {
  return `powershell:${executable}#${computerName.toLowerCase()}`;
}
