import { holdLabForRun, labDown, labStatus, labUp } from "../lab/index.ts";

/**
 * Brings the lab up before the "lab" project runs. If it cannot start, this throws: the integration tests
 * then fail, never skip. A lab that existed before the run is left in place afterwards; one started here is
 * taken down again. Runs on this machine take turns, since they all share the one lab.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const release = await holdLabForRun();
  try {
    const before = await labStatus();
    const existedBefore = before.up || before.network.anyPresent;
    try {
      await labUp({ log: (line) => console.log(`lab: ${line}`) });
    } catch (error) {
      throw new Error(`The integration tests need the lab, and it did not start: ${(error as Error).message}`, { cause: error });
    }
    return async () => {
      try {
        if (!existedBefore) await labDown();
      } finally {
        release();
      }
    };
  } catch (error) {
    release();
    throw error;
  }
}
