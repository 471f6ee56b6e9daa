/**
 * Writing to Kea servers. Per server, the edits of a run that arrive together are coalesced into one
 * change: a fresh config-get, every edit applied in turn (pure functions over the configuration), config-test
 * (skipped where it would break a live HA listener), config-set, config-write to the server's own file.
 * A refused config-set or config-write puts the previous configuration back, so a server is always in its
 * old or its new valid configuration. Across servers, changes go one server at a time in the given order,
 * and a failure takes back what the earlier servers already received.
 */
import { PartialChangeError } from "../errors";
import type { OperationContext } from "../../provider/context";
import type { Settled } from "../../provider/commitQueue";
import { deepEqual } from "../../provider/differences";
import { KEA_SUCCESS, type KeaAnswer } from "./controlApi";
import { configTestUnsafe, haProblems, type KeaConfig } from "./configEdit";
import type { KeaServer } from "./server";
import { haFeatures, type KeaVersion } from "./version";

export interface Edit {
  /** What the edit does, for messages: "put the HA relationship of kea-lab". */
  what: string;
  /** The new configuration; throws (with what to do) when the edit cannot be made. */
  apply(config: KeaConfig, version: KeaVersion): KeaConfig;
}

export interface Committed {
  changed: boolean;
  /** The configuration before this batch, and after it. */
  before: KeaConfig;
  after: KeaConfig;
}

/** Queues the edit on the server's commit queue; resolves when its batch has been written (or refused). */
export function submit(ctx: OperationContext, server: KeaServer, edit: Edit): Promise<Committed> {
  ctx.metrics.count("kea.submit", server.label, edit.what);
  return ctx.commits.queue<Edit, Committed>(server.key, (edits) => commitBatch(server, edits)).submit(edit);
}

function describeAnswer(answer: KeaAnswer): string {
  return `result ${answer.result}: ${JSON.stringify(answer.text ?? "")}`;
}

/**
 * Another writer (a second run sharing this server, a person) changed the configuration between this
 * batch's config-get and its config-set: writing would silently drop that change.
 */
class ChangedMeanwhile extends Error {}

/** How many times a batch is made again on a fresh config-get when the server changed meanwhile. */
const CHANGED_MEANWHILE_TRIES = 3;

async function commitBatch(server: KeaServer, edits: Edit[]): Promise<Array<Settled<Committed>>> {
  const version = await server.version();
  for (let attempt = 1; ; attempt++) {
    try {
      return await commitOnce(server, edits, version);
    } catch (error) {
      if (!(error instanceof ChangedMeanwhile)) throw error;
      if (attempt < CHANGED_MEANWHILE_TRIES) continue;
      const refused = new Error(
        `${server.label}: its configuration changed ${CHANGED_MEANWHILE_TRIES} times between this run's config-get and its config-set ` +
          "(another `pulumi up` sharing this server, or a person editing it): nothing was written, so no one's change is lost. " +
          `Let the other change finish, then run \`pulumi up\` again.`,
        { cause: error },
      );
      return edits.map(() => ({ ok: false, error: refused }));
    }
  }
}

async function commitOnce(server: KeaServer, edits: Edit[], version: KeaVersion): Promise<Array<Settled<Committed>>> {
  const before = await server.readConfig();
  const beforeProblems = new Set(haProblems(before, version, server.api.url));
  let config = before;
  const accepted = new Set<number>();
  const outcomes: Array<Settled<Committed> | undefined> = edits.map(() => undefined);
  edits.forEach((edit, index) => {
    try {
      const next = edit.apply(config, version);
      const introduced = haProblems(next, version, server.api.url).filter((problem) => !beforeProblems.has(problem));
      if (introduced.length > 0) throw new Error(introduced.join("; "));
      config = next;
      accepted.add(index);
    } catch (error) {
      outcomes[index] = { ok: false, error: new Error(`${server.label}: cannot ${edit.what}: ${(error as Error).message}`) };
    }
  });
  const changed = !deepEqual(config, before);
  if (changed && accepted.size > 0) {
    try {
      await write(server, before, config, version);
    } catch (error) {
      if (error instanceof ChangedMeanwhile) throw error;
      for (const index of accepted) outcomes[index] = { ok: false, error: error as Error };
      return outcomes as Array<Settled<Committed>>;
    }
    server.written(config);
  }
  for (const index of accepted) outcomes[index] = { ok: true, value: { changed, before, after: config } };
  return outcomes as Array<Settled<Committed>>;
}

