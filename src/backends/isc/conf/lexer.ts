// Splits dhcpd.conf text into tokens, each carrying the whitespace and comments before it.
// Follows dhcpd 4.4's conflex.c where it matters for structure: `#` starts a comment to the end
// of the line anywhere outside a string, strings run to the next unescaped `"` (newlines
// included), and single characters such as `;` `{` `}` `(` `)` `,` `=` are tokens of their own.
// A word is any other run of characters, so `10.0.0.1`, `00:1a:2b:3c:4d:5e` and `example.org.`
// stay whole, which is all the structure the queries need.
import type { Token } from "./cst";
import { ConfParseError } from "./errors";

export interface LexResult {
  tokens: Token[];
  /** Whitespace and comments after the last token. */
  eofPre: string;
  eofLine: number;
  eofColumn: number;
}

const PUNCT = new Set([";", "{", "}", "(", ")", ",", "=", "!", "~", "&", "|", "+", "*", "/", "%", "^"]);

export function isWhitespace(char: string): boolean {
  return char === " " || char === "\t" || char === "\n" || char === "\r" || char === "\v" || char === "\f";
}

export function isWordChar(char: string): boolean {
  return !isWhitespace(char) && char !== '"' && char !== "#" && !PUNCT.has(char);
}

export function isPunctChar(char: string): boolean {
  return PUNCT.has(char);
}

export function lex(text: string, file: string): LexResult {
  const tokens: Token[] = [];
  let pos = 0;
  let line = 1;
  let lineStart = 0;

  // Moves to `end`, counting the newlines passed so positions stay exact.
  const advance = (end: number): void => {
    for (let i = pos; i < end; i++) {
      if (text.charCodeAt(i) === 10) {
        line++;
        lineStart = i + 1;
      }
    }
    pos = end;
  };

  for (;;) {
    const triviaStart = pos;
    let end = pos;
    while (end < text.length) {
      const char = text[end] as string;
      if (isWhitespace(char)) end++;
      else if (char === "#") {
        const newline = text.indexOf("\n", end);
        end = newline === -1 ? text.length : newline;
      } else break;
    }
    advance(end);
    const pre = text.slice(triviaStart, pos);
    if (pos >= text.length) return { tokens, eofPre: pre, eofLine: line, eofColumn: pos - lineStart + 1 };

    const startLine = line;
    const startColumn = pos - lineStart + 1;
    const char = text[pos] as string;
    let kind: Token["kind"];
    if (char === '"') {
      kind = "string";
      end = stringEnd(text, pos);
      if (end < 0) {
        throw new ConfParseError(
          { file, line: startLine, column: startColumn },
          'expected a closing " for the string that starts here, found end of file',
        );
      }
    } else if (PUNCT.has(char)) {
      kind = "punct";
      end = pos + 1;
    } else {
      kind = "word";
      end = pos + 1;
      while (end < text.length && isWordChar(text[end] as string)) end++;
    }
    const raw = text.slice(pos, end);
    advance(end);
    tokens.push({ kind, raw, pre, line: startLine, column: startColumn });
  }
}

/** Index just past the closing quote of the string opening at `start`, or -1 if it never closes. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const char = text[i];
    if (char === "\\") i++;
    else if (char === '"') return i + 1;
  }
  return -1;
}
