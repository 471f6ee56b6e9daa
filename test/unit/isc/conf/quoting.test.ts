import { describe, expect, it } from "vitest";
import type { SimpleStatement } from "../../../../src/backends/isc/conf";
import { ConfValue, ConfValueError, parse, quoteString } from "../../../../src/backends/isc/conf";
import { decodeString, statementTokens } from "../../../../src/backends/isc/conf/quoting";
import { dhcpdCheck } from "./helpers";

function rejection(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfValueError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfValueError");
}

describe("quoteString", () => {
  it.each([
    ["plain", '"plain"'],
    ['say "hi"', '"say \\"hi\\""'],
    ["back\\slash", '"back\\\\slash"'],
    ["line\nbreak\ttab\rcr", '"line\\nbreak\\ttab\\rcr"'],
    ["bell\x07del\x7f", '"bell\\x07del\\x7f"'],
    ["# ; { } are fine inside", '"# ; { } are fine inside"'],
    ["é 😀", '"é 😀"'],
  ])("%j → %s, which decodes back", (value, quoted) => {
    expect(quoteString(value)).toBe(quoted);
    expect(decodeString(quoted)).toBe(value);
  });

  it("rejects NUL, naming it and why", () => {
    expect(rejection(() => quoteString("a\0b", "option value"))).toBe(
      'invalid option value "a\\u0000b": contains NUL (U+0000) at position 1; dhcpd handles strings as C strings, so everything after it would be silently dropped',
    );
  });

  it("rejects a lone surrogate, which has no UTF-8 form", () => {
    expect(rejection(() => quoteString("a\ud800"))).toMatch(/lone surrogate \(U\+D800\) at position 1/);
  });

  it("rejects strings longer than dhcpd's 1499-byte buffer", () => {
    expect(quoteString("é".repeat(749))).toHaveLength(751);
    expect(rejection(() => quoteString("é".repeat(750)))).toMatch(/is 1500 bytes as UTF-8; dhcpd truncates strings longer than 1499 bytes/);
  });

  it("writes strings dhcpd itself reads back unchanged", () => {
    const values = ['say "hi"', "back\\slash", "a # b ; { c }", "tab\there", "new\nline", "é 😀", "\x01ctl\x1f"];
    const text =
      "option site-text code 250 = text;\n" +
      values.map((value, i) => `class "c${i}" { match if option host-name = ${quoteString(value)}; }\n`).join("") +
      "subnet 10.9.0.0 netmask 255.255.255.0 { }\n";
    const file = parse(text);
    expect(file.body).toHaveLength(values.length + 2);
    const check = dhcpdCheck({ "dhcpd.conf": text }, "dhcpd.conf");
    expect(check.output).not.toMatch(/line \d+:/);
    expect(check.ok).toBe(true);
  });
});

describe("ConfValue", () => {
  it("accepts dotted-quad IPv4 addresses only", () => {
    expect(ConfValue.ipv4("192.0.2.1").tokens.map((t) => t.raw)).toEqual(["192.0.2.1"]);
    for (const bad of ["192.0.2", "192.0.2.256", "01.2.3.4", "1.2.3.4 ", "1.2.3.4;", "::1"]) {
      expect(rejection(() => ConfValue.ipv4(bad, "peer address"))).toMatch(/^invalid peer address .*expected a dotted-quad IPv4 address/);
    }
  });

  it("accepts host names dhcpd can read bare, and says what is wrong with others", () => {
    expect(ConfValue.host("dhcp-2.example.com").tokens[0]?.raw).toBe("dhcp-2.example.com");
    expect(ConfValue.host("10.0.0.1").tokens[0]?.raw).toBe("10.0.0.1");
    expect(rejection(() => ConfValue.host("a b"))).toMatch(/a space \(U\+0020\) at position 1 is not allowed/);
    expect(rejection(() => ConfValue.host("a;b"))).toMatch(/";" \(U\+003B\) at position 1 is not allowed/);
    expect(rejection(() => ConfValue.host("-a.example"))).toMatch(/starts or ends with "-"/);
    expect(rejection(() => ConfValue.host("a..b"))).toMatch(/empty label/);
    expect(rejection(() => ConfValue.host("10.0.0.300"))).toMatch(/looks like an IPv4 address/);
    expect(rejection(() => ConfValue.host("host.42.example"))).toMatch(/only of digits/);
  });

  it("accepts whole numbers in range only", () => {
    expect(ConfValue.integer(600, "mclt").tokens[0]?.raw).toBe("600");
    for (const bad of [-1, 1.5, Number.NaN, Infinity, 2 ** 32]) {
      expect(rejection(() => ConfValue.integer(bad, "mclt"))).toMatch(/^invalid mclt .*expected a whole number from 0 to 4294967295/);
    }
    expect(rejection(() => ConfValue.integer("5" as unknown as number, "port"))).toMatch(/expected a whole number/);
  });

  it("accepts colon-hex with the right number of octets", () => {
    expect(ConfValue.hex("FF:0:a", "hba").tokens[0]?.raw).toBe("ff:0:a");
    expect(rejection(() => ConfValue.hex("ff:ff", "hba", 32))).toMatch(/expected exactly 32 octets, found 2/);
    expect(rejection(() => ConfValue.hex("ff:fff", "hba"))).toMatch(/colon-separated hex octets/);
  });

  it("accepts bare keywords only", () => {
    expect(ConfValue.keyword("max-lease-time").tokens[0]?.raw).toBe("max-lease-time");
    expect(ConfValue.keyword("agent.circuit-id").tokens[0]?.raw).toBe("agent.circuit-id");
    for (const bad of ["", "1abc", "a b", "a;", "a{", 'a"']) expect(rejection(() => ConfValue.keyword(bad))).toMatch(/expected a bare name/);
  });

  it("rejects peer names dhcpd would write unescaped into its lease file", () => {
    expect(ConfValue.peerName("dc east (2)").tokens[0]?.raw).toBe('"dc east (2)"');
    expect(rejection(() => ConfValue.peerName('a"b'))).toBe(
      'invalid failover peer name "a\\"b": contains a double quote (") (U+0022) at position 1; dhcpd writes peer names unescaped into dhcpd.leases ("failover peer \\"NAME\\" state {"), where it would corrupt the record. Use printable characters other than " and \\',
    );
    expect(rejection(() => ConfValue.peerName("a\nb"))).toMatch(/contains a line feed \(U\+000A\) at position 1/);
    expect(rejection(() => ConfValue.peerName("a\\b"))).toMatch(/a backslash/);
    expect(rejection(() => ConfValue.peerName(""))).toMatch(/must not be empty/);
  });

  it("joins list items with commas the lexer reads back as separate tokens", () => {
    const list = ConfValue.list([ConfValue.ipv4("10.0.0.1"), ConfValue.ipv4("10.0.0.2")]);
    const text = `${statementTokens(["fixed-address"], [list]).map((t) => t.pre + t.raw).join("")};`;
    expect(text).toBe("fixed-address 10.0.0.1, 10.0.0.2;");
    expect((parse(text).body[0] as SimpleStatement).tokens.map((t) => t.raw)).toEqual(["fixed-address", "10.0.0.1", ",", "10.0.0.2"]);
  });
});
