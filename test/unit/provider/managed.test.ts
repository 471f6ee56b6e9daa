import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import type { Backend, LiveObject, UpdateInfo } from "../../../src/backends/backend";
import { PartialChangeError } from "../../../src/backends/errors";
import { useBackend } from "../../../src/backends/registry";
import { relationshipHandlers } from "../../../src/provider/relationship";
import { UNKNOWN } from "../../../src/model/unknown";

// An in-memory vendor: one "server" map per server label, holding relationships by name. It exercises the
// vendor-neutral handlers only; every real backend is tested against real servers or the emulator.
const spec = z.strictObject({
  vendor: z.literal("kea"),
  name: z.string(),
  servers: z.array(z.string()).min(1),
  mclt: z.number().int().min(1).default(3600),
  api: z.strictObject({ password: z.string() }).optional(),
  sharedSecret: z.string().optional(),
  adopt: z.boolean().default(false),
});
type Spec = z.output<typeof spec>;

let servers: Record<string, Record<string, { mclt: number }>>;
let updates: Array<{ next: Spec; info: UpdateInfo }>;
let failOn: string | undefined;

function live(s: Spec): LiveObject<Spec> {
  const views = s.servers.map((server) => ({ server, expected: { mclt: s.mclt }, actual: servers[server]?.[s.name] ?? undefined }));
  const present = s.servers.find((server) => servers[server]?.[s.name]);
  return { views, live: present ? { ...s, mclt: servers[present]![s.name]!.mclt } : undefined, status: { [s.servers[0]!]: { state: "normal" } } };
}

function write(s: Spec): void {
  for (const server of s.servers) {
    if (server === failOn) throw new PartialChangeError(`${server} refused the change`, s.servers.slice(0, 1), [server]);
    servers[server]![s.name] = { mclt: s.mclt };
  }
}

const fake = {
  vendor: "kea",
  schemas: { relationship: spec, membership: spec, replication: spec },
  relationship: {
    target: (s: Spec) => ({ vendor: "kea", name: s.name, servers: s.servers }),
    summary: (s: Spec) => ({ mode: "test", primary: s.servers[0]!, secondary: s.servers[1] ?? "" }),
    replaceDecision: (old: Spec, next: Spec) => ({ replaces: old.name !== next.name ? ["name"] : [], deleteBeforeReplace: false }),
    read: async (_ctx: unknown, s: Spec) => live(s),
    create: async (_ctx: unknown, s: Spec, options: { adopt: boolean }) => {
      if (s.servers.some((server) => servers[server]?.[s.name]) && !options.adopt) throw new Error(`${s.name} exists: set adopt: true to take it over`);
      if (!options.adopt) write(s);
      return live(s);
    },
    update: async (_ctx: unknown, _old: Spec, next: Spec, info: UpdateInfo) => {
      updates.push({ next, info });
      write(next);
      return live(next);
    },
    delete: async (_ctx: unknown, s: Spec) => {
      for (const server of s.servers) delete servers[server]![s.name];
    },
    status: async () => ({}),
  },
  membership: {} as never,
  replication: {} as never,
  state: {},
} as unknown as Backend<Spec, never, never>;

const inputs = (over: Record<string, unknown> = {}) => ({
  vendor: "kea",
  name: "rel",
  servers: ["a", "b"],
  mclt: 10,
  secrets: { "api.password": "api-pass-1", sharedSecret: "shared-1" },
  __provider: "PROVIDER-TEXT",
  ...over,
});

