/**
 * Runs one generated script on one server through its transport (pooled for the run), counts it, and turns
 * the script's JSON envelope into a value or an error that keeps the cmdlet's own message.
 */
import type { z } from "zod";
import type { OperationContext } from "../../provider/context";
import { LocalPowerShellSession, localPowerShellKey, type PowerShellRunner } from "../../transports/powershell";
import { PowerShellOverSsh, powerShellOverSshKey } from "../../transports/powershellOverSsh";
import { envelope } from "./results";
import type { WindowsServer } from "./schema";
import { script, type ScriptKind } from "./scripts";

const SCRIPT_TIMEOUT_MS = 120_000;

/** The name the scripts pass as -ComputerName: a local session reaches the server by its connection's name. */
export function computerNameOf(server: WindowsServer): string {
  return "local" in server.connection ? server.connection.local.computerName : server.computerName;
}

function runnerFor(ctx: OperationContext, server: WindowsServer): Promise<PowerShellRunner> {
  const connection = server.connection;
  if ("local" in connection) {
    const { executable, computerName } = connection.local;
    return ctx.connections.get(localPowerShellKey(executable, computerName), async () => {
      ctx.metrics.count("windows.session", server.name, "node-powershell");
      return LocalPowerShellSession.start(executable, server.name);
    });
  }
  const { ssh, executable } = connection.overSsh;
  return ctx.connections.get(powerShellOverSshKey(ssh, executable, server.computerName), async () => {
    ctx.metrics.count("windows.session", server.name, "ssh");
    return PowerShellOverSsh.connect(ssh, executable, server.name, {
      connected: (label) => ctx.metrics.count("ssh.connect", label),
      executed: (label, argv) => ctx.metrics.count("ssh.exec", label, argv.join(" ")),
    });
  });
}

/** A cmdlet that ran and failed: the message names the server and keeps the cmdlet's text. */
export class CmdletError extends Error {
  constructor(
    message: string,
    readonly step: string,
    readonly errorId: string,
    /** The cmdlet's own message, as Windows wrote it. */
    readonly said: string,
  ) {
    super(message);
    this.name = "CmdletError";
  }
}

/** What to do about the failures people meet most, keyed by what Windows says. */
function advice(message: string): string {
  if (/access is denied|permission/i.test(message)) {
    return (
      " Run as a member of DHCP Administrators on both servers. The failover cmdlets also configure the partner with the session's credentials: " +
      "a local session needs Kerberos delegation or CredSSP for that second hop, and PowerShell over SSH needs a password logon (a key logon has no credentials for another computer)."
    );
  }
  if (/RPC server is unavailable|not reachable|cannot connect|unable to connect/i.test(message)) {
    return " Check that the server is up and the DHCP Server service runs, then run `pulumi up` again.";
  }
  return "";
}

function lastJsonLine(stdout: string): unknown {
  const lines = stdout.split(/\r?\n/).map((line) => line.trim()).filter((line) => line.startsWith("{"));
  for (const line of lines.reverse()) {
    try {
      return JSON.parse(line);
    } catch {
      continue;
    }
  }
  return undefined;
}

function excerpt(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > 600 ? `${trimmed.slice(0, 597)}...` : trimmed || "(nothing)";
}

export async function runScript<T extends z.ZodType>(
  ctx: OperationContext,
  server: WindowsServer,
  kind: ScriptKind,
  input: Record<string, unknown>,
  result: T,
): Promise<z.output<T>> {
  const computerName = computerNameOf(server);
  const generated = script(kind, { computerName, ...input });
  const where = `${server.name} (${computerName})`;
  const runner = await runnerFor(ctx, server);
  ctx.metrics.count("windows.command", server.name, generated.cmdlet);
  const output = await runner.run(generated.text, SCRIPT_TIMEOUT_MS);
  const parsed = envelope(result).safeParse(lastJsonLine(output.stdout));
  if (!parsed.success) {
    throw new Error(
      `${where}: ${generated.cmdlet} returned no result this library understands. ` +
        `Output: ${excerpt(output.stdout)} Errors: ${excerpt(output.stderr)}. Check that the DhcpServer module is installed (RSAT-DHCP) on the machine that runs PowerShell.`,
    );
  }
  const value = parsed.data as { ok: true; result: z.output<T> } | { ok: false; step: string; message: string; errorId: string };
  if (!value.ok) {
    throw new CmdletError(`${where}: ${value.step} failed: ${value.message.trim()} (${value.errorId}).${advice(value.message)}`, value.step, value.errorId, value.message.trim());
  }
  return value.result;
}
