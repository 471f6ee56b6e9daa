// The one way values get into edited text. Every edit builds its tokens from ConfValue, whose
// constructor is private: a value is either validated against its grammar (addresses, numbers,
// hex, keywords) or quoted with escaping (strings), or it is rejected with the reason. Nothing
// else in the library writes user data into the tree.
import type { Token } from "./cst";
import { ConfValueError } from "./errors";

/** dhcpd reads a string into a 1500-byte buffer with a terminating NUL and truncates beyond. */
export const MAX_STRING_BYTES = 1499;

export class ConfValue {
  readonly tokens: readonly Token[];

  private constructor(tokens: Token[]) {
    this.tokens = tokens;
  }

  /** A dotted-quad IPv4 address (no leading zeros: dhcpd would read them as decimal anyway). */
  static ipv4(value: string, what = "IPv4 address"): ConfValue {
    assertString(value, what);
    if (!isIpv4(value)) throw new ConfValueError(what, value, "expected a dotted-quad IPv4 address such as 192.0.2.10");
    return new ConfValue([word(value)]);
  }

  /** An IPv4 address or a DNS host name (letters, digits, hyphens, dot-separated labels). */
  static host(value: string, what = "address"): ConfValue {
    assertString(value, what);
    if (isIpv4(value)) return new ConfValue([word(value)]);
    const problem = hostNameProblem(value);
    if (problem) throw new ConfValueError(what, value, `expected an IPv4 address or a DNS name: ${problem}`);
    return new ConfValue([word(value)]);
  }

  /** A decimal integer within [min, max]. */
  static integer(value: number, what: string, min = 0, max = 0xffffffff): ConfValue {
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new ConfValueError(what, value, `expected a whole number from ${min} to ${max}`);
    }
    return new ConfValue([word(String(value))]);
  }

  /** Colon-separated hex octets, e.g. an hba bitmap or a hardware address. */
  static hex(value: string, what: string, octets?: number): ConfValue {
    assertString(value, what);
    if (!/^[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2})*$/.test(value)) {
      throw new ConfValueError(what, value, "expected colon-separated hex octets such as 00:1a:ff");
    }
    const count = value.split(":").length;
    if (octets !== undefined && count !== octets) {
      throw new ConfValueError(what, value, `expected exactly ${octets} octets, found ${count}`);
    }
    return new ConfValue([word(value.toLowerCase())]);
  }

  /** A bare keyword or name as dhcpd's lexer reads one: a letter, then letters, digits, "-", "_"; "." joins option-space names. */
  static keyword(value: string, what = "keyword"): ConfValue {
    assertString(value, what);
    if (!/^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z][A-Za-z0-9_-]*)?$/.test(value)) {
      throw new ConfValueError(what, value, 'expected a bare name: a letter followed by letters, digits, "-" or "_"');
    }
    return new ConfValue([word(value)]);
  }

  /** Any text, as a quoted string with `"`, `\` and control characters escaped. */
  static string(value: string, what = "string"): ConfValue {
    return new ConfValue([{ kind: "string", raw: quoteString(value, what), pre: "", line: 0, column: 0 }]);
  }

  /**
   * A failover peer name, quoted. Stricter than a string: dhcpd writes the name unescaped into
   * dhcpd.leases (`failover peer "NAME" state {`) and its logs, so a quote, backslash or control
   * character there would corrupt the lease file it reads back at start-up.
   */
  static peerName(value: string, what = "failover peer name"): ConfValue {
    assertString(value, what);
    if (value.length === 0) throw new ConfValueError(what, value, "must not be empty");
    for (let i = 0; i < value.length; i++) {
      const char = value[i] as string;
      if (char === '"' || char === "\\" || isControl(char)) {
        throw new ConfValueError(
          what,
          value,
          `contains ${describeChar(char)} at position ${i}; dhcpd writes peer names unescaped into dhcpd.leases ` +
            `("failover peer \\"NAME\\" state {"), where it would corrupt the record. Use printable characters other than " and \\`,
        );
      }
    }
    return ConfValue.string(value, what);
  }

  /** Values separated by commas, as in `fixed-address a, b;`. */
  static list(values: readonly ConfValue[]): ConfValue {
    const tokens: Token[] = [];
    values.forEach((value, i) => {
      if (i > 0) tokens.push({ kind: "punct", raw: ",", pre: "", line: 0, column: 0 });
      value.tokens.forEach((token, j) => tokens.push({ ...token, pre: j === 0 && i > 0 ? " " : token.pre }));
    });
    return new ConfValue(tokens);
  }
}

/** Tokens of a statement body: keywords then values, one space apart. */
export function statementTokens(keywords: readonly string[], values: readonly ConfValue[] = []): Token[] {
  const parts = [...keywords.map((keyword) => ConfValue.keyword(keyword)), ...values];
  const tokens: Token[] = [];
  for (const part of parts) {
    part.tokens.forEach((token, i) => tokens.push({ ...token, pre: i === 0 ? (tokens.length === 0 ? "" : " ") : token.pre }));
  }
  return tokens;
}

