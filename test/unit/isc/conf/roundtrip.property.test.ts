// Round trip over generated configs: arbitrary nesting, conditionals, labels, record braces,
// strings with every kind of escape, and comments/odd whitespace/CRLF in every gap. Checks both
// that printing is byte-exact and that the parser saw the structure the generator built, so a
// parser that swallowed statements into trivia could not pass.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfParseError, canonicalStatement, parse, print } from "../../../../src/backends/isc/conf";

interface GenToken {
  raw: string;
  kind: "word" | "string" | "punct";
  canon: string;
  /** Printed with no trivia before it (only where the lexer still splits the tokens). */
  glue?: boolean;
}

type GenStatement =
  | { type: "simple"; tokens: GenToken[] }
  | { type: "label"; tokens: GenToken[] }
  | { type: "block"; head: GenToken[]; body: GenStatement[]; keySemi: boolean }
  | { type: "conditional"; branches: { head: GenToken[]; body: GenStatement[] }[] };

const canonWord = (raw: string): string => {
  const lower = raw.toLowerCase();
  return /^[0-9a-f]{1,2}(:[0-9a-f]{1,2})+$/.test(lower) ? lower.split(":").map((o) => o.padStart(2, "0")).join(":") : lower;
};
const word = (raw: string): GenToken => ({ raw, kind: "word", canon: canonWord(raw) });
const punct = (raw: string, glue = false): GenToken => ({ raw, kind: "punct", canon: raw, glue });

const wordArb = fc
  .oneof(
    fc.constantFrom("10.0.0.1", "255.255.255.0", "00:1A:2b:3C:4d:5E", "0:1:c0:5d:bd:95", "600", "example.org.", "max", "ünïcode", "名前", "a-b_c"),
    fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,12}$/),
  )
  // Statement-opening keywords, and "of" (before "{" it opens a record type, as in "array of {").
  .filter((w) => !/^(if|elsif|else|case|default:?|of)$/i.test(w));

/** A string value and one of the many ways dhcpd's lexer accepts it written. */
const stringArb: fc.Arbitrary<GenToken> = fc
  .array(
    fc.tuple(fc.oneof(fc.string({ unit: "grapheme", maxLength: 1 }), fc.constantFrom('"', "\\", "\n", "\t", "#", ";", "{", "}", "é", "\r")), fc.nat(4)),
    { maxLength: 12 },
  )
  .map((chars) => {
    let raw = '"';
    let value = "";
    for (const [char, how] of chars) {
      if (char === "") continue;
      value += char;
      const code = char.codePointAt(0) ?? 0;
      if (char === '"' || char === "\\") raw += `\\${char}`;
      else if (how === 1 && char === "\n") raw += "\\n";
      else if (how === 1 && char === "\t") raw += "\\t";
      else if (how === 2 && code < 256 && char.length === 1) raw += `\\x${code.toString(16).padStart(2, "0")}`;
      else if (how === 3 && code < 256 && char.length === 1) raw += `\\${code.toString(8).padStart(3, "0")}`;
      // dhcpd reads \t \r \n \b and \x as escapes; a backslash before any other letter is dropped.
      else if (how === 4 && /^[a-zA-Z]$/.test(char) && !"trnbx".includes(char)) raw += `\\${char}`;
      else raw += char;
    }
    return { raw: `${raw}"`, kind: "string" as const, canon: JSON.stringify(value) };
  });

const keywordArb = fc.constantFrom("option", "range", "max-lease-time", "allow", "deny", "fixed-address", "hardware", "set", "log", "filename", "next-server", "authoritative", "include", "match", "spawn", "peer", "load", "Option", "DEFAULT-LEASE-TIME");
const blockKeywordArb = fc.constantFrom("subnet", "shared-network", "pool", "group", "host", "class", "subclass", "failover", "on", "zone", "key");
const operatorArb = fc.constantFrom("=", ",", "!", "~", "&", "|", "+", "*", "/", "%", "^").map((p) => punct(p));

const valueArb: fc.Arbitrary<GenToken[]> = fc.oneof(
  { weight: 4, arbitrary: wordArb.map((w) => [word(w)]) },
  { weight: 3, arbitrary: stringArb.map((s) => [s]) },
  { weight: 1, arbitrary: operatorArb.map((p) => [p]) },
  {
    weight: 1,
    arbitrary: fc.array(fc.oneof(wordArb.map(word), stringArb), { maxLength: 3 }).map((inner) => [punct("("), ...inner, punct(")")]),
  },
);
const argsArb = fc.array(valueArb, { maxLength: 5 }).map((groups) => groups.flat());
/** Arguments that may precede a block's "{": not ending in "=", which would make the brace a record type. */
const headArgsArb = argsArb.filter((args) => args[args.length - 1]?.raw !== "=");

const simpleArb: fc.Arbitrary<GenStatement> = fc
  .tuple(keywordArb, argsArb, fc.option(fc.array(wordArb.map(word), { maxLength: 3 }), { nil: undefined }))
  .map(([keyword, args, record]) => ({
    type: "simple",
    tokens: [word(keyword), ...args, ...(record ? [punct("="), punct("{"), ...record.flatMap((w, i) => (i ? [punct(","), w] : [w])), punct("}")] : [])],
  }));

