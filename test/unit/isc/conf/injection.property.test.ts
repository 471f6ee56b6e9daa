// Hostile values through every edit that writes user data: each edit either throws a
// ConfValueError naming the value, or yields a config whose parse holds exactly the intended
// statements: nothing extra, nothing swallowed, the rest unchanged.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BlockStatement, ConfFile, FailoverPeerSpec } from "../../../../src/backends/isc/conf";
import {
  ConfEditError,
  ConfValue,
  ConfValueError,
  createFailoverPeer,
  extractSubnet,
  findFailoverPeers,
  findStatements,
  findSubnet,
  listPoolPeers,
  listPools,
  parse,
  print,
  putSubnet,
  readFailoverPeer,
  setPoolFailoverPeer,
  setStatement,
} from "../../../../src/backends/isc/conf";
import { tokenValue } from "../../../../src/backends/isc/conf/canonical";
import { meaning } from "./helpers";

const BASE = `authoritative;

failover peer "existing" {
  primary;
  address 10.0.0.2;
  peer address 10.0.0.3;
  mclt 600;
  split 128;
}

subnet 10.0.0.0 netmask 255.255.255.0 {
  option routers 10.0.0.1;
  pool {
    failover peer "existing";
    range 10.0.0.10 10.0.0.20;
  }
  pool {
    range 10.0.0.30 10.0.0.40;
  }
}
`;

/** Strings made of what breaks config files, plus anything at all. */
const hostile = fc.oneof(
  fc.string({ unit: fc.constantFrom('"', "\\", "{", "}", ";", "#", "\n", "\r", "\0", " ", "\t", "a", "1", ".", ":", "-", "é", "😀", "\u2028", "\ud800", "\x7f"), maxLength: 16 }),
  fc.string({ unit: "binary", maxLength: 16 }),
  fc.constantFrom('x"; } subnet 1.2.3.0 netmask 255.255.255.0 { #', "x\n}\nfailover peer \"evil\" {", "10.0.0.1; option x", "ok-name"),
);

/** Runs the edit; on success returns the re-parsed result, on a validation error returns undefined. */
function attempt(edit: (file: ConfFile) => void, base = BASE): ConfFile | undefined {
  const file = parse(base);
  try {
    edit(file);
  } catch (error) {
    if (!(error instanceof ConfValueError)) throw error;
    expect(error.message).toMatch(/^invalid /);
    expect(print(file)).toBe(base);
    return undefined;
  }
  const text = print(file);
  const again = parse(text);
  expect(print(again)).toBe(text);
  return again;
}

const spec = (overrides: Partial<FailoverPeerSpec>): FailoverPeerSpec => ({
  name: "new-peer",
  role: "secondary",
  address: "10.0.0.2",
  peerAddress: "10.0.0.4",
  ...overrides,
});

/** The config without the statements an edit was meant to add, as canonical text. */
function without(file: ConfFile, drop: (s: BlockStatement) => boolean): string {
  return meaning(file.body.filter((s) => s.type !== "block" || !drop(s)));
}

