import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { comparablePools, formatRange, isSplitPart, mergePools, parsePool, poolClasses, splitPools, toAddress } from "../../../src/backends/kea/poolSplit";
import { KEA_2_2, KEA_2_6, KEA_3_0_4 } from "./fixtures";

describe("parsePool / formatRange", () => {
  it("reads Kea's two pool syntaxes and prints the one config-get prints", () => {
    expect(formatRange(parsePool("10.0.0.10 - 10.0.0.20"))).toBe("10.0.0.10-10.0.0.20");
    expect(formatRange(parsePool("10.0.0.0/28"))).toBe("10.0.0.0-10.0.0.15");
    expect(() => parsePool("10.0.0.300-10.0.1.1")).toThrow(/not an IPv4 address/);
  });
});

describe("splitPools / mergePools", () => {
  it("splits each pool in two halves for HA_<primary> and HA_<secondary>, keeping the pool's options", () => {
    const pools = [
      { pool: "10.231.2.100-10.231.2.199", "option-data": [{ name: "routers", data: "10.231.2.1" }] },
      { pool: "10.231.3.0/29", "option-data": [] },
    ];
    const split = splitPools(pools, ["kea1", "kea2"], KEA_2_2);
    expect(split.map((p) => [p.pool, p["client-class"], (p["option-data"] as unknown[]).length])).toEqual([
      ["10.231.2.100-10.231.2.149", "HA_kea1", 1],
      ["10.231.2.150-10.231.2.199", "HA_kea2", 1],
      ["10.231.3.0-10.231.3.3", "HA_kea1", 0],
      ["10.231.3.4-10.231.3.7", "HA_kea2", 0],
    ]);
    expect(split.every(isSplitPart)).toBe(true);
    expect(mergePools(split)).toEqual(pools);
    expect(splitPools(split, ["kea1", "kea2"], KEA_2_2)).toEqual(split);
  });

  it("refuses pools it cannot split, saying why", () => {
    expect(() => splitPools([{ pool: "10.0.0.5-10.0.0.5" }], ["a", "b"], KEA_2_2)).toThrow(/single address/);
    expect(() => splitPools([{ pool: "10.0.0.5-10.0.0.9", "client-class": "voip" }], ["a", "b"], KEA_2_2)).toThrow(/limited to client class "voip".*remove the class or use hot-standby/);
  });

  it("writes each half's class as the version reads it back: client-class on 2.x, the client-classes list on 3.0", () => {
    const pools = [{ pool: "10.231.2.100-10.231.2.199" }];
    for (const version of [KEA_2_2, KEA_2_6]) {
      expect(splitPools(pools, ["kea1", "kea2"], version).map((p) => [p["client-class"], p["client-classes"]])).toEqual([
        ["HA_kea1", undefined],
        ["HA_kea2", undefined],
      ]);
    }
    const on3 = splitPools(pools, ["kea1", "kea2"], KEA_3_0_4);
    expect(on3.map((p) => [p["client-class"], p["client-classes"]])).toEqual([
      [undefined, ["HA_kea1"]],
      [undefined, ["HA_kea2"]],
    ]);
    expect(mergePools(on3)).toEqual(pools);
  });

  it("a pool Kea 3.0 reads back with client-classes compares equal to the same pool written with client-class", () => {
    const written = [{ pool: "10.0.0.10 - 10.0.0.19", "client-class": "HA_kea1" }];
    const readBack = [{ pool: "10.0.0.10-10.0.0.19", "client-classes": ["HA_kea1"] }];
    expect(comparablePools(readBack)).toEqual(comparablePools(written));
    expect(comparablePools([{ pool: "10.0.0.10-10.0.0.19", "client-classes": [] }])).toEqual([{ pool: "10.0.0.10-10.0.0.19" }]);
  });

  it("recognises pools a person restricted with client-classes, and refuses to split them", () => {
    expect(poolClasses({ pool: "10.0.0.5-10.0.0.9", "client-classes": ["voip", "phones"] })).toEqual(["voip", "phones"]);
    expect(() => splitPools([{ pool: "10.0.0.5-10.0.0.9", "client-classes": ["voip"] }], ["a", "b"], KEA_3_0_4)).toThrow(/limited to client class "voip".*remove the class or use hot-standby/);
  });

  it("merging after splitting gives back the very same pools, whatever they are", () => {
    const pool = fc
      .tuple(fc.integer({ min: 0x0a000000, max: 0x0affff00 }), fc.integer({ min: 1, max: 4000 }), fc.option(fc.constantFrom("a", "b c"), { nil: undefined }))
      .map(([first, size, context]) => ({
        pool: `${toAddress(first)} - ${toAddress(first + size)}`,
        "option-data": [],
        ...(context === undefined ? {} : { "user-context": { note: context } }),
      }));
    fc.assert(
      fc.property(fc.array(pool, { minLength: 1, maxLength: 5 }), (pools) => {
        const split = splitPools(pools, ["p", "s"], KEA_3_0_4);
        expect(split).toHaveLength(pools.length * 2);
        for (let i = 0; i < pools.length; i++) {
          const whole = parsePool(pools[i]!.pool);
          const [a, b] = [parsePool(String(split[2 * i]!.pool)), parsePool(String(split[2 * i + 1]!.pool))];
          expect([a.first, a.last + 1, b.last]).toEqual([whole.first, b.first, whole.last]);
          expect(Math.abs(a.last - a.first - (b.last - b.first))).toBeLessThanOrEqual(1);
        }
        expect(mergePools(split)).toEqual(pools);
      }),
    );
  });
});
