import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { demoStateDir, repoRoot } from "./paths.ts";

/** What the demo's Pulumi state in the lab directory (demoStateDir) still holds, for `lab down` to say. */

export interface DemoStack {
  /** "project/stack", as the file backend names it. */
  name: string;
  /** Resources on the lab's servers: the stack itself and providers are not counted. */
  resources: number;
}

interface Checkpoint {
  checkpoint?: { latest?: { resources?: Array<{ type?: string }> } };
}

/** Stacks with resources; the file backend keeps each as .pulumi/stacks/<project>/<stack>.json. */
export function demoStacks(stateDir: string = demoStateDir): DemoStack[] {
  const stacksDir = join(stateDir, ".pulumi", "stacks");
  if (!existsSync(stacksDir)) return [];
  return readdirSync(stacksDir).flatMap((project) =>
    readdirSync(join(stacksDir, project))
      .filter((file) => file.endsWith(".json"))
      .map((file) => {
        const state = JSON.parse(readFileSync(join(stacksDir, project, file), "utf8")) as Checkpoint;
        const resources = (state.checkpoint?.latest?.resources ?? []).filter((r) => !r.type?.startsWith("pulumi:")).length;
        return { name: `${project}/${file.slice(0, -".json".length)}`, resources };
      })
      .filter((stack) => stack.resources > 0),
  );
}

/** The line `lab down` prints for stacks whose resources go with the lab; null when there are none. */
export function describeDemoStacks(stacks: DemoStack[], stateDir: string = demoStateDir): string | null {
  if (stacks.length === 0) return null;
  const list = stacks.map((s) => `${s.name} (${s.resources} resource${s.resources === 1 ? "" : "s"})`).join(", ");
  return (
    `the demo's stack ${list} lived on these servers: it goes with them, and its state (${relative(repoRoot, stateDir)}) is removed ` +
    "without a destroy, since nothing it made outlives the lab; the next `npm run demo` starts a new stack on the new lab"
  );
}
