// Builds the concrete syntax tree. Generic where dhcpd is generic: a statement is a run of tokens
// ended by ";" or by a "{ … }" block. Specific only where structure differs: if/elsif/else
// chains are one statement, `case X:` / `default:` labels end at ":", braces after "=" group a
// record type (`option foo code 224 = { ip-address, string };`), and a key block may be followed
// by ";" (BIND syntax, which dhcpd accepts there and nowhere else).
import type { Branch, ConfFile, LabelStatement, Statement, Token } from "./cst";
import { isPunct, isWord } from "./cst";
import { ConfParseError } from "./errors";
import { lex } from "./lexer";

/** Parses one file. `file` names it in errors and in every node. Does not follow includes. */
export function parse(text: string, file = "dhcpd.conf"): ConfFile {
  return new Parser(text, file).parseFile();
}

interface OpenBlock {
  open: Token;
  head: readonly Token[];
}

class Parser {
  private readonly text: string;
  private readonly file: string;
  private readonly tokens: Token[];
  private readonly eofPre: string;
  private readonly eofLine: number;
  private readonly eofColumn: number;
  private index = 0;
  /** Trivia left for the next token once a statement's trail was split off its `pre`. */
  private pending: string | null = null;

  constructor(text: string, file: string) {
    this.text = text;
    this.file = file;
    const lexed = lex(text, file);
    this.tokens = lexed.tokens;
    this.eofPre = lexed.eofPre;
    this.eofLine = lexed.eofLine;
    this.eofColumn = lexed.eofColumn;
  }

  parseFile(): ConfFile {
    const body = this.parseBody(null);
    return {
      type: "file",
      path: this.file,
      source: this.text,
      eol: /\r\n/.test(this.text.slice(0, this.text.indexOf("\n") + 1)) ? "\r\n" : "\n",
      body,
      trailing: this.peekPre(),
    };
  }

  private parseBody(block: OpenBlock | null): Statement[] {
    const body: Statement[] = [];
    for (;;) {
      const next = this.peek();
      if (next === undefined) {
        if (block === null) return body;
        throw this.error(
          undefined,
          `expected "}" to close "${snippet([...block.head, block.open])}" opened at ${block.open.line}:${block.open.column}, found end of file`,
        );
      }
      if (isPunct(next, "}")) {
        if (block !== null) return body;
        throw this.error(next, 'expected a statement, found "}" with no block open (remove it or the extra "}")');
      }
      body.push(this.parseStatement(body[body.length - 1]));
    }
  }

  private parseStatement(previous: Statement | undefined): Statement {
    const leading = this.peekPre();
    const first = this.take();
    first.pre = "";
    if (isPunct(first, ";")) {
      const hint =
        previous?.type === "block" || previous?.type === "conditional"
          ? 'dhcpd accepts ";" after "}" only for key blocks; remove it'
          : "dhcpd 4.4 rejects empty statements; remove it";
      throw this.error(first, `expected a statement, found ";" (${hint})`);
    }
    if (isPunct(first, "{")) throw this.error(first, 'expected a statement before "{", found "{"');
    if (isWord(first, "elsif") || isWord(first, "else")) {
      throw this.error(first, `found "${first.raw}" without a preceding if block`);
    }
    if (isWord(first, "case") || /^default:?$/i.test(first.raw)) {
      const label = this.tryLabel(first, leading);
      if (label) return label;
    }

    const tokens: Token[] = [first];
    // Open "(" and record "{" (after "=" or "of"), innermost last.
    const openers: Token[] = [];
    for (;;) {
      const next = this.peek();
      const opener = openers[openers.length - 1];
      if (next === undefined) {
        if (opener) throw this.unclosed(opener, undefined);
        throw this.error(undefined, `expected ";" after "${snippet(tokens)}", found end of file`);
      }
      if (next.kind === "punct") {
        switch (next.raw) {
          case ";":
            if (opener) throw this.unclosed(opener, next);
            return { type: "simple", file: this.file, leading, tokens, semi: this.take(), trail: this.takeTrail() };
          case "{": {
            const before = tokens[tokens.length - 1];
            if (isPunct(before, "=") || isWord(before, "of")) openers.push(next);
            else if (opener) throw this.unclosed(opener, next);
            else return this.parseBlock(leading, tokens);
            break;
          }
          case "}":
            if (isPunct(opener, "{")) openers.pop();
            else if (opener) throw this.unclosed(opener, next);
            else throw this.error(next, `expected ";" after "${snippet(tokens)}", found "}"`);
            break;
          case "(":
            openers.push(next);
            break;
          case ")":
            if (isPunct(opener, "(")) openers.pop();
            else if (opener) throw this.unclosed(opener, next);
            else throw this.error(next, `found ")" with no "(" open in "${snippet(tokens)}"`);
            break;
        }
      }
      tokens.push(this.take());
    }
  }