async function write(server: KeaServer, before: KeaConfig, config: KeaConfig, version: KeaVersion): Promise<void> {
  if (!configTestUnsafe(before, version)) {
    const test = await server.send("config-test", config);
    if (test.result !== KEA_SUCCESS) {
      throw new Error(`${server.label}: Kea's config-test refused the new configuration (${describeAnswer(test)}). Nothing was changed on ${server.label}.`);
    }
  }
  // Kea has no conditional config-set: read again just before writing, so the window another writer
  // could slip into is one round trip, not the whole batch.
  if (!deepEqual(await server.readConfig(), before)) throw new ChangedMeanwhile(`${server.label}: the configuration changed since config-get`);
  let set: KeaAnswer;
  try {
    set = await server.send("config-set", config);
  } catch (error) {
    // No answer: the server may or may not have taken the new configuration. Put the old one back.
    throw new Error(`${(error as Error).message}. ${await restore(server, before)}`);
  }
  if (set.result !== KEA_SUCCESS) {
    throw new Error(
      `${server.label}: Kea rejected the new configuration (config-set, ${describeAnswer(set)}). ${await restore(server, before)} ` +
        `Kea's log on ${server.label} has the details (for HA: a TLS file it cannot read, an address or port it cannot use...): fix the program and run \`pulumi up\` again.`,
    );
  }
  const written = await server.send("config-write", { filename: server.configPath }).catch((error: Error) => ({ result: -1, text: error.message }) as KeaAnswer);
  if (written.result !== KEA_SUCCESS) {
    throw new Error(
      `${server.label}: Kea took the new configuration but could not save it to ${server.configPath} (config-write, ${describeAnswer(written)}). ` +
        `${await restore(server, before)} Check that configPath is the file the server was started with and that Kea may write it` +
        `${haFeatures(version).confinedPaths ? ` (Kea ${version.text} writes only into the directory of the file it was started with, -c)` : ""}, then run \`pulumi up\` again.`,
    );
  }
}

/** Puts the previous configuration back; says how that went, and what to do if it did not. */
async function restore(server: KeaServer, before: KeaConfig): Promise<string> {
  const back = await server.send("config-set", before).catch((error: Error) => ({ result: -1, text: error.message }) as KeaAnswer);
  if (back.result === KEA_SUCCESS) return `The previous configuration was put back on ${server.label}, which serves as before.`;
  // Its file still holds the previous configuration: nothing was written to it.
  const reload = await server.send("config-reload").catch((error: Error) => ({ result: -1, text: error.message }) as KeaAnswer);
  if (reload.result === KEA_SUCCESS) {
    return `Putting the previous configuration back failed (${describeAnswer(back)}), so ${server.label} reloaded it from ${server.configPath}, which was not changed.`;
  }
  return (
    `Putting the previous configuration back failed too (${describeAnswer(back)}; config-reload: ${describeAnswer(reload)}): ` +
    `${server.label} may be running without its hook libraries. Restart Kea on it (its file ${server.configPath} was not changed) and read its log.`
  );
}

export interface Step {
  server: KeaServer;
  edit: Edit;
  /** The edit that takes this step back, given what the server held before it. */
  undo?: (before: KeaConfig) => Edit;
}

/**
 * Applies the steps one server at a time, in order. When one fails, the servers already changed get their
 * undo edit, so that all servers are as they were; if an undo fails too, the error says which server holds what.
 */
export async function applyInOrder(ctx: OperationContext, steps: readonly Step[]): Promise<Committed[]> {
  const done: Array<{ step: Step; committed: Committed }> = [];
  for (const step of steps) {
    try {
      done.push({ step, committed: await submit(ctx, step.server, step.edit) });
    } catch (error) {
      const message = (error as Error).message;
      const changed = done.filter((d) => d.committed.changed && d.step.undo);
      const undone: string[] = [];
      const stuck: string[] = [];
      for (const d of [...changed].reverse()) {
        try {
          await submit(ctx, d.step.server, d.step.undo!(d.committed.before));
          undone.push(d.step.server.label);
        } catch (undoError) {
          stuck.push(`${d.step.server.label} (${(undoError as Error).message})`);
        }
      }
      if (stuck.length > 0) {
        const unchanged = steps.filter((s) => !done.some((d) => d.step === s) || undone.includes(s.server.label)).map((s) => s.server.label);
        throw new PartialChangeError(
          `${message} Taking the change back failed on ${stuck.join("; ")}: those servers hold the new configuration, ` +
            `${unchanged.join(", ")} the previous one. Fix the cause and run \`pulumi up\` again to finish.`,
          stuck.map((s) => s.split(" ")[0]!),
          unchanged,
        );
      }
      if (undone.length > 0) throw new Error(`${message} The change was also taken back on ${undone.join(", ")}: every server is as it was.`);
      const untouched = steps.slice(steps.indexOf(step) + 1).map((s) => s.server.label);
      throw new Error(untouched.length > 0 ? `${message} ${untouched.join(", ")} ${untouched.length === 1 ? "was" : "were"} not changed.` : message);
    }
  }
  return done.map((d) => d.committed);
}
