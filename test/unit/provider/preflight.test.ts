// The handlers run the backend's preflight before the first write of create, update, delete and replicate,
// and a failed preflight stops the change before the backend is asked to make it.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Backend, ChangeKind } from "../../../src/backends/backend";
import { PermissionError, describeMissing } from "../../../src/backends/preflight";
import { useBackend } from "../../../src/backends/registry";
import { relationshipHandlers } from "../../../src/provider/relationship";
import { replicationHandlers } from "../../../src/provider/replication";

const spec = z.strictObject({ vendor: z.literal("kea"), name: z.string(), adopt: z.boolean().default(false) });
type Spec = z.output<typeof spec>;

let calls: string[];
let deny: boolean;

async function preflight(_ctx: unknown, s: Spec, change: ChangeKind | "replicate"): Promise<void> {
  calls.push(`preflight ${change} ${s.name}`);
  if (deny) throw new PermissionError([{ server: "srv1", permission: "run config-set", grant: "allow it for ops" }]);
}

const live = (s: Spec) => ({ views: [{ server: "srv1", expected: { name: s.name }, actual: { name: s.name } }], live: s });

const fake = {
  vendor: "kea",
  schemas: { relationship: spec, membership: spec, replication: spec },
  relationship: {
    target: (s: Spec) => ({ vendor: "kea", name: s.name }),
    summary: () => ({ mode: "test", primary: "srv1", secondary: "srv2" }),
    replaceDecision: () => ({ replaces: [], deleteBeforeReplace: false }),
    read: async (_ctx: unknown, s: Spec) => live(s),
    preflight: (ctx: unknown, s: Spec, change: ChangeKind) => preflight(ctx, s, change),
    create: async (_ctx: unknown, s: Spec) => (calls.push(`create ${s.name}`), live(s)),
    update: async (_ctx: unknown, _old: Spec, s: Spec) => (calls.push(`update ${s.name}`), live(s)),
    delete: async (_ctx: unknown, s: Spec) => void calls.push(`delete ${s.name}`),
    status: async () => ({}),
  },
  membership: {} as never,
  replication: {
    preflight: (ctx: unknown, s: Spec) => preflight(ctx, s, "replicate"),
    compare: async () => ({ scopes: [] }),
    replicate: async (_ctx: unknown, s: Spec) => (calls.push(`replicate ${s.name}`), { replicated: [] }),
  },
  state: {},
} as unknown as Backend<Spec, never, Spec>;

describe("the permissions preflight in the handlers", () => {
  beforeEach(() => {
    calls = [];
    deny = false;
    useBackend("kea", fake);
  });
  afterEach(() => useBackend("kea", undefined));

  it("runs before each write, with the change it precedes", async () => {
    const { outs } = await relationshipHandlers.create({ vendor: "kea", name: "r" });
    await relationshipHandlers.update("r", outs, { vendor: "kea", name: "r" });
    await relationshipHandlers.delete("r", outs);
    await replicationHandlers.create({ vendor: "kea", name: "t" });
    expect(calls).toEqual(["preflight create r", "create r", "preflight update r", "update r", "preflight delete r", "delete r", "preflight replicate t", "replicate t"]);
  });

  it("stops the change when a permission is missing, saying which, where and what to grant", async () => {
    deny = true;
    await expect(relationshipHandlers.create({ vendor: "kea", name: "r" })).rejects.toThrow(
      'FailoverRelationship "r": the credentials lack a permission this change needs, so nothing was changed:\n- srv1: cannot run config-set: allow it for ops',
    );
    await expect(replicationHandlers.create({ vendor: "kea", name: "t" })).rejects.toThrow(/cannot run config-set/);
    expect(calls.filter((c) => !c.startsWith("preflight"))).toEqual([]);
  });

  it("lists every missing permission, one a line", () => {
    expect(describeMissing([
      { server: "a", permission: "write /f", grant: "chmod" },
      { server: "b", permission: "run x", grant: "sudoers" },
    ])).toBe("the credentials lack permissions this change needs, so nothing was changed:\n- a: cannot write /f: chmod\n- b: cannot run x: sudoers");
  });
});
