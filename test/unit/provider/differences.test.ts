import { describe, expect, it } from "vitest";
import { compareViews, describeDifference } from "../../../src/provider/differences";

describe("compareViews", () => {
  it("finds each differing leaf per server and says it in words", () => {
    const differences = compareViews([
      { server: "isc1", expected: { mclt: 10, split: 128 }, actual: { mclt: 3600, split: 128 } },
      { server: "isc2", expected: { mclt: 10 }, actual: undefined },
      { server: "isc3", expected: undefined, actual: { port: 647 } },
      { server: "isc4", expected: { mclt: 10, split: 128 }, actual: { split: 128 } },
    ]);
    expect(differences.map(describeDifference)).toEqual([
      "on isc1, mclt is 3600, the program wants 10",
      'on isc2, it is missing, the program wants {"mclt":10}',
      'on isc3, it is {"port":647}, which the program does not declare',
      "on isc4, mclt is missing, the program wants 10",
    ]);
  });

  it("reports nothing when the views agree, whatever the key order", () => {
    expect(compareViews([{ server: "a", expected: { x: 1, y: [1, 2] }, actual: { y: [1, 2], x: 1 } }])).toEqual([]);
  });
});

describe("describeDifference of a secret", () => {
  const lines = (expected: Record<string, string>, actual: Record<string, string> | undefined) =>
    compareViews([{ server: "kea1", expected: { peers: { kea2: expected } }, actual: actual && { peers: { kea2: actual } } }]).map(describeDifference);

  it("says only that it differs, whatever a vendor calls it, and shows neither value", () => {
    for (const key of ["basic-auth-password", "sharedSecret", "privateKey", "omapi_secret"]) {
      const [line, ...rest] = lines({ [key]: "declared-value" }, { [key]: "hand-typed-value" });
      expect(rest).toEqual([]);
      expect(line).toBe(`on kea1, peers.kea2.${key} differs from the program's secret (neither value is shown)`);
    }
  });

  it("says whether it is set or missing", () => {
    expect(lines({ user: "admin", password: "declared-value" }, { user: "admin" })).toEqual(["on kea1, peers.kea2.password is missing, the program wants a secret (not shown)"]);
    expect(lines({ user: "admin" }, { user: "admin", password: "hand-typed-value" })).toEqual([
      "on kea1, peers.kea2.password is set to a secret (not shown), which the program does not declare",
    ]);
  });

  it("blanks secrets inside a whole object that is missing", () => {
    const [line] = lines({ user: "admin", password: "declared-value" }, undefined);
    expect(line).toBe('on kea1, it is missing, the program wants {"peers":{"kea2":{"user":"admin","password":"(secret)"}}}');
  });

  it("shows ordinary values that merely contain a secret-like word", () => {
    expect(lines({ privateKeyPath: "/etc/a" }, { privateKeyPath: "/etc/b" })).toEqual(['on kea1, peers.kea2.privateKeyPath is "/etc/b", the program wants "/etc/a"']);
  });
});