/** A single punctuation token such as "{" or ";" for the tree builders. */
export function punct(char: ";" | "{" | "}", pre = ""): Token {
  return { kind: "punct", raw: char, pre, line: 0, column: 0 };
}

/** `"…"` with escapes dhcpd's lexer decodes back to exactly `value`; throws when that is impossible. */
export function quoteString(value: string, what = "string"): string {
  assertString(value, what);
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const char = value[i] as string;
    const code = char.charCodeAt(0);
    if (code === 0) {
      throw new ConfValueError(
        what,
        value,
        `contains NUL (U+0000) at position ${i}; dhcpd handles strings as C strings, so everything after it would be silently dropped`,
      );
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = value.charCodeAt(i + 1);
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        out += char + value[i + 1];
        i++;
        continue;
      }
      throw new ConfValueError(
        what,
        value,
        `contains a lone surrogate (U+${code.toString(16).toUpperCase()}) at position ${i}; it is not valid Unicode and cannot be written as UTF-8`,
      );
    }
    if (char === '"' || char === "\\") out += `\\${char}`;
    else if (char === "\n") out += "\\n";
    else if (char === "\t") out += "\\t";
    else if (char === "\r") out += "\\r";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += char;
  }
  const bytes = Buffer.byteLength(value, "utf8");
  if (bytes > MAX_STRING_BYTES) {
    throw new ConfValueError(what, value, `is ${bytes} bytes as UTF-8; dhcpd truncates strings longer than ${MAX_STRING_BYTES} bytes`);
  }
  return `${out}"`;
}

/** The value of a string token as dhcpd's lexer decodes it (conflex.c read_string). */
export function decodeString(raw: string): string {
  const inner = raw.endsWith('"') && raw.length >= 2 ? raw.slice(1, -1) : raw.slice(1);
  if (!inner.includes("\\")) return inner;
  let out = "";
  for (let i = 0; i < inner.length; i++) {
    const char = inner[i] as string;
    if (char !== "\\") {
      out += char;
      continue;
    }
    const next = inner[++i];
    if (next === undefined) break;
    if (next === "t") out += "\t";
    else if (next === "r") out += "\r";
    else if (next === "n") out += "\n";
    else if (next === "b") out += "\b";
    else if (next === "x") {
      const digits = /^[0-9a-fA-F]{1,2}/.exec(inner.slice(i + 1))?.[0] ?? "";
      out += String.fromCharCode(digits ? parseInt(digits, 16) : 0);
      i += digits.length;
    } else if (next >= "0" && next <= "3") {
      const digits = next + (/^[0-7]{0,2}/.exec(inner.slice(i + 1))?.[0] ?? "");
      out += String.fromCharCode(parseInt(digits, 8));
      i += digits.length - 1;
    } else out += next;
  }
  return out;
}

export function isIpv4(value: string): boolean {
  return /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(value);
}

/** Why `value` is not a host name dhcpd can parse bare, or undefined when it is one. */
function hostNameProblem(value: string): string | undefined {
  if (value.length === 0) return "it is empty";
  if (value.length > 253) return "it is longer than 253 characters";
  const bad = /[^A-Za-z0-9.-]/.exec(value);
  if (bad) return `${describeChar(bad[0])} at position ${bad.index} is not allowed`;
  for (const label of value.split(".")) {
    if (label.length === 0) return "it has an empty label (two dots in a row, or a dot at either end)";
    if (label.length > 63) return `label "${label.slice(0, 20)}…" is longer than 63 characters`;
    if (label.startsWith("-") || label.endsWith("-")) return `label "${label}" starts or ends with "-"`;
  }
  if (/^[\d.]+$/.test(value)) return "it looks like an IPv4 address but is not a valid one";
  if (value.split(".").some((label) => /^\d+$/.test(label))) return "a label made only of digits is read by dhcpd as a number";
  return undefined;
}

function assertString(value: unknown, what: string): asserts value is string {
  if (typeof value !== "string") throw new ConfValueError(what, value, "expected a string");
}

function isControl(char: string): boolean {
  const code = char.charCodeAt(0);
  return code < 0x20 || (code >= 0x7f && code <= 0x9f);
}

const CHAR_NAMES: Record<string, string> = {
  "\0": "NUL",
  "\n": "a line feed",
  "\r": "a carriage return",
  "\t": "a tab",
  '"': 'a double quote (")',
  "\\": "a backslash (\\)",
  " ": "a space",
};

function describeChar(char: string): string {
  const code = `U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
  const name = CHAR_NAMES[char];
  if (name) return `${name} (${code})`;
  if (isControl(char)) return `a control character (${code})`;
  return `"${char}" (${code})`;
}

function word(raw: string): Token {
  return { kind: "word", raw, pre: "", line: 0, column: 0 };
}
