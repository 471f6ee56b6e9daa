import fc from "fast-check";
import type { Node } from "web-tree-sitter";
import { beforeAll, describe, expect, it } from "vitest";
import { addFailoverInput } from "../../../src/backends/windows/plan";
import { windowsTarget } from "../../../src/backends/windows/schema";
import { SCRIPT_KINDS, script, type ScriptKind } from "../../../src/backends/windows/scripts";
import { oneLineInvocation } from "../../../src/transports/powershell";
import { framedRequest } from "../../../src/transports/powershellOverSsh";
import { powerShellParser, syntaxError } from "../../emulator/parser.ts";

type Parser = Awaited<ReturnType<typeof powerShellParser>>;
let parser: Parser;
beforeAll(async () => {
  parser = await powerShellParser();
});

/** The syntax tree's shape: node types in order, with every string literal's content left out. */
function shape(text: string): string {
  const tree = parser.parse(text)!;
  const parts: string[] = [];
  const walk = (node: Node) => {
    parts.push(node.type);
    if (node.type === "string_literal") return;
    for (const child of node.children) if (child) walk(child);
  };
  try {
    expect(syntaxError(tree.rootNode)).toBeUndefined();
    walk(tree.rootNode);
  } finally {
    tree.delete();
  }
  return parts.join(" ");
}

const target = windowsTarget.parse({
  vendor: "windows",
  name: "rel",
  primary: { name: "dhcp1", computerName: "dhcp1.example", connection: { local: { computerName: "dhcp1.example" } } },
  secondary: { name: "dhcp2", computerName: "dhcp2.example", connection: { local: { computerName: "dhcp2.example" } } },
  windows: { mode: "hotStandby", stateSwitchIntervalSeconds: 600, sharedSecret: "initial" },
});

/** Every input each script kind takes, built from arbitrary strings where the backend passes names, secrets and ids. */
function inputFor(kind: ScriptKind, s: string, n: number): Record<string, unknown> {
  const base = { computerName: s };
  switch (kind) {
    case "readServer":
      return base;
    case "addFailover":
      return { ...base, ...addFailoverInput({ ...target, name: s, windows: { ...target.windows, sharedSecret: s } }, [s, "10.0.0.0"]) };
    case "addFailoverScope":
    case "removeFailoverScope":
      return { ...base, name: s, scopeIds: [s] };
    case "setFailover":
      return { ...base, name: s, mode: "LoadBalance", loadBalancePercent: n, reservePercent: n, maxClientLeadTimeSeconds: n, autoStateTransition: true, stateSwitchIntervalSeconds: n, setSharedSecret: true, sharedSecret: s };
    case "partnerDown":
    case "removeFailover":
      return { ...base, name: s };
    case "disableScopes":
      return { ...base, scopeIds: [s, s] };
    case "replicate":
      return { ...base, level: "scope", name: s, scopeIds: [s] };
    case "readScopeConfig":
      return { ...base, scopeIds: [s] };
    case "checkGroup":
      return { ...base, group: s };
    case "reachPartner":
      return { ...base, partner: s };
  }
}

const hostile = fc.oneof(
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.constantFrom("'", "''", '"', "`", "$(Remove-Item C:\\ -Recurse)", "'; Remove-DhcpServerv4Scope -ScopeId 10.0.0.0 -Force; '", "\n}\ncatch {", "@{", "#>", "<#", "\u2018\u2019\u201c\u201d", "\u0000", "é€😀"),
  fc.array(fc.constantFrom("'", '"', "`", "$", "(", ")", ";", "\n", "\r", "{", "}", "|", "&", "#", "@", "é", "\u2019"), { maxLength: 40 }).map((chars) => chars.join("")),
);

describe("generated PowerShell", () => {
  it.each(SCRIPT_KINDS)("%s parses under the real PowerShell grammar", (kind) => {
    expect(() => shape(script(kind, inputFor(kind, "x", 1)).text)).not.toThrow();
  });

  it("has the same syntax tree whatever the data, and never shows the data in its text", () => {
    const baseline = new Map(SCRIPT_KINDS.map((kind) => [kind, shape(script(kind, inputFor(kind, "x", 1)).text)]));
    fc.assert(
      fc.property(fc.constantFrom(...SCRIPT_KINDS), hostile, fc.nat(1_000_000), (kind, s, n) => {
        const text = script(kind, inputFor(kind, s, n)).text;
        expect(shape(text)).toBe(baseline.get(kind));
        // Only base64's alphabet is spliced into the fixed text.
        const literal = /FromBase64String\('([^']*)'\)/.exec(text)![1]!;
        expect(literal).toMatch(/^[A-Za-z0-9+/]*={0,2}$/);
        expect(JSON.parse(Buffer.from(literal, "base64").toString("utf8")).computerName).toBe(s);
      }),
      { numRuns: 300 },
    );
  });

  // DhcpServer is a CDXML module: the prologue's preference does not reach it (PowerShell/PowerShell#4568).
  it.each(SCRIPT_KINDS)("%s stops on every DhcpServer call's error and fails on any error it only wrote", (kind) => {
    const lines = script(kind, inputFor(kind, "x", 1)).text.split("\n");
    const calls = lines.map((line, index) => ({ line, index })).filter(({ line }) => /(^|[=(]\s*)(Get|Set|Add|Remove|Invoke)-Dhcp\w+ /.test(line));
    for (const { line, index } of calls) {
      if (/ @p$/.test(line)) expect(lines.find((l) => l.startsWith("$p = @{"))).toContain("ErrorAction = 'Stop'; ErrorVariable = 'failed'");
      else expect(line).toMatch(/ -ErrorAction Stop -ErrorVariable failed$/);
      expect(lines[index + 1]).toBe("foreach ($e in $failed) { throw $e }");
    }
    expect(calls.length > 0 || kind === "checkGroup").toBe(true);
  });

  it("keeps a shared secret out of the script's visible text", () => {
    const text = script("addFailover", inputFor("addFailover", "Sup3r-Secret-Value", 1)).text;
    expect(text).not.toContain("Sup3r-Secret-Value");
  });

  it("wraps scripts for a session as one line that parses, whatever the script holds", () => {
    fc.assert(
      fc.property(fc.constantFrom(...SCRIPT_KINDS), hostile, (kind, s) => {
        const line = oneLineInvocation(script(kind, inputFor(kind, s, 1)).text);
        expect(line).not.toMatch(/[\r\n]/);
        expect(shape(line)).toBe(shape(oneLineInvocation("x")));
      }),
      { numRuns: 100 },
    );
  });

  it("frames scripts for the SSH session as three lines of fixed shape, whatever the script holds", () => {
    const lines = (text: string) => {
      expect(text.endsWith("\n")).toBe(true);
      return text.slice(0, -1).split("\n");
    };
    const fixed = lines(framedRequest("x", "0".repeat(32)).text).map(shape);
    expect(fixed).toHaveLength(3);
    fc.assert(
      fc.property(fc.constantFrom(...SCRIPT_KINDS), hostile, fc.uint8Array({ minLength: 16, maxLength: 16 }).map((bytes) => Buffer.from(bytes).toString("hex")), (kind, s, nonce) => {
        const request = framedRequest(script(kind, inputFor(kind, s, 1)).text, nonce);
        expect(lines(request.text).map(shape)).toEqual(fixed);
        expect(lines(request.text)[1]).not.toContain(nonce);
      }),
      { numRuns: 50 },
    );
  });
});
