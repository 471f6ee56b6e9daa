import { withLabLock } from "./lock.ts";
import { networkState } from "./network.ts";
import { labDir } from "./paths.ts";
import { describeLeftovers, teardown } from "./teardown.ts";
import { assertCanRunLab } from "./preconditions.ts";

/** Stops everything the lab started and removes its network and files; its logs stay in .lab/last-run-logs. */
export async function labDown(): Promise<void> {
  assertCanRunLab();
  await withLabLock("down", () => teardown(labDir));
  const network = await networkState();
  const leftovers = describeLeftovers(labDir);
  if (network.anyPresent || leftovers.length > 0) {
    const links = [...Object.entries(network.namespaces), ...Object.entries(network.rootLinks)].filter(([, present]) => present).map(([name]) => name);
    throw new Error(`Lab down left things behind: ${[...links, ...leftovers].join(", ")}. Run \`npm run lab -- down\` again, or remove them by hand.`);
  }
}
