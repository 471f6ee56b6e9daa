import type { Json, ServerView } from "../backends/backend";

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

function show(value: Json | undefined): string {
  if (value === undefined) return "absent";
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** "on isc2, mclt is 3600, the program wants 10" — one line a reviewer can act on. */
export function describeDifference(difference: Difference): string {
  const what = difference.path === "" ? "the object" : difference.path;
  if (difference.actual === undefined) return `on ${difference.server}, ${what} is missing (the program wants ${show(difference.expected)})`;
  if (difference.expected === undefined) return `on ${difference.server}, ${what} is ${show(difference.actual)}, which the program does not declare`;
  return `on ${difference.server}, ${what} is ${show(difference.actual)}, the program wants ${show(difference.expected)}`;
}
