import { z } from "zod";
import { formatPath, valueAt, type PropertyPath } from "./paths";
import { knownKeysAt } from "./schemaShape";
import { containsUnknown, isUnknown, withoutUnknowns } from "./unknown";

/** A check failure as Pulumi shows it: the property path the user wrote and what to do about it. */
export interface CheckFailure {
  property: string;
  reason: string;
}

export type Validation<T> =
  | { ok: true; value: T; partial: false }
  | { ok: true; value: undefined; partial: true }
  | { ok: false; failures: CheckFailure[] };

/**
 * Validates inputs against a schema, tolerating the engine's unknown values during preview: unknown leaves
 * are treated as "not given", and any failure at (or above) an unknown value is dropped, because the value
 * may well be valid once known. Cross-field rules then run again at `up`, when everything is known.
 */
export function validate<S extends z.ZodType>(schema: S, input: unknown): Validation<z.output<S>> {
  const hasUnknowns = containsUnknown(input);
  const result = schema.safeParse(hasUnknowns ? withoutUnknowns(input) : input);
  if (result.success) {
    return hasUnknowns ? { ok: true, value: undefined, partial: true } : { ok: true, value: result.data, partial: false };
  }
  const failures = result.error.issues
    .filter((issue) => !(hasUnknowns && issue.code !== "unrecognized_keys" && touchesUnknown(input, issue.path)))
    .flatMap((issue) => describe(issue, schema, input));
  if (failures.length === 0) return { ok: true, value: undefined, partial: true };
  return { ok: false, failures: dedupe(failures) };
}

/** True when the value at the path, or any value on the way to it, is (or holds) an unknown. */
function touchesUnknown(input: unknown, path: PropertyPath): boolean {
  for (let i = 0; i < path.length; i++) if (isUnknown(valueAt(input, path.slice(0, i)))) return true;
  return containsUnknown(valueAt(input, path));
}

function describe(issue: z.core.$ZodIssue, schema: z.ZodType, input: unknown): CheckFailure[] {
  const property = formatPath(issue.path) || "(inputs)";
  switch (issue.code) {
    case "invalid_type": {
      const given = valueAt(input, issue.path);
      if (given === undefined) return [{ property, reason: `is required (${issue.expected})` }];
      return [{ property, reason: `must be ${article(issue.expected)}, not ${describeValue(given)}` }];
    }
    case "unrecognized_keys":
      return issue.keys.map((key) => ({
        property: formatPath([...issue.path, key]),
        reason: `is not a known property${suggestion(key, knownKeysAt(schema, issue.path, input))}: remove it or fix its spelling`,
      }));
    case "invalid_value":
      return [{ property, reason: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}` }];
    case "invalid_union":
      if ("discriminator" in issue && issue.discriminator) {
        const options = (issue as { options?: unknown[] }).options ?? [];
        return [{ property, reason: `must be one of ${options.map((v) => JSON.stringify(v)).join(", ")}` }];
      }
      return [{ property, reason: issue.message }];
    case "too_big":
      return [{ property, reason: `must be at most ${String(issue.maximum)}${unit(issue.origin)}` }];
    case "too_small":
      return [{ property, reason: `must be at least ${String(issue.minimum)}${unit(issue.origin)}` }];
    default:
      return [{ property, reason: issue.message }];
  }
}

function unit(origin: string): string {
  if (origin === "string") return " characters";
  if (origin === "array" || origin === "set") return " items";
  return "";
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  return `${typeof value} ${JSON.stringify(value)}`;
}

function suggestion(key: string, candidates: string[]): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best !== undefined && bestDistance <= 2 ? ` (did you mean "${best}"?)` : "";
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

function dedupe(failures: CheckFailure[]): CheckFailure[] {
  const seen = new Set<string>();
  return failures.filter((f) => {
    const key = `${f.property}\u0000${f.reason}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Renders failures the way a person reads them in one error message. */
export function formatFailures(failures: readonly CheckFailure[]): string {
  return failures.map((f) => `${f.property}: ${f.reason}`).join("\n");
}
