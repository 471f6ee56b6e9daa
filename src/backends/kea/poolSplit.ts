/**
 * Load-balancing serves each client from the pool of the server whose scope it hashes into: Kea puts the
 * client in class HA_<server>, so each pool is split in two halves, one per class. The halves remember the
 * pool they came from (user-context MARK "split-of"), so that merging gives back the very same pool. Pure.
 */
import type { Json } from "../backend";
import { MARK } from "./configEdit";
import type { JsonObject } from "./haConfig";
import { haFeatures, type KeaVersion } from "./version";

export interface Range {
  first: number;
  last: number;
}

function toNumber(address: string): number {
  const octets = address.trim().split(".").map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) throw new Error(`"${address}" is not an IPv4 address`);
  return octets.reduce((acc, octet) => acc * 256 + octet, 0);
}

export function toAddress(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/** Kea's pool syntax: "first - last" (any spacing) or "network/prefix". */
export function parsePool(text: string): Range {
  if (text.includes("/")) {
    const [network, prefixText] = text.split("/") as [string, string];
    const size = 2 ** (32 - Number(prefixText));
    const first = toNumber(network);
    return { first, last: first + size - 1 };
  }
  const [first, last] = text.split("-");
  if (first === undefined || last === undefined) throw new Error(`"${text}" is not a pool ("first - last" or "network/prefix")`);
  return { first: toNumber(first), last: toNumber(last) };
}

/** As Kea prints pools in config-get. */
export function formatRange(range: Range): string {
  return `${toAddress(range.first)}-${toAddress(range.last)}`;
}

export function haClass(server: string): string {
  return `HA_${server}`;
}

/**
 * The classes a pool is limited to, whichever way it says so: the string client-class (Kea 2.x, deprecated
 * in 3.0) or the list client-classes (Kea 3.0, which rewrites client-class into it).
 */
export function poolClasses(pool: JsonObject): string[] {
  const single = pool["client-class"];
  const list = pool["client-classes"];
  const classes = Array.isArray(list) ? list.filter((c): c is string => typeof c === "string" && c !== "") : [];
  return typeof single === "string" && single !== "" ? [single, ...classes.filter((c) => c !== single)] : classes;
}

/** The pool limited to one class, in the form this version reads back (so that the next read compares equal). */
function withPoolClass(pool: JsonObject, name: string, version: KeaVersion): JsonObject {
  const next = { ...pool };
  delete next["client-class"];
  delete next["client-classes"];
  if (haFeatures(version).poolClientClasses) next["client-classes"] = [name];
  else next["client-class"] = name;
  return next;
}

function markOf(pool: JsonObject): JsonObject | undefined {
  const context = pool["user-context"] as JsonObject | undefined;
  const mark = context?.[MARK];
  return mark !== null && typeof mark === "object" && !Array.isArray(mark) ? (mark as JsonObject) : undefined;
}

export function isSplitPart(pool: JsonObject): boolean {
  return markOf(pool)?.["split-of"] !== undefined;
}

/** Puts back every pool this library split, where its first half was; other pools stay as they are. */
export function mergePools(pools: readonly JsonObject[]): JsonObject[] {
  const merged: JsonObject[] = [];
  const restored = new Set<string>();
  for (const pool of pools) {
    const original = markOf(pool)?.["split-of"];
    if (original === undefined) {
      merged.push(pool);
      continue;
    }
    const key = JSON.stringify(original);
    if (restored.has(key)) continue;
    restored.add(key);
    merged.push(structuredClone(original) as JsonObject);
  }
  return merged;
}

/**
 * Splits every pool between the two servers' HA classes (first half to the first server). A pool that
 * already has a client class, or a single address, cannot be split: the error says which and why.
 */
export function splitPools(pools: readonly JsonObject[], servers: readonly [string, string], version: KeaVersion): JsonObject[] {
  const result: JsonObject[] = [];
  for (const pool of mergePools(pools)) {
    const text = String(pool.pool);
    const classes = poolClasses(pool);
    if (classes.length > 0) {
      throw new Error(
        `pool ${text} is limited to client class ${classes.map((c) => JSON.stringify(c)).join(", ")}: load-balancing needs its own class ` +
          `(${haClass(servers[0])} / ${haClass(servers[1])}) on each half and Kea allows one class per pool: remove the class or use hot-standby`,
      );
    }
    const range = parsePool(text);
    if (range.last <= range.first) throw new Error(`pool ${text} has a single address: load-balancing needs at least two to give each server one`);
    const middle = range.first + Math.floor((range.last - range.first + 1) / 2) - 1;
    const halves: Array<[Range, string]> = [
      [{ first: range.first, last: middle }, servers[0]],
      [{ first: middle + 1, last: range.last }, servers[1]],
    ];
    for (const [half, server] of halves) {
      const context = { ...((pool["user-context"] as JsonObject | undefined) ?? {}), [MARK]: { "split-of": pool as Json } };
      result.push(withPoolClass({ ...structuredClone(pool), pool: formatRange(half), "user-context": context }, haClass(server), version));
    }
  }
  return result;
}

/**
 * Pools in the comparable form of a view: ranges and classes, without this library's marks. Classes show
 * as one list whichever key held them, so that a class written as client-class and read back from Kea 3.0
 * as client-classes is the same pool.
 */
export function comparablePools(pools: readonly JsonObject[]): Json[] {
  return pools.map((pool) => {
    const shown: JsonObject = { pool: formatRange(parsePool(String(pool.pool))) };
    const classes = poolClasses(pool);
    if (classes.length > 0) shown["client-classes"] = classes;
    return shown;
  });
}