describe("managed resource handlers", () => {
  beforeEach(() => {
    servers = { a: {}, b: {} };
    updates = [];
    failOn = undefined;
    useBackend("kea", fake);
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  });
  afterEach(() => {
    useBackend("kea", undefined);
    vi.restoreAllMocks();
  });

  it("creates, then diff reports no change while the servers match", async () => {
    const { id, outs } = await relationshipHandlers.create(inputs());
    expect(id).toBe("kea:rel");
    expect(servers.a!.rel).toEqual({ mclt: 10 });
    expect(await relationshipHandlers.diff(id, outs, inputs())).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  it("keeps connection secrets encrypted-by-engine in `secrets`, only hashes of the others, and no plaintext elsewhere", async () => {
    const { outs } = await relationshipHandlers.create(inputs());
    expect(outs.secrets).toEqual({ "api.password": "api-pass-1" });
    const { secrets: _kept, ...rest } = outs;
    expect(JSON.stringify(rest)).not.toMatch(/api-pass-1|shared-1/);
    expect(outs.stateVersion).toBe(1);
  });

  it("shows a hand edit on one server as a change, naming the server and the value", async () => {
    const { id, outs } = await relationshipHandlers.create(inputs());
    servers.b!.rel = { mclt: 99 };
    const messages: string[] = [];
    vi.mocked(process.stderr.write).mockImplementation((text) => (messages.push(String(text)), true));
    expect((await relationshipHandlers.diff(id, outs, inputs())).changes).toBe(true);
    expect(messages.join("")).toContain('FailoverRelationship "rel": on b, mclt is 99, the program wants 10');
    await relationshipHandlers.update(id, outs, inputs());
    expect(servers.b!.rel).toEqual({ mclt: 10 });
  });

  it("notices a changed secret that the server never returns, and tells update which one", async () => {
    const { id, outs } = await relationshipHandlers.create(inputs());
    const changed = inputs({ secrets: { "api.password": "api-pass-1", sharedSecret: "shared-2" } });
    expect((await relationshipHandlers.diff(id, outs, changed)).changes).toBe(true);
    await relationshipHandlers.update(id, outs, changed);
    expect(updates[0]!.info.changedSecrets).toEqual(["sharedSecret"]);
  });

  it("replaces what the vendor cannot change in place", async () => {
    const { id, outs } = await relationshipHandlers.create(inputs());
    expect(await relationshipHandlers.diff(id, outs, inputs({ name: "renamed" }))).toEqual({
      changes: true,
      replaces: ["name"],
      deleteBeforeReplace: false,
    });
  });

  it("during preview, treats unknown values as a change and unknown identity as a replacement", async () => {
    const { id, outs } = await relationshipHandlers.create(inputs());
    expect(await relationshipHandlers.diff(id, outs, inputs({ mclt: UNKNOWN }))).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    expect((await relationshipHandlers.diff(id, outs, inputs({ name: UNKNOWN }))).replaces).toEqual(["name"]);
  });

  it("refuses to create over an existing relationship unless adopt is set, and adopting writes nothing", async () => {
    servers.a!.rel = { mclt: 50 };
    await expect(relationshipHandlers.create(inputs())).rejects.toThrow(/set adopt: true/);
    const { id, outs } = await relationshipHandlers.create(inputs({ adopt: true }));
    expect(servers.a!.rel).toEqual({ mclt: 50 });
    expect((await relationshipHandlers.diff(id, outs, inputs({ adopt: true }))).changes).toBe(true);
  });

  it("records a partially created relationship so that the next up finishes it", async () => {
    failOn = "b";
    const error = (await relationshipHandlers.create(inputs()).catch((e: unknown) => e)) as Error & { id?: string; properties?: Record<string, unknown> };
    expect(error.message).toContain('FailoverRelationship "rel": b refused the change');
    expect(error.id).toBe("kea:rel");
    expect(error.properties?.__provider).toBe("PROVIDER-TEXT");
    expect(error.properties?.stateVersion).toBe(1);
  });

  it("gives a partial change's message to the engine as the init error's reasons, which is all the CLI shows of it", async () => {
    failOn = "b";
    const error = (await relationshipHandlers.create(inputs()).catch((e: unknown) => e)) as Error & { reasons?: string[] };
    expect(error.reasons).toEqual(['FailoverRelationship "rel": b refused the change']);
  });

  it("redacts secrets out of errors", async () => {
    await expect(relationshipHandlers.create(inputs({ name: "api-pass-1" }))).resolves.toBeDefined();
    servers.a!["api-pass-1"] = { mclt: 1 };
    const error = (await relationshipHandlers.create(inputs({ name: "api-pass-1" })).catch((e: unknown) => e)) as Error;
    expect(error.message).not.toContain("api-pass-1");
    expect(error.message).toContain("[secret]");
  });

  it("refresh returns live values as inputs and outputs, and an empty id when gone", async () => {
    const { id, outs } = await relationshipHandlers.create(inputs());
    servers.a!.rel = { mclt: 77 };
    const read = await relationshipHandlers.read(id, outs);
    expect(read.props?.mclt).toBe(77);
    expect(read.inputs?.mclt).toBe(77);
    expect(read.inputs?.secrets).toEqual({ "api.password": "api-pass-1" });
    await relationshipHandlers.delete(id, outs);
    expect(await relationshipHandlers.read(id, outs)).toEqual({ id: "" });
  });

  it("check names the property and the fix, and accepts unknowns", async () => {
    expect(await relationshipHandlers.check({}, inputs({ mclt: 0 }))).toEqual({
      inputs: inputs({ mclt: 0 }),
      failures: [{ property: "", reason: "mclt: must be at least 1" }],
    });
    expect((await relationshipHandlers.check({}, inputs({ mclt: UNKNOWN }))).failures).toBeUndefined();
    expect((await relationshipHandlers.check({}, inputs({ vendor: "dhcpd" }))).failures).toEqual([
      { property: "", reason: 'vendor: must be "isc", "kea" or "windows"' },
    ]);
  });
});
