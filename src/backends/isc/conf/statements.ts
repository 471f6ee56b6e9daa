// Setting and removing single `keyword value;` statements directly inside a block.
import type { BlockStatement, Conf, SimpleStatement } from "./cst";
import { startsWithWords } from "./cst";
import { canonicalTokens } from "./canonical";
import type { Place } from "./layout";
import { insertAt, materialize, removeAt, styleOf } from "./layout";
import type { ConfValue } from "./quoting";
import { statementTokens } from "./quoting";
import { fileOf } from "./walk";

/** Simple statements directly in `block` that start with `keywords` (case-insensitive). */
export function findStatements(block: BlockStatement, keywords: readonly string[]): SimpleStatement[] {
  return block.body.filter(
    (statement): statement is SimpleStatement => statement.type === "simple" && startsWithWords(statement.tokens, keywords),
  );
}

export interface SetStatementOptions {
  /** Where a new statement goes in the block's body (default: the end). Ignored when one exists. */
  index?: number;
}

/**
 * Makes `keywords values;` the one statement with those keywords in the block: an existing one is
 * rewritten in place (keeping its comments; untouched when already equal), duplicates are removed,
 * otherwise a new statement is inserted. Values come only from ConfValue, so they are validated.
 */
export function setStatement(
  conf: Conf,
  block: BlockStatement,
  keywords: readonly string[],
  values: readonly ConfValue[],
  options: SetStatementOptions = {},
): SimpleStatement {
  return setIn({ container: block, owner: block, file: fileOf(conf, block) }, keywords, values, options.index);
}

/** Removes every statement directly in `block` that starts with `keywords`; returns how many. */
export function removeStatements(conf: Conf, block: BlockStatement, keywords: readonly string[]): number {
  return removeIn({ container: block, owner: block, file: fileOf(conf, block) }, keywords);
}

export function setIn(place: Place, keywords: readonly string[], values: readonly ConfValue[], index?: number): SimpleStatement {
  const tokens = statementTokens(keywords, values);
  const body = place.container.body;
  const matches = body.filter(
    (statement): statement is SimpleStatement => statement.type === "simple" && startsWithWords(statement.tokens, keywords),
  );
  const [existing, ...duplicates] = matches;
  const style = styleOf(place.file);
  for (const duplicate of duplicates) removeAt(place.container, body.indexOf(duplicate), style);
  if (existing) {
    if (canonicalTokens(existing.tokens) !== canonicalTokens(tokens)) {
      // Keep the keywords as written; only the value tokens change.
      const valueTokens = tokens.slice(keywords.length);
      const firstValue = valueTokens[0];
      if (firstValue) firstValue.pre = existing.tokens[keywords.length]?.pre ?? " ";
      existing.tokens = [...existing.tokens.slice(0, keywords.length), ...valueTokens];
    }
    return existing;
  }
  const statement = materialize({ head: tokens }, place.file.path, "", style) as SimpleStatement;
  insertAt(place, Math.min(index ?? body.length, body.length), statement);
  return statement;
}

export function removeIn(place: Place, keywords: readonly string[]): number {
  const style = styleOf(place.file);
  let removed = 0;
  for (let i = place.container.body.length - 1; i >= 0; i--) {
    const statement = place.container.body[i];
    if (statement?.type === "simple" && startsWithWords(statement.tokens, keywords)) {
      removeAt(place.container, i, style);
      removed++;
    }
  }
  return removed;
}