  /** `case VALUE:` or `default:`; undefined when no ":" ends it before a ";" or brace. */
  private tryLabel(first: Token, leading: string): LabelStatement | undefined {
    const tokens: Token[] = [first];
    let ahead = this.index;
    let last = first;
    while (!(last.kind === "word" && last.raw.endsWith(":"))) {
      const next = this.tokens[ahead];
      if (next === undefined || isPunct(next, ";") || isPunct(next, "{") || isPunct(next, "}")) return undefined;
      tokens.push(next);
      last = next;
      ahead++;
    }
    while (this.index < ahead) this.take();
    return { type: "label", file: this.file, leading, tokens, trail: this.takeTrail() };
  }

  private parseBlock(leading: string, head: Token[]): Statement {
    const first = this.parseBranch(head);
    if (!isWord(head[0], "if")) {
      const closeSemi = isWord(head[0], "key") && isPunct(this.peek(), ";") ? this.take() : null;
      return { type: "block", file: this.file, leading, ...first, closeSemi, trail: this.takeTrail() };
    }
    const branches = [first];
    let next = this.peek();
    while (isWord(next, "elsif") || isWord(next, "else")) {
      const branchHead: Token[] = [this.take()];
      for (;;) {
        next = this.peek();
        if (isPunct(next, "{")) break;
        if (next === undefined || isPunct(next, ";") || isPunct(next, "}")) {
          throw this.error(next, `expected "{" after "${snippet(branchHead)}", found ${describe(next)}`);
        }
        branchHead.push(this.take());
      }
      branches.push(this.parseBranch(branchHead));
      next = this.peek();
    }
    return { type: "conditional", file: this.file, leading, branches, trail: this.takeTrail() };
  }

  private parseBranch(head: Token[]): Branch {
    const open = this.take();
    const openTrail = this.takeTrail();
    const body = this.parseBody({ open, head });
    const close = this.take();
    return { head, open, openTrail, body, close };
  }

  private peek(): Token | undefined {
    return this.tokens[this.index];
  }

  private peekPre(): string {
    return this.pending ?? this.tokens[this.index]?.pre ?? this.eofPre;
  }

  private take(): Token {
    const token = this.tokens[this.index++] as Token;
    if (this.pending !== null) token.pre = this.pending;
    this.pending = null;
    return token;
  }

  /**
   * Splits off the rest of the current line (spaces, a comment, the newline) so it stays with
   * the statement just ended; the remainder becomes the next token's trivia.
   */
  private takeTrail(): string {
    const pre = this.peekPre();
    const newline = pre.indexOf("\n");
    let trail: string;
    if (newline >= 0) trail = pre.slice(0, newline + 1);
    else trail = this.index >= this.tokens.length ? pre : "";
    this.pending = pre.slice(trail.length);
    return trail;
  }

  private unclosed(opener: Token, found: Token | undefined): ConfParseError {
    const closer = opener.raw === "(" ? ")" : "}";
    return this.error(
      found,
      `expected "${closer}" to close "${opener.raw}" opened at ${opener.line}:${opener.column}, found ${describe(found)}`,
    );
  }

  private error(at: Token | undefined, detail: string): ConfParseError {
    const position = at ?? { line: this.eofLine, column: this.eofColumn };
    return new ConfParseError({ file: this.file, line: position.line, column: position.column }, detail);
  }
}

function describe(token: Token | undefined): string {
  if (token === undefined) return "end of file";
  return token.kind === "string" ? shorten(token.raw) : `"${shorten(token.raw)}"`;
}

/** The tokens as the user wrote them, on one line and cut to a readable length. */
function snippet(tokens: readonly Token[]): string {
  return shorten(tokens.map((token) => token.raw).join(" "));
}

function shorten(text: string): string {
  const oneLine = text.replace(/\s+/g, " ");
  return oneLine.length > 60 ? `…${oneLine.slice(-59)}` : oneLine;
}