const labelArb: fc.Arbitrary<GenStatement> = fc.oneof(
  stringArb.map((s) => ({ type: "label" as const, tokens: [word("case"), s, { ...word(":"), glue: true }] })),
  wordArb.filter((w) => !w.endsWith(":")).map((w) => ({ type: "label" as const, tokens: [word("case"), word(`${w}:`)] })),
  fc.constantFrom<GenStatement>({ type: "label", tokens: [word("default:")] }, { type: "label", tokens: [word("default"), word(":")] }),
);

const { statement: statementArb } = fc.letrec<{ statement: GenStatement; body: GenStatement[] }>((tie) => ({
  statement: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { weight: 5, arbitrary: simpleArb },
    { weight: 1, arbitrary: labelArb },
    {
      weight: 2,
      arbitrary: fc
        .tuple(blockKeywordArb, fc.array(fc.oneof(wordArb.map(word), stringArb), { maxLength: 3 }), tie("body"), fc.boolean())
        .map(([keyword, args, body, semi]) => ({ type: "block" as const, head: [word(keyword), ...args], body, keySemi: keyword === "key" && semi })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(headArgsArb, tie("body"), fc.array(fc.tuple(headArgsArb, tie("body")), { maxLength: 2 }), fc.option(tie("body"), { nil: undefined }), fc.boolean())
        .map(([condition, body, elsifs, elseBody, elseIf]) => ({
          type: "conditional" as const,
          branches: [
            { head: [word("if"), ...condition], body },
            ...elsifs.map(([c, b], i) => ({ head: i === 0 && elseIf ? [word("else"), word("if"), ...c] : [word("elsif"), ...c], body: b })),
            ...(elseBody ? [{ head: [word("else")], body: elseBody }] : []),
          ],
        })),
    },
  ),
  body: fc.array(tie("statement"), { maxLength: 4 }),
}));

const triviaArb = fc
  .array(
    fc.oneof(
      fc.constantFrom(" ", "  ", "\t", "\n", "\r\n", "\n\n", "\v", "\f", " \t "),
      fc.string({ unit: fc.constantFrom(..."ab {};\"'#\\=é😀\t\r"), maxLength: 12 }).map((text) => `#${text}\n`),
    ),
    { maxLength: 4 },
  )
  .map((pieces) => pieces.join(""));

const configArb = fc.record({
  statements: fc.array(statementArb, { maxLength: 8 }),
  trivia: fc.array(triviaArb, { minLength: 1, maxLength: 40 }),
  final: fc.oneof(triviaArb, triviaArb.map((t) => `${t}# no newline after this comment`)),
});

function tokensOf(statement: GenStatement): GenToken[] {
  switch (statement.type) {
    case "simple":
      return [...statement.tokens, punct(";")];
    case "label":
      return statement.tokens;
    case "block":
      return [...statement.head, punct("{"), ...statement.body.flatMap(tokensOf), punct("}"), ...(statement.keySemi ? [punct(";")] : [])];
    case "conditional":
      return statement.branches.flatMap((b) => [...b.head, punct("{"), ...b.body.flatMap(tokensOf), punct("}")]);
  }
}

function canonOf(statement: GenStatement): string {
  const join = (tokens: GenToken[]) => tokens.map((t) => t.canon).join(" ");
  switch (statement.type) {
    case "simple":
      return `${join(statement.tokens)} ;`;
    case "label":
      return join(statement.tokens);
    case "block":
      return `${join(statement.head)} { ${statement.body.map(canonOf).join(" ")} }`;
    case "conditional":
      return statement.branches.map((b) => `${join(b.head)} { ${b.body.map(canonOf).join(" ")} }`).join(" ");
  }
}

function render(config: { statements: GenStatement[]; trivia: string[]; final: string }): string {
  const tokens = config.statements.flatMap(tokensOf);
  let text = "";
  let previous: GenToken | undefined;
  tokens.forEach((token, i) => {
    let gap = token.glue ? "" : (config.trivia[i % config.trivia.length] ?? "");
    if (gap === "" && previous?.kind === "word" && token.kind === "word") gap = " ";
    text += gap + token.raw;
    previous = token;
  });
  return text + config.final;
}

describe("round trip over generated configs", () => {
  it("prints every generated config byte for byte and parses the structure that was generated", () => {
    fc.assert(
      fc.property(configArb, (config) => {
        const text = render(config);
        const file = parse(text, "generated.conf");
        expect(print(file)).toBe(text);
        expect(file.body.map(canonicalStatement)).toEqual(config.statements.map(canonOf));
      }),
      { numRuns: 400 },
    );
  });

  it("either rejects arbitrary text with a positioned ConfParseError or prints it back unchanged", () => {
    const alphabet = fc.constantFrom(..."ab1.:-{};\"#\\() =,\n\r\t é");
    fc.assert(
      fc.property(fc.string({ unit: alphabet, maxLength: 60 }), (text) => {
        let file;
        try {
          file = parse(text, "fuzz.conf");
        } catch (error) {
          expect(error).toBeInstanceOf(ConfParseError);
          expect((error as ConfParseError).message).toMatch(/^fuzz\.conf:\d+:\d+: /);
          return;
        }
        expect(print(file)).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });
});
