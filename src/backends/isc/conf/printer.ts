// Prints a tree by concatenating every token with the trivia it carries: unchanged nodes come out
// exactly as they were read, edited ones as the edit laid them out.
import type { Branch, ConfFile, Statement, Token } from "./cst";

export function print(file: ConfFile): string {
  const out: string[] = [];
  for (const statement of file.body) emitStatement(statement, out);
  out.push(file.trailing);
  return out.join("");
}

/** One statement with its leading trivia and trail, as it would appear in the file. */
export function printStatement(statement: Statement): string {
  const out: string[] = [];
  emitStatement(statement, out);
  return out.join("");
}

function emitStatement(statement: Statement, out: string[]): void {
  out.push(statement.leading);
  switch (statement.type) {
    case "simple":
      emitTokens(statement.tokens, out);
      out.push(statement.semi.pre, statement.semi.raw);
      break;
    case "label":
      emitTokens(statement.tokens, out);
      break;
    case "block":
      emitBranch(statement, out);
      if (statement.closeSemi) out.push(statement.closeSemi.pre, statement.closeSemi.raw);
      break;
    case "conditional":
      for (const branch of statement.branches) emitBranch(branch, out);
      break;
  }
  out.push(statement.trail);
}

function emitBranch(branch: Branch, out: string[]): void {
  emitTokens(branch.head, out);
  out.push(branch.open.pre, branch.open.raw, branch.openTrail);
  for (const child of branch.body) emitStatement(child, out);
  out.push(branch.close.pre, branch.close.raw);
}

function emitTokens(tokens: readonly Token[], out: string[]): void {
  for (const token of tokens) out.push(token.pre, token.raw);
}
