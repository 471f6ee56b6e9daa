import { describe, expect, it } from "vitest";
import { z } from "zod";
import { withoutDefaults } from "../../../src/model/defaults";

const schema = z.strictObject({
  name: z.string(),
  adopt: z.boolean().default(false),
  ssh: z.strictObject({ host: z.string(), port: z.number().default(22) }),
  onDelete: z.strictObject({ keep: z.enum(["primary", "secondary"]).default("primary") }).default({ keep: "primary" }),
  peers: z.array(z.strictObject({ name: z.string(), autoFailover: z.boolean().default(true) })),
  tags: z.array(z.string()).default([]),
});

describe("withoutDefaults", () => {
  it("leaves out what the schema fills in, nested, inside array elements, and objects left empty", () => {
    const live = schema.parse({ name: "a", ssh: { host: "h" }, peers: [{ name: "p1" }, { name: "p2", autoFailover: false }] });
    expect(withoutDefaults(schema, live)).toEqual({ name: "a", ssh: { host: "h" }, peers: [{ name: "p1" }, { name: "p2", autoFailover: false }] });
  });

  it("keeps every value that differs from its default, and what remains parses to the same spec", () => {
    const live = schema.parse({ name: "a", adopt: true, ssh: { host: "h", port: 2222 }, onDelete: { keep: "secondary" }, peers: [], tags: ["x"] });
    const pruned = withoutDefaults(schema, live);
    expect(pruned).toEqual(live);
    expect(schema.parse(pruned)).toEqual(live);
  });

  it("returns a value the schema refuses as it is", () => {
    expect(withoutDefaults(schema, { name: 1 })).toEqual({ name: 1 });
  });
});
