// Depth-first traversal that knows where each statement lives (its container, its file, the
// blocks around it) and steps into the files of followed includes as dhcpd would.
import type { Conf, ConfFile, ConfTree, Container, SimpleStatement, Statement } from "./cst";
import { bodiesOf, isSimple, rootOf } from "./cst";

export interface Located<S extends Statement = Statement> {
  statement: S;
  /** What holds the statement: a file or a block/arm body. */
  container: Container;
  /** The file whose text holds the statement (an included file for statements inside it). */
  file: ConfFile;
  /** Enclosing block and conditional statements, outermost first, across includes. */
  ancestors: readonly Statement[];
}

/** Every statement in document order, including those of followed includes. */
export function* walk(conf: Conf): Generator<Located> {
  const root = rootOf(conf);
  yield* walkStatements(root.body, root, root, [], treeOf(conf), new Set());
}

/** `located` and everything inside it, through followed includes. */
export function* walkFrom(conf: Conf, located: Located): Generator<Located> {
  const { statement, container, file, ancestors } = located;
  yield* walkStatements([statement], container, file, ancestors, treeOf(conf), new Set());
}

/** Where `statement` is, or undefined when it is not part of `conf`. */
export function locate(conf: Conf, statement: Statement): Located | undefined {
  for (const located of walk(conf)) if (located.statement === statement) return located;
  return undefined;
}

/** The parsed file a statement belongs to. */
export function fileOf(conf: Conf, statement: Statement): ConfFile {
  const files = conf.type === "tree" ? [...conf.files.values()] : [conf];
  const file = files.find((candidate) => candidate.path === statement.file);
  if (!file) throw new Error(`statement from "${statement.file}" is not part of this configuration`);
  return file;
}

function treeOf(conf: Conf): ConfTree | undefined {
  return conf.type === "tree" ? conf : undefined;
}

function* walkStatements(
  statements: readonly Statement[],
  container: Container,
  file: ConfFile,
  ancestors: readonly Statement[],
  tree: ConfTree | undefined,
  active: Set<ConfFile>,
): Generator<Located> {
  for (const statement of statements) {
    yield { statement, container, file, ancestors };
    const included = isSimple(statement, "include") ? tree?.included.get(statement) : undefined;
    if (included && !active.has(included)) {
      // `active` only guards against a tree built by hand with a cycle; parseWithIncludes rejects cycles.
      active.add(included);
      yield* walkStatements(included.body, included, included, ancestors, tree, active);
      active.delete(included);
    }
    const bodies = bodiesOf(statement);
    if (bodies.length > 0) {
      const inner = [...ancestors, statement];
      for (const body of bodies) yield* walkStatements(body.body, body, file, inner, tree, active);
    }
  }
}

/** The statement's index in its container; the caller got `located` from walk, so it is there. */
export function indexIn(located: Located): number {
  const index = located.container.body.indexOf(located.statement);
  if (index < 0) throw new Error("statement is no longer in its container; walk the configuration again after editing");
  return index;
}

/** `include "path";` statements: the path is the second token. */
export function isInclude(statement: Statement): statement is SimpleStatement {
  return isSimple(statement, "include") && statement.tokens[1]?.kind === "string";
}
