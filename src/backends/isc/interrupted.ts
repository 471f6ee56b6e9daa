import type { OperationContext } from "../../provider/context";
import { IscHost } from "./host";
import type { IscServer } from "./schema";

/** What a server was found holding after an install was cut off, in words for the error. */
export type Found =
  | { kind: "unreachable"; message: string }
  | { kind: "old" | "new" | "rolled back"; running: boolean }
  | { kind: "changed by someone else" };

/**
 * An install was cut off (the connection dropped or the server stopped answering while writing or
 * restarting). Reconnects and looks: the new file running is kept; the new file not running is rolled
 * back to the previous one; the previous file is started if it is not running. The rename is atomic, so
 * the file is the old one or the new one, never a mix.
 */
export async function recoverInstall(ctx: OperationContext, server: IscServer, text: string, previous: string): Promise<Found> {
  try {
    const host = await IscHost.open(ctx, server);
    // The dropped connection freed the server's lock: take it again before looking, as any edit does.
    const release = await host.lock();
    try {
      const current = await host.readConfig();
      if (current !== text && current !== previous) return { kind: "changed by someone else" };
      const running = (await host.run(server.isRunning)).code === 0;
      if (current === text && running) return { kind: "new", running };
      if (current === text) {
        await host.install(previous, previous);
        return { kind: "rolled back", running: (await host.restart()).ok };
      }
      return { kind: "old", running: running || (await host.restart()).ok };
    } finally {
      await release();
    }
  } catch (error) {
    return { kind: "unreachable", message: (error as Error).message };
  }
}

/** The error for an install that was cut off: what happened, what the server holds now, what to do. */
export function interruptedError(server: IscServer, cause: unknown, found: Found): Error {
  const what = (cause as Error).message;
  const name = server.name;
  let holds: string;
  switch (found.kind) {
    case "unreachable":
      holds =
        `${name} cannot be reached again (${found.message}), so what it holds is not known: the old or the new ${server.configPath}, never a mix (the file is replaced in one rename). ` +
        `When ${name} answers again, check that dhcpd runs there, then run pulumi up again: it reads the file fresh and finishes or repeats the change.`;
      break;
    case "changed by someone else":
      holds = `${server.configPath} on ${name} is now neither the old nor the new configuration: someone else changed it meanwhile. Look at it, then run pulumi up again.`;
      break;
    default: {
      const state = {
        new: "holds the new configuration",
        old: "still holds the previous configuration",
        "rolled back": "was rolled back to the previous configuration (dhcpd was not running the new one)",
      }[found.kind];
      holds = found.running
        ? `On reconnecting, ${name} ${state} and dhcpd runs with it. Run pulumi up again to finish the run; it converges from there.`
        : `On reconnecting, ${name} ${state}, but dhcpd does not run: start dhcpd on ${name} by hand (${server.restart.join(" ")}), then run pulumi up again.`;
    }
  }
  return new Error(`${name}: installing the new configuration was cut off: ${what}\n${holds}`, { cause });
}
