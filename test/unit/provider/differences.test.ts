import { describe, expect, it } from "vitest";
import { compareViews, describeDifference } from "../../../src/provider/differences";

describe("compareViews", () => {
  it("finds each differing leaf per server and says it in words", () => {
    const differences = compareViews([
      { server: "isc1", expected: { mclt: 10, split: 128 }, actual: { mclt: 3600, split: 128 } },
      { server: "isc2", expected: { mclt: 10 }, actual: undefined },
      { server: "isc3", expected: undefined, actual: { port: 647 } },
    ]);
    expect(differences.map(describeDifference)).toEqual([
      "on isc1, mclt is 3600, the program wants 10",
      'on isc2, the object is missing (the program wants {"mclt":10})',
      'on isc3, the object is {"port":647}, which the program does not declare',
    ]);
  });

  it("reports nothing when the views agree, whatever the key order", () => {
    expect(compareViews([{ server: "a", expected: { x: 1, y: [1, 2] }, actual: { y: [1, 2], x: 1 } }])).toEqual([]);
  });
});
