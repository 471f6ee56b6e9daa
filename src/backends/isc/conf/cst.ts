// Concrete syntax tree of dhcpd.conf. Every character of the source is owned by exactly one field
// (a token's raw text or `pre`, a statement's `leading` or `trail`, a block's `openTrail`, the
// file's `trailing`), so printing concatenates fields and reproduces the source byte for byte.

export type TokenKind = "word" | "string" | "punct";

export interface Token {
  kind: TokenKind;
  /** Exactly as written; strings keep their quotes and escapes. */
  raw: string;
  /** Whitespace and comments between the previous token of the same statement and this one. */
  pre: string;
  /** 1-based position in the file it was read from; 0 for tokens created by edits. */
  line: number;
  column: number;
}

/** `head {` body `}`: a block, or one arm of an if/elsif/else chain. */
export interface Branch {
  head: Token[];
  open: Token;
  /** Same-line whitespace/comment after "{", up to and including its newline. */
  openTrail: string;
  body: Statement[];
  /** `close.pre` holds the comments and indentation before "}". */
  close: Token;
}

interface StatementBase {
  /** Path of the file this statement was read from (or inserted into). */
  file: string;
  /** Blank lines, whole-line comments and indentation before the first token. */
  leading: string;
  /** Same-line whitespace and comment after the statement, up to and including its newline. */
  trail: string;
}

/** `tokens ;` */
export interface SimpleStatement extends StatementBase {
  type: "simple";
  tokens: Token[];
  semi: Token;
}

/** `head { body }`; `closeSemi` is the `;` dhcpd tolerates after a key block (BIND syntax). */
export interface BlockStatement extends StatementBase, Branch {
  type: "block";
  closeSemi: Token | null;
}

/** `if … { } elsif … { } else { }` kept as one statement. */
export interface ConditionalStatement extends StatementBase {
  type: "conditional";
  branches: Branch[];
}

/** `case VALUE:` or `default:` inside a switch; the last token ends with ":". */
export interface LabelStatement extends StatementBase {
  type: "label";
  tokens: Token[];
}

export type Statement = SimpleStatement | BlockStatement | ConditionalStatement | LabelStatement;

export interface ConfFile {
  type: "file";
  path: string;
  /** The text this file was parsed from, to tell whether edits changed it. */
  source: string;
  /** Line ending used when edits add lines. */
  eol: "\n" | "\r\n";
  body: Statement[];
  /** Comments and whitespace after the last statement. */
  trailing: string;
}

/** Anything that holds statements. */
export type Container = ConfFile | Branch;

/** A configuration whose includes were followed; see parseWithIncludes. */
export interface ConfTree {
  type: "tree";
  root: ConfFile;
  /** Every file read, by the path its include statement named (the root by its own path). */
  files: Map<string, ConfFile>;
  /** Which file each followed include statement brought in. */
  included: Map<SimpleStatement, ConfFile>;
}

/** What queries and edits accept: one parsed file, or a tree with its includes followed. */
export type Conf = ConfFile | ConfTree;

export function rootOf(conf: Conf): ConfFile {
  return conf.type === "file" ? conf : conf.root;
}

/** Whether the token is the keyword; dhcpd keywords are case-insensitive. */
export function isWord(token: Token | undefined, keyword: string): boolean {
  return token !== undefined && token.kind === "word" && token.raw.toLowerCase() === keyword.toLowerCase();
}

export function isPunct(token: Token | undefined, char: string): boolean {
  return token !== undefined && token.kind === "punct" && token.raw === char;
}

/** True when the tokens start with the given keywords (dhcpd keywords are case-insensitive). */
export function startsWithWords(tokens: readonly Token[], keywords: readonly string[]): boolean {
  return keywords.every((keyword, i) => isWord(tokens[i], keyword));
}

/** The tokens that say what a statement is: a simple statement's tokens, a block's head. */
export function headOf(statement: Statement): readonly Token[] {
  switch (statement.type) {
    case "simple":
    case "label":
      return statement.tokens;
    case "block":
      return statement.head;
    case "conditional":
      return statement.branches[0]?.head ?? [];
  }
}

export function isBlock(statement: Statement, ...keywords: string[]): statement is BlockStatement {
  return statement.type === "block" && startsWithWords(statement.head, keywords);
}

export function isSimple(statement: Statement, ...keywords: string[]): statement is SimpleStatement {
  return statement.type === "simple" && startsWithWords(statement.tokens, keywords);
}

/** Statement bodies directly inside a statement (one per conditional arm). */
export function bodiesOf(statement: Statement): Branch[] {
  if (statement.type === "block") return [statement];
  if (statement.type === "conditional") return statement.branches;
  return [];
}

/** Deep copy, re-homed to `file`; edits of the copy never touch the original. */
export function cloneStatement<S extends Statement>(statement: S, file: string): S {
  const copy = structuredClone(statement);
  setFile(copy, file);
  return copy;
}

function setFile(statement: Statement, file: string): void {
  statement.file = file;
  for (const branch of bodiesOf(statement)) for (const child of branch.body) setFile(child, file);
}
