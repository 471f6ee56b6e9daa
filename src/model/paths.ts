/** A property path as the user wrote it in the program, e.g. ["peers", 1, "url"] -> "peers[1].url". */
export type PropertyPath = ReadonlyArray<string | number | symbol>;

export function formatPath(path: PropertyPath): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else text += text === "" ? String(segment) : `.${String(segment)}`;
  }
  return text;
}

export function valueAt(root: unknown, path: PropertyPath): unknown {
  let value = root;
  for (const segment of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string | number, unknown>)[segment as string | number];
  }
  return value;
}
