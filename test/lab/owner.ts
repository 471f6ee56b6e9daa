import { basename } from "node:path";
import { run, runChecked } from "./run.ts";
import { pairs } from "./topology.ts";

/**
 * Which lab directory the machine's one lab belongs to. Every clone of the repository has its own .lab, but
 * the namespaces are machine-wide: a clone must not take another clone's running servers for its own. The
 * owner is kept as the alias of a root link, so that it lives and goes exactly with the network.
 */

const ownerLink = pairs[0]!.rootLink;
/** Linux keeps at most IFALIASZ - 1 bytes of an alias (include/uapi/linux/if.h: IFALIASZ 256). */
const aliasMaxBytes = 255;

export async function markNetworkOwner(labDir: string): Promise<void> {
  if (Buffer.byteLength(labDir) > aliasMaxBytes) {
    throw new Error(`The lab directory ${labDir} is longer than the ${aliasMaxBytes} bytes a link alias holds: clone the repository to a shorter path.`);
  }
  await runChecked(`Recording ${labDir} as the lab's owner`, ["ip", "link", "set", "dev", ownerLink, "alias", labDir]);
}

/** The lab directory that made the running network, or null (no network, or one from before owners were kept). */
export async function networkOwner(): Promise<string | null> {
  const result = await run(["ip", "-j", "link", "show", "dev", ownerLink]);
  if (result.exitCode !== 0) return null;
  const alias = (JSON.parse(result.stdout) as Array<{ ifalias?: string }>)[0]?.ifalias;
  // Only a lab directory is ever recorded; anything else is not one to tear down.
  return alias !== undefined && alias.startsWith("/") && basename(alias) === ".lab" ? alias : null;
}
