// `include "file";` handling. parse() only records include statements; parseWithIncludes follows
// them through the caller's reader (the backend reads over SFTP), so this module does no I/O.
import * as posixPath from "node:path/posix";
import type { Conf, ConfFile, ConfTree, SimpleStatement } from "./cst";
import { rootOf } from "./cst";
import { ConfIncludeError } from "./errors";
import { parse } from "./parser";
import { print } from "./printer";
import { decodeString } from "./quoting";
import { isInclude, walk } from "./walk";

export interface IncludeRef {
  /** The path as the include statement names it. */
  path: string;
  /** The file holding the include statement, and where in it. */
  file: string;
  line: number;
  column: number;
  /** False when the included file was not read, so queries did not see its statements. */
  followed: boolean;
  statement: SimpleStatement;
}

/**
 * Reads a file for parseWithIncludes. It receives the path exactly as written in the include
 * statement; dhcpd opens relative paths from its working directory, not from the including file,
 * so resolving them is the caller's call.
 */
export type ReadFile = (path: string) => string | Promise<string>;

export interface IncludeOptions {
  /** Deepest include nesting accepted (default 16); deeper usually means a cycle through aliases. */
  maxDepth?: number;
}

/** Every include statement reachable from the root, and whether it was followed. */
export function listIncludes(conf: Conf): IncludeRef[] {
  const refs: IncludeRef[] = [];
  for (const { statement } of walk(conf)) {
    if (!isInclude(statement)) continue;
    const pathToken = statement.tokens[1];
    refs.push({
      path: decodeString(pathToken?.raw ?? '""'),
      file: statement.file,
      line: statement.tokens[0]?.line ?? 0,
      column: statement.tokens[0]?.column ?? 0,
      followed: conf.type === "tree" && conf.included.has(statement),
      statement,
    });
  }
  return refs;
}

/** Parses `path` and every file it includes, at any depth; rejects include cycles. */
export async function parseWithIncludes(path: string, readFile: ReadFile, options: IncludeOptions = {}): Promise<ConfTree> {
  const maxDepth = options.maxDepth ?? 16;
  const root = parse(await readFile(path), path);
  const tree: ConfTree = { type: "tree", root, files: new Map([[posixPath.normalize(path), root]]), included: new Map() };

  const follow = async (file: ConfFile, chain: readonly string[]): Promise<void> => {
    for (const { statement } of walk(file)) {
      if (!isInclude(statement)) continue;
      const first = statement.tokens[0];
      const at = { file: file.path, line: first?.line ?? 0, column: first?.column ?? 0 };
      const target = decodeString(statement.tokens[1]?.raw ?? '""');
      const key = posixPath.normalize(target);
      if (chain.includes(key)) {
        throw new ConfIncludeError(at, target, `include cycle: ${[...chain, key].join(" → ")}; remove one of these include statements`);
      }
      if (chain.length > maxDepth) {
        throw new ConfIncludeError(at, target, `includes are nested more than ${maxDepth} deep (${chain.join(" → ")} → ${key})`);
      }
      let included = tree.files.get(key);
      if (!included) {
        let text: string;
        try {
          text = await readFile(target);
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          throw new ConfIncludeError(at, target, `cannot read included file "${target}": ${reason}`);
        }
        included = parse(text, target);
        tree.files.set(key, included);
        await follow(included, [...chain, key]);
      }
      tree.included.set(statement, included);
    }
  };
  await follow(root, [posixPath.normalize(path)]);
  return tree;
}

/** Files whose printed text differs from what was read: the ones an edit touched. */
export function changedFiles(conf: Conf): { path: string; text: string }[] {
  const files = conf.type === "tree" ? [...conf.files.values()] : [rootOf(conf)];
  return files.map((file) => ({ path: file.path, text: print(file) })).filter((entry, i) => entry.text !== files[i]?.source);
}
