/**
 * Load-balancing serves each client from the pool of the server whose scope it hashes into: Kea puts the
 * client in class HA_<server>, so each pool is split in two halves, one per class. The halves remember the
 * pool they came from (user-context MARK "split-of"), so that merging gives back the very same pool. Pure.
 */
import type { Json } from "../backend";
import { MARK } from "./configEdit";
import type { JsonObject } from "./haConfig";

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
export function splitPools(pools: readonly JsonObject[], servers: readonly [string, string]): JsonObject[] {
  const result: JsonObject[] = [];
  for (const pool of mergePools(pools)) {
    const text = String(pool.pool);
    if (pool["client-class"] !== undefined && pool["client-class"] !== "") {
      throw new Error(
        `pool ${text} is limited to client class ${JSON.stringify(pool["client-class"])}: load-balancing needs its own class ` +
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
      result.push({ ...structuredClone(pool), pool: formatRange(half), "client-class": haClass(server), "user-context": context });
    }
  }
  return result;
}

/** Pools in the comparable form of a view: ranges and classes, without this library's marks. */
export function comparablePools(pools: readonly JsonObject[]): Json[] {
  return pools.map((pool) => {
    const shown: JsonObject = { pool: formatRange(parsePool(String(pool.pool))) };
    if (pool["client-class"] !== undefined && pool["client-class"] !== "") shown["client-class"] = pool["client-class"]!;
    return shown;
  });
}
