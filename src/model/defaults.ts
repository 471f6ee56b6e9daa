import type { z } from "zod";

type Segment = string | number;

/**
 * The value without what the schema would fill in by default: what a person would have written. A refresh
 * records what is live as the resource's inputs; with every default spelled out, the next preview would show
 * each one as removed by the program ("- port: 647"), which misleads a reviewer. A key goes only if the value
 * parses to exactly the same result without it; array elements are never removed, only keys inside them.
 */
export function withoutDefaults(schema: z.ZodType, value: unknown): unknown {
  const full = schema.safeParse(value);
  if (!full.success) return value;
  const target = JSON.stringify(full.data);
  const same = (candidate: unknown) => {
    const parsed = schema.safeParse(candidate);
    return parsed.success && JSON.stringify(parsed.data) === target;
  };
  let current = structuredClone(value);
  for (const path of keyPaths(current, [])) {
    const candidate = without(current, path);
    if (same(candidate)) current = candidate;
  }
  return current;
}

/** Paths of every object key, the innermost first, so that an object emptied of defaults can go as well. */
function keyPaths(value: unknown, at: Segment[]): Segment[][] {
  if (Array.isArray(value)) return value.flatMap((item, index) => keyPaths(item, [...at, index]));
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, inner]) => [...keyPaths(inner, [...at, key]), [...at, key]]);
}

function without(value: unknown, path: Segment[]): unknown {
  const copy = structuredClone(value);
  let node = copy as Record<Segment, unknown>;
  for (const segment of path.slice(0, -1)) node = node[segment] as Record<Segment, unknown>;
  delete node[path[path.length - 1]!];
  return copy;
}
