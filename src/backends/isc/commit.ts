import type { OperationContext } from "../../provider/context";
import type { Settled } from "../../provider/commitQueue";
import { changedFiles, type ConfTree } from "./conf";
import { configKey, loadConfig, reparse, rootText } from "./config";
import { IscHost } from "./host";
import { interruptedError, recoverInstall } from "./interrupted";
import { forgetStates } from "./status";
import type { IscServer } from "./schema";

/** One change to one server's configuration, applied to a parsed tree; returns warnings for the user. */
export interface IscEdit {
  /** For messages: "add failover peer \"lab\"". */
  describe: string;
  apply(conf: ConfTree): string[];
}

export interface EditOutcome {
  warnings: string[];
  /** False when the configuration already held the change (nothing was written for it). */
  changed: boolean;
}

// dhcpd has no reload: changes mean restarts. One restart at a time in this process, each confirmed
// before the next, so the two peers of a relationship are never both down.
let restartGate: Promise<void> = Promise.resolve();

async function exclusiveRestart<T>(body: () => Promise<T>): Promise<T> {
  const previous = restartGate;
  let release!: () => void;
  restartGate = new Promise<void>((resolve) => (release = resolve));
  await previous;
  try {
    return await body();
  } finally {
    release();
  }
}

/** Submits an edit to the server's queue: edits the engine sends together are committed together. */
export function submitEdit(ctx: OperationContext, server: IscServer, edit: IscEdit): Promise<EditOutcome> {
  return ctx.commits.queue<IscEdit, EditOutcome>(configKey(server), (edits) => commitBatch(ctx, server, edits)).submit(edit);
}

/**
 * One server, one batch: lock, read fresh, apply each edit (an edit that fails is undone and fails alone),
 * validate once with the server's dhcpd, install atomically with a backup, restart once, check dhcpd came
 * back; on any failure put the previous file back, restart, and report dhcpd's own words.
 */
async function commitBatch(ctx: OperationContext, server: IscServer, edits: IscEdit[]): Promise<Array<Settled<EditOutcome>>> {
  const host = await IscHost.open(ctx, server);
  const release = await host.lock();
  try {
    await host.removeLeftovers();
    const { conf: initial, texts } = await loadConfig(host);
    const original = texts.get(server.configPath)!;
    const results: Array<Settled<EditOutcome>> = [];
    let conf = initial;
    let good = original;
    for (const edit of edits) {
      try {
        const warnings = edit.apply(conf);
        const foreign = changedFiles(conf).filter((file) => file.path !== server.configPath);
        if (foreign.length > 0) {
          throw new Error(
            `it would change ${foreign.map((f) => f.path).join(", ")}, included by ${server.configPath}: this library writes only ${server.configPath}; move the declaration there or manage it by hand`,
          );
        }
        const text = rootText(conf);
        results.push({ ok: true, value: { warnings, changed: text !== good } });
        good = text;
      } catch (error) {
        results.push({ ok: false, error: editError(server, edit, error) });
        conf = await reparse(server, new Map(texts).set(server.configPath, good));
      }
    }
    if (good === original) return results;

    const validation = await host.validate(good);
    if (validation.ok) {
      await install(ctx, host, good, original);
      return results;
    }
    const isolated = await isolateInvalid(host, texts, edits, results, validation.message);
    if (isolated.text !== original) await install(ctx, host, isolated.text, original);
    return isolated.results;
  } finally {
    await release();
  }
}

/** Writes, restarts and confirms; on failure restores the previous file and says what both attempts gave. */
async function install(ctx: OperationContext, host: IscHost, text: string, previous: string): Promise<void> {
  const server = host.server;
  await exclusiveRestart(async () => {
    let restarted: Awaited<ReturnType<IscHost["restart"]>>;
    try {
      await host.install(text, previous);
      ctx.snapshots.invalidate(configKey(server));
      restarted = await host.restart();
    } catch (error) {
      ctx.snapshots.invalidate(configKey(server));
      forgetStates(ctx);
      throw interruptedError(server, error, await recoverInstall(ctx, server, text, previous));
    }
    forgetStates(ctx);
    if (restarted.ok) return;
    await host.install(previous, previous);
    const restored = await host.restart();
    forgetStates(ctx);
    const todo = restored.ok
      ? `The new configuration passed dhcpd -t, so what stops dhcpd is on ${server.name} itself (its interfaces, lease file or ports): fix what dhcpd said, then run pulumi up again.`
      : `dhcpd is down on ${server.name}: fix what dhcpd said, start dhcpd by hand, then run pulumi up again.`;
    throw new Error(
      `${server.name}: dhcpd did not come back with the new configuration, so the previous one was put back` +
        `${restored.ok ? " and dhcpd runs again with it" : `, but dhcpd does not run with it either (${restored.message})`}. ` +
        `${todo}\ndhcpd said: ${restarted.message}`,
    );
  });
}

/**
 * The batch as a whole was refused by dhcpd -t. Finds the edits responsible by validating the good
 * prefix edit by edit, then commits the rest: one bad resource does not block the others.
 */
async function isolateInvalid(
  host: IscHost,
  texts: Map<string, string>,
  edits: IscEdit[],
  results: Array<Settled<EditOutcome>>,
  batchMessage: string,
): Promise<{ results: Array<Settled<EditOutcome>>; text: string }> {
  const server = host.server;
  const original = texts.get(server.configPath)!;
  if (edits.length === 1) {
    const refused = new Error(`${server.name}: dhcpd -t refused the new configuration, nothing was written: ${batchMessage}`);
    return { results: [{ ok: false, error: refused }], text: original };
  }
  let good = original;
  let conf = await reparse(server, texts);
  const final = [...results];
  for (const [index, edit] of edits.entries()) {
    if (!final[index]?.ok) continue;
    let validation: Awaited<ReturnType<IscHost["validate"]>>;
    let candidate = good;
    try {
      edit.apply(conf);
      candidate = rootText(conf);
      validation = candidate === good ? { ok: true } : await host.validate(candidate);
    } catch (error) {
      validation = { ok: false, message: (error as Error).message };
    }
    if (validation.ok) good = candidate;
    else {
      final[index] = { ok: false, error: new Error(`${server.name}: dhcpd -t refused this change (${edit.describe}), nothing of it was written: ${validation.message}`) };
      conf = await reparse(server, new Map(texts).set(server.configPath, good));
    }
  }
  return { results: final, text: good };
}

function editError(server: IscServer, edit: IscEdit, error: unknown): Error {
  return new Error(`${server.name}: cannot ${edit.describe}: ${error instanceof Error ? error.message : String(error)}`);
}