describe("every edit either rejects a hostile value or writes exactly the intended statements", () => {
  const original = parse(BASE);

  it("peer name in a new peer declaration", () => {
    fc.assert(
      fc.property(hostile, (name) => {
        const result = attempt((file) => createFailoverPeer(file, spec({ name })));
        if (!result) return;
        const peers = findFailoverPeers(result);
        expect(peers.map((p) => p.name)).toEqual(["existing", name]);
        const created = peers[1]?.block as BlockStatement;
        expect(readFailoverPeer(created)).toEqual({
          name,
          settings: { role: "secondary", address: "10.0.0.2", peerAddress: "10.0.0.4" },
          statements: expect.any(Array),
          unrecognized: [],
        });
        expect(created.body).toHaveLength(3);
        expect(without(result, (s) => s === created)).toBe(meaning(original));
      }),
      { numRuns: 500 },
    );
  });

  it("addresses in a new peer declaration", () => {
    // Valid-looking names with something spliced in, so the grammar check itself is exercised.
    const spliced = fc
      .tuple(fc.domain(), fc.constantFrom(";", "{", "}", " ", "#", '"', "\n", "\\", ",", "=", "(", "é"), fc.domain())
      .map(([a, char, b]) => `${a}${char}${b}`);
    const addressArb = fc.oneof(hostile, spliced, fc.domain(), fc.ipV4(), fc.ipV4Extended());
    fc.assert(
      fc.property(addressArb, fc.boolean(), (address, local) => {
        const settings = local ? { address, peerAddress: "10.0.0.4" } : { address: "10.0.0.2", peerAddress: address };
        const result = attempt((file) => createFailoverPeer(file, spec(settings)));
        if (!result) return;
        const created = findFailoverPeers(result)[1]?.block as BlockStatement;
        expect(readFailoverPeer(created).settings).toEqual({ role: "secondary", ...settings });
        expect(created.body).toHaveLength(3);
        expect(without(result, (s) => s === created)).toBe(meaning(original));
      }),
      { numRuns: 500 },
    );
  });

  it("numbers and hex in a new peer declaration", () => {
    const octets = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 32, maxLength: 32 }).map((list) => list.map((o) => o.toString(16).toUpperCase()).join(":"));
    const spliced = fc.tuple(octets, fc.nat(94), fc.constantFrom(";", " ", "}", "#", '"', "\n")).map(([hex, at, char]) => hex.slice(0, at) + char + hex.slice(at));
    const hexArb = fc.oneof(hostile, octets, spliced);
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.nat(), fc.double()), hexArb, (mclt, hba) => {
        const result = attempt((file) => createFailoverPeer(file, spec({ role: "primary", mclt, hba })));
        if (!result) return;
        const created = findFailoverPeers(result)[1]?.block as BlockStatement;
        // -0 is written as 0.
        expect(readFailoverPeer(created).settings).toEqual({ role: "primary", address: "10.0.0.2", peerAddress: "10.0.0.4", mclt: mclt === 0 ? 0 : mclt, hba: hba.toLowerCase().split(":").map((o) => o.padStart(2, "0")).join(":") });
        expect(created.body).toHaveLength(5);
      }),
      { numRuns: 300 },
    );
  });

  it("peer name referenced from a pool", () => {
    fc.assert(
      fc.property(hostile, (name) => {
        const result = attempt((file) => {
          const pool = listPools(findSubnet(file, "10.0.0.0", "255.255.255.0")?.subnet as BlockStatement)[1] as BlockStatement;
          setPoolFailoverPeer(file, pool, name);
        });
        if (!result) return;
        expect(listPoolPeers(result).map((p) => p.peer)).toEqual(["existing", name]);
        const pool = listPoolPeers(result)[1]?.pool as BlockStatement;
        expect(pool.body).toHaveLength(2);
        expect(result.body).toHaveLength(original.body.length);
      }),
      { numRuns: 500 },
    );
  });

  const subnetOf = (file: ConfFile) => findSubnet(file, "10.0.0.0", "255.255.255.0")?.subnet as BlockStatement;

  it("string value set in a block", () => {
    fc.assert(
      fc.property(hostile, (value) => {
        const result = attempt((file) => setStatement(file, subnetOf(file), ["option", "domain-name"], [ConfValue.string(value)]));
        if (!result) return;
        const set = findStatements(subnetOf(result), ["option", "domain-name"]);
        expect(set).toHaveLength(1);
        expect(set[0]?.tokens.map(tokenValue)).toEqual(["option", "domain-name", value]);
        expect(subnetOf(result).body).toHaveLength(4);
        expect(result.body).toHaveLength(original.body.length);
      }),
      { numRuns: 500 },
    );
  });

  it("keyword of a statement set in a block", () => {
    fc.assert(
      fc.property(hostile, (keyword) => {
        const result = attempt((file) => setStatement(file, subnetOf(file), [keyword], [ConfValue.integer(5, "value")]));
        if (!result) return;
        const set = findStatements(subnetOf(result), [keyword]);
        expect(set.map((s) => s.tokens.map(tokenValue))).toEqual([[keyword, "5"]]);
        expect(subnetOf(result).body).toHaveLength(4);
      }),
      { numRuns: 300 },
    );
  });

  it("shared-network name of a copied subnet", () => {
    fc.assert(
      fc.property(hostile, (sharedNetwork) => {
        const copy = { ...extractSubnet(parse(BASE), "10.0.0.0", "255.255.255.0"), sharedNetwork };
        const result = attempt((file) => putSubnet(file, copy), "authoritative;\n");
        if (!result) return;
        expect(result.body).toHaveLength(2);
        expect(findSubnet(result, "10.0.0.0", "255.255.255.0")?.sharedNetwork).toBe(sharedNetwork);
        expect(meaning(findSubnet(result, "10.0.0.0", "255.255.255.0")?.subnet.body ?? [])).toBe(meaning(subnetOf(parse(BASE)).body));
      }),
      { numRuns: 300 },
    );
  });

  it("rejects a role other than primary or secondary as an edit error", () => {
    expect(() => createFailoverPeer(parse(BASE), spec({ role: "primary; }" as "primary" }))).toThrow(ConfEditError);
  });
});
