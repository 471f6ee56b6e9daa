import { describeDemoStacks, demoStacks } from "./demoState.ts";
import { withLabLock } from "./lock.ts";
import { networkState } from "./network.ts";
import { networkOwner } from "./owner.ts";
import { labDir } from "./paths.ts";
import { describeLeftovers, teardown } from "./teardown.ts";
import { assertCanRunLab } from "./preconditions.ts";
import type { LabCommandOptions } from "./up.ts";

/**
 * Stops everything the lab started and removes its network and files; its logs stay in .lab/last-run-logs.
 * A demo stack still up goes with it (see describeDemoStacks), and down says so.
 */
export async function labDown(options: LabCommandOptions = {}): Promise<void> {
  assertCanRunLab();
  await withLabLock("down", async () => {
    const demo = describeDemoStacks(demoStacks());
    if (demo) options.log?.(demo);
    // Another clone's lab holds the network: down takes the machine's lab down, whichever made it.
    const owner = await networkOwner();
    if (owner !== null && owner !== labDir) await teardown(owner);
    await teardown(labDir);
  });
  const network = await networkState();
  const leftovers = describeLeftovers(labDir);
  if (network.anyPresent || leftovers.length > 0) {
    const links = [...Object.entries(network.namespaces), ...Object.entries(network.rootLinks)].filter(([, present]) => present).map(([name]) => name);
    throw new Error(`Lab down left things behind: ${[...links, ...leftovers].join(", ")}. Run \`npm run lab -- down\` again, or remove them by hand.`);
  }
}
