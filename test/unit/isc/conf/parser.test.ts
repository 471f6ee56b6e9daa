import { describe, expect, it } from "vitest";
import type { BlockStatement, ConditionalStatement, SimpleStatement } from "../../../../src/backends/isc/conf";
import { ConfParseError, canonicalStatement, parse, print } from "../../../../src/backends/isc/conf";

function parseError(text: string, file = "dhcpd.conf"): ConfParseError {
  try {
    parse(text, file);
  } catch (error) {
    if (error instanceof ConfParseError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(text)} not to parse`);
}

describe("parse: structure", () => {
  it("keeps each statement's leading comments, trailing comment and indentation with it", () => {
    const text = "# header\n\nsubnet 10.0.0.0 netmask 255.255.255.0 { # the lan\n  # gateway\n  option routers 10.0.0.1;   # gw\n}\n";
    const file = parse(text);
    const subnet = file.body[0] as BlockStatement;
    expect(subnet.type).toBe("block");
    expect(subnet.leading).toBe("# header\n\n");
    expect(subnet.openTrail).toBe(" # the lan\n");
    const option = subnet.body[0] as SimpleStatement;
    expect(option.leading).toBe("  # gateway\n  ");
    expect(option.trail).toBe("   # gw\n");
    expect(subnet.close.pre).toBe("");
    expect(subnet.trail).toBe("\n");
    expect(print(file)).toBe(text);
  });

  it("records the file and 1-based position of every token", () => {
    const file = parse("a;\n  b 1;\n", "x.conf");
    const b = file.body[1] as SimpleStatement;
    expect(b.file).toBe("x.conf");
    expect(b.tokens.map((t) => [t.raw, t.line, t.column])).toEqual([
      ["b", 2, 3],
      ["1", 2, 5],
    ]);
  });

  it("reads an if/elsif/else if/else chain as one statement", () => {
    const file = parse('if a { x; } elsif b { y; }\nelse if c { } else { z; }\nnext;\n');
    expect(file.body).toHaveLength(2);
    const chain = file.body[0] as ConditionalStatement;
    expect(chain.type).toBe("conditional");
    expect(chain.branches.map((b) => b.head.map((t) => t.raw).join(" "))).toEqual(["if a", "elsif b", "else if c", "else"]);
    expect(chain.branches[2]?.head[0]?.pre).toBe("\n");
  });

  it("does not take a # inside a string for a comment, and decodes escapes for comparison", () => {
    const file = parse('option x "a # b; \\"c\\" {d}\\x41\\101\\n";\n');
    expect(file.body).toHaveLength(1);
    expect(canonicalStatement(file.body[0] as SimpleStatement)).toBe('option x "a # b; \\"c\\" {d}AA\\n" ;');
  });

  it("reads strings that span lines, as dhcpd does", () => {
    const text = 'option domain-name "multi\nline";\nnext;\n';
    const file = parse(text);
    expect(file.body).toHaveLength(2);
    expect(print(file)).toBe(text);
  });

  it("keeps record-type braces after '=' inside the option definition", () => {
    const file = parse("option voip code 224 = { ip-address, unsigned integer 16, text };\noption a code 1 = array of { ip-address, text };\n");
    expect(file.body.map((s) => s.type)).toEqual(["simple", "simple"]);
  });

  it("keeps parenthesised expressions inside their statement", () => {
    const file = parse('class "c" { match if substring (option vendor-class-identifier, 0, 9) = "PXEClient"; }');
    const block = file.body[0] as BlockStatement;
    expect(block.body).toHaveLength(1);
    expect((block.body[0] as SimpleStatement).tokens.map((t) => t.raw)).toContain("(");
  });

  it("reads case/default labels of a switch as statements of their own", () => {
    const file = parse('switch (option host-name) { case "a": x; case 00:11: y; default: z; }');
    const block = file.body[0] as BlockStatement;
    expect(block.body.map((s) => s.type)).toEqual(["label", "simple", "label", "simple", "label", "simple"]);
  });

  it("accepts the ';' dhcpd tolerates after a key block, and keeps it", () => {
    const text = 'key "k" {\n  algorithm hmac-md5;\n  secret "c2VjcmV0";\n};\nnext;\n';
    const file = parse(text);
    expect((file.body[0] as BlockStatement).closeSemi?.raw).toBe(";");
    expect(file.body).toHaveLength(2);
    expect(print(file)).toBe(text);
  });

  it("keeps CRLF line endings, a missing final newline, trailing blanks and a trailing comment", () => {
    for (const text of ["a;\r\nb { c; }\r\n", "a;  \n\tb;", "a;\n# end", "", "   \n", "# only a comment"]) {
      expect(print(parse(text))).toBe(text);
    }
    expect(parse("a;\r\nb;\r\n").eol).toBe("\r\n");
    expect(parse("a;\nb;\n").eol).toBe("\n");
  });
});

describe("parse: errors name the position, what was expected and what was found", () => {
  it.each([
    ["subnet 10.0.0.0 netmask 255.255.255.0 {\n  max-lease-time 600\n}\n", 'dhcpd.conf:3:1: expected ";" after "max-lease-time 600", found "}"'],
    ["option domain-name \"x\"", 'dhcpd.conf:1:23: expected ";" after "option domain-name "x"", found end of file'],
    ["subnet 10.0.0.0 netmask 255.255.255.0 {\n  pool {\n    range 10.0.0.1 10.0.0.9;\n  }\n", 'dhcpd.conf:5:1: expected "}" to close "subnet 10.0.0.0 netmask 255.255.255.0 {" opened at 1:39, found end of file'],
    ["a;\n}\n", 'dhcpd.conf:2:1: expected a statement, found "}" with no block open (remove it or the extra "}")'],
    ['option x "never closed;\n', 'dhcpd.conf:1:10: expected a closing " for the string that starts here, found end of file'],
    ["pool { range 1 2; };\n", 'dhcpd.conf:1:20: expected a statement, found ";" (dhcpd accepts ";" after "}" only for key blocks; remove it)'],
    ["a;\n;\n", 'dhcpd.conf:2:1: expected a statement, found ";" (dhcpd 4.4 rejects empty statements; remove it)'],
    ["if (a = b { x; }\n", 'dhcpd.conf:1:11: expected ")" to close "(" opened at 1:4, found "{"'],
    ["match if a);\n", 'dhcpd.conf:1:11: found ")" with no "(" open in "match if a"'],
    ["else { x; }\n", 'dhcpd.conf:1:1: found "else" without a preceding if block'],
    ["if a { } else ;\n", 'dhcpd.conf:1:15: expected "{" after "else", found ";"'],
    ["{ a; }\n", 'dhcpd.conf:1:1: expected a statement before "{", found "{"'],
    ["option x code 1 = { a, b ;\n", 'dhcpd.conf:1:26: expected "}" to close "{" opened at 1:19, found ";"'],
  ])("%j", (text, message) => {
    expect(parseError(text).message).toBe(message);
  });

  it("carries file, line and column as fields", () => {
    const error = parseError("a;\nb;\n  c\n", "conf.d/x.conf");
    expect([error.file, error.line, error.column]).toEqual(["conf.d/x.conf", 4, 1]);
    expect(error.detail).toBe('expected ";" after "c", found end of file');
  });
});
