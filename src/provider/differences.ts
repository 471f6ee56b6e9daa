import type { Json, ServerView } from "../backends/backend";
import { SECRET_FIELDS } from "../model/secrets";

/** One way in which a server differs from what the program wants. */
export interface Difference {
  server: string;
  /** Dotted path inside the view, "" for the whole object. */
  path: string;
  expected: Json | undefined;
  actual: Json | undefined;
}

export function compareViews(views: readonly ServerView[]): Difference[] {
  return views.flatMap((view) => compare(view.server, "", view.expected, view.actual));
}

function compare(server: string, path: string, expected: Json | undefined, actual: Json | undefined): Difference[] {
  if (deepEqual(expected, actual)) return [];
  if (isObject(expected) && isObject(actual)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
    return keys.flatMap((key) => compare(server, join(path, key), expected[key], actual[key]));
  }
  return [{ server, path, expected, actual }];
}

function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  if (a !== null && b !== null && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const left = Object.entries(a).filter(([, v]) => v !== undefined);
    const right = Object.entries(b).filter(([, v]) => v !== undefined);
    return left.length === right.length && left.every(([key, value]) => deepEqual(value, (b as Record<string, unknown>)[key]));
  }
  return false;
}

/** Names that hold a secret: the model's secret fields, however a vendor spells them ("basic-auth-password"). */
const SECRET_NAMES = [...SECRET_FIELDS].map(squash);

function squash(name: string): string {
  return name.replace(/[-_]/g, "").toLowerCase();
}

function isSecretName(key: string): boolean {
  const name = squash(key);
  return SECRET_NAMES.some((secret) => name.endsWith(secret));
}

/** A value as JSON, with anything under a secret name blanked: a view that carried a secret must not print it. */
function show(value: Json | undefined): string {
  if (value === undefined) return "missing";
  // A server's null is a statement it does not have (a pool without a "failover peer" line), not JSON null.
  if (value === null) return "not set";
  const text = JSON.stringify(value, (key, inner: unknown) => (key !== "" && isSecretName(key) && inner !== null ? "(secret)" : inner));
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/**
 * "on isc2, mclt is 3600, the program wants 10": one line a reviewer can act on (server, property path, what
 * is there, what the program wants). A secret only ever shows as differing, set or missing, never its value.
 */
export function describeDifference(difference: Difference): string {
  const { server, path, expected, actual } = difference;
  const what = path === "" ? "it" : path;
  if (path !== "" && isSecretName(path.slice(path.lastIndexOf(".") + 1))) {
    if (actual === undefined) return `on ${server}, ${what} is missing, the program wants a secret (not shown)`;
    if (expected === undefined) return `on ${server}, ${what} is set to a secret (not shown), which the program does not declare`;
    return `on ${server}, ${what} differs from the program's secret (neither value is shown)`;
  }
  if (expected === undefined) return `on ${server}, ${what} is ${show(actual)}, which the program does not declare`;
  return `on ${server}, ${what} is ${show(actual)}, the program wants ${show(expected)}`;
}
