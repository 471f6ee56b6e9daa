import { describe, expect, it } from "vitest";
import { applyInOrder, submit, type Edit } from "../../../src/backends/kea/apply";
import { putRelationship, relationshipOf, removeRelationship, type KeaConfig } from "../../../src/backends/kea/configEdit";
import type { KeaAnswer } from "../../../src/backends/kea/controlApi";
import { relationshipEntry } from "../../../src/backends/kea/haConfig";
import type { KeaServer } from "../../../src/backends/kea/server";
import type { KeaVersion } from "../../../src/backends/kea/version";
import { PartialChangeError } from "../../../src/backends/errors";
import { operationContext } from "../../../src/provider/context";
import { HOOKS, KEA_2_2, KEA_2_6, KEA_3_0_4, pristineConfig, relationship } from "./fixtures";

/** An in-memory Kea that answers the commands apply sends, and can be told to refuse some. */
class FakeKea {
  running: KeaConfig = pristineConfig();
  file: KeaConfig = pristineConfig();
  sent: string[] = [];
  refuse = new Map<string, KeaAnswer>();
  /** Another writer's changes, one per config-get after the first: what a second run sharing the server does meanwhile. */
  meanwhile: Array<(config: KeaConfig) => void> = [];
  private reads = 0;
  readonly key: string;
  constructor(
    readonly label: string,
    readonly version: KeaVersion = KEA_2_2,
    readonly configPath = `/etc/kea/${label}.conf`,
    readonly apiUrl = "http://127.0.0.1:8999/",
  ) {
    this.key = `fake:${label}:${Math.random()}`;
  }
  asServer(): KeaServer {
    return {
      label: this.label,
      key: this.key,
      configPath: this.configPath,
      api: { url: this.apiUrl, timeoutSeconds: 30 },
      version: async () => this.version,
      readConfig: async () => {
        if (this.reads++ > 0) this.meanwhile.shift()?.(this.running);
        return structuredClone(this.running);
      },
      written: () => undefined,
      send: async (command: string, args?: unknown) => this.answer(command, args),
    } as unknown as KeaServer;
  }
  private answer(command: string, args: unknown): KeaAnswer {
    this.sent.push(command);
    const refusal = this.refuse.get(command);
    if (refusal) {
      this.refuse.delete(command);
      return refusal;
    }
    if (command === "config-set") this.running = structuredClone(args as KeaConfig);
    if (command === "config-write") this.file = structuredClone(this.running);
    if (command === "config-reload") this.running = structuredClone(this.file);
    return { result: 0, text: "ok" };
  }
}

const entry = (name: string, mode = "load-balancing") => relationshipEntry(relationship(mode), name);
const put = (name: string, mode?: string): Edit => ({ what: `put ${name}`, apply: (config) => putRelationship(config, entry(name, mode), { owner: "kea-lab", hooksDirectory: HOOKS }) });
const remove = (name: string): Edit => ({ what: `remove ${name}`, apply: (config) => removeRelationship(config, name) });

function context() {
  return operationContext("test", []).ctx;
}

describe("submit: one server's edits", () => {
  it("coalesces edits that arrive together into one config-test, config-set and config-write", async () => {
    const kea = new FakeKea("kea1", KEA_2_6);
    const ctx = context();
    const [a, b] = await Promise.all([submit(ctx, kea.asServer(), put("kea1")), submit(ctx, kea.asServer(), put("kea1", "load-balancing"))]);
    expect(kea.sent).toEqual(["config-test", "config-set", "config-write"]);
    expect(a.changed && b.changed).toBe(true);
    expect(relationshipOf(kea.file, "kea1")).toEqual(entry("kea1"));
    await submit(ctx, kea.asServer(), put("kea1"));
    expect(kea.sent).toHaveLength(3);
  });

  it("refuses, before any command, an edit whose dedicated HA listener would take the control API's port (Kea 2.4+)", async () => {
    const kea = new FakeKea("kea1", KEA_2_6, "/etc/kea/kea1.conf", "http://10.231.2.11:8000/");
    (kea.running.Dhcp4 as Record<string, unknown>)["multi-threading"] = { "enable-multi-threading": true };
    const error = await submit(context(), kea.asServer(), put("kea1")).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/^kea1: cannot put kea1: the dedicated HA listener of kea1 would bind 10\.231\.2\.11:8000 on Kea 2\.6\.1 .*"Address already in use"/);
    expect(kea.sent).toEqual([]);
  });

  it("never loses another writer's change made between its config-get and config-set: the batch is made again on a fresh read", async () => {
    const kea = new FakeKea("kea1", KEA_2_6);
    const otherRun = (config: KeaConfig) => {
      ((config.Dhcp4 as Record<string, unknown>).subnet4 as unknown[]).push({ id: 9, subnet: "192.0.2.0/24", pools: [] });
    };
    kea.meanwhile.push(otherRun);
    await submit(context(), kea.asServer(), put("kea1"));
    expect(kea.sent).toEqual(["config-test", "config-test", "config-set", "config-write"]);
    expect(relationshipOf(kea.file, "kea1")).toEqual(entry("kea1"));
    expect(((kea.file.Dhcp4 as Record<string, unknown>).subnet4 as Array<{ subnet: string }>).map((s) => s.subnet)).toEqual(["10.231.2.0/24", "192.0.2.0/24"]);
  });

  it("writes nothing, and says which server and what to do, when the configuration keeps changing under it", async () => {
    const kea = new FakeKea("kea1", KEA_2_6);
    let n = 0;
    kea.meanwhile = Array.from({ length: 10 }, () => (config: KeaConfig) => {
      (config.Dhcp4 as Record<string, unknown>)["valid-lifetime"] = ++n;
    });
    const error = await submit(context(), kea.asServer(), put("kea1")).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/^kea1: its configuration changed 3 times between this run's config-get and its config-set .*nothing was written.*run `pulumi up` again/);
    expect(kea.sent.filter((c) => c !== "config-test")).toEqual([]);
  });

  it("puts the previous configuration back when config-set is refused, and says so with Kea's result and text", async () => {
    const kea = new FakeKea("kea2");
    kea.refuse.set("config-set", { result: 1, text: "One or more hook libraries failed to load" });
    const error = await submit(context(), kea.asServer(), put("kea2")).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/^kea2: Kea rejected the new configuration \(config-set, result 1: "One or more hook libraries failed to load"\)\. The previous configuration was put back on kea2, which serves as before\./);
    expect(kea.sent).toEqual(["config-test", "config-set", "config-set"]);
    expect(kea.running).toEqual(pristineConfig());
    expect(kea.file).toEqual(pristineConfig());
  });

  it("reloads the unchanged file when even putting the old configuration back is refused", async () => {
    const kea = new FakeKea("kea2");
    kea.refuse.set("config-set", { result: 1, text: "no" });
    const server = kea.asServer();
    const original = server.send.bind(server);
    let sets = 0;
    (server as unknown as { send: typeof original }).send = async (command, args) => (command === "config-set" && ++sets <= 2 ? { result: 1, text: "still no" } : original(command, args));
    const error = await submit(context(), server, put("kea2")).catch((e: Error) => e);
    expect((error as Error).message).toContain("so kea2 reloaded it from /etc/kea/kea2.conf, which was not changed");
    expect(kea.sent.at(-1)).toBe("config-reload");
  });

  it("takes the running change back when config-write fails, so file and running configuration agree", async () => {
    const kea = new FakeKea("kea1");
    kea.refuse.set("config-write", { result: 1, text: "Unable to open file /etc/kea/kea1.conf for writing" });
    const error = await submit(context(), kea.asServer(), put("kea1")).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/could not save it to \/etc\/kea\/kea1\.conf \(config-write, result 1: .*Unable to open file.*The previous configuration was put back/);
    expect(kea.running).toEqual(pristineConfig());
    expect((error as Error).message).not.toContain("writes only into the directory");
    const confined = new FakeKea("kea1", KEA_3_0_4);
    confined.refuse.set("config-write", { result: 1, text: "not allowed to write config into /tmp/x.conf" });
    const refused = await submit(context(), confined.asServer(), put("kea1")).catch((e: Error) => e);
    expect((refused as Error).message).toContain("(Kea 3.0.4 writes only into the directory of the file it was started with, -c), then run `pulumi up` again.");
  });

  it("stops at config-test and changes nothing when Kea's own test refuses", async () => {
    const kea = new FakeKea("kea1");
    kea.refuse.set("config-test", { result: 1, text: "bad subnet" });
    const error = await submit(context(), kea.asServer(), put("kea1")).catch((e: Error) => e);
    expect((error as Error).message).toContain('config-test refused the new configuration (result 1: "bad subnet"). Nothing was changed on kea1.');
    expect(kea.sent).toEqual(["config-test"]);
  });

  it("never sends config-test to a live HA peer with a dedicated listener on a version with the listener bug", async () => {
    const kea = new FakeKea("kea1", KEA_2_6);
    kea.running = putRelationship(pristineConfig(), entry("kea1", "hot-standby"), { owner: "x", hooksDirectory: HOOKS });
    await submit(context(), kea.asServer(), put("kea1", "load-balancing"));
    expect(kea.sent).toEqual(["config-set", "config-write"]);
  });

  it("refuses an edit that breaks Kea's rules for the whole server before sending anything, and lets the others through", async () => {
    const kea = new FakeKea("hub");
    const second: Edit = { what: "add a second relationship", apply: (config) => putRelationship(config, { ...entry("kea2", "hot-standby"), "this-server-name": "other" }, { owner: "y" }) };
    const ctx = context();
    const [first, refused] = await Promise.allSettled([submit(ctx, kea.asServer(), put("kea1", "hot-standby")), submit(ctx, kea.asServer(), second)]);
    expect(first.status).toBe("fulfilled");
    expect(refused.status === "rejected" && (refused.reason as Error).message).toMatch(/^hub: cannot add a second relationship: Kea 2\.2\.0 runs one HA relationship per server/);
    expect(kea.sent).toEqual(["config-test", "config-set", "config-write"]);
  });
});

describe("applyInOrder: several servers", () => {
  it("on a failure, takes the change back on the servers already changed, so every server is as it was", async () => {
    const [kea1, kea2] = [new FakeKea("kea1"), new FakeKea("kea2")];
    kea1.refuse.set("config-set", { result: 1, text: "One or more hook libraries failed to load" });
    const undo = (name: string) => (before: KeaConfig): Edit => ({ what: "undo", apply: (config) => (relationshipOf(before, name) ? config : removeRelationship(config, name)) });
    const error = await applyInOrder(context(), [
      { server: kea2.asServer(), edit: put("kea2"), undo: undo("kea2") },
      { server: kea1.asServer(), edit: put("kea1"), undo: undo("kea1") },
    ]).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/^kea1: Kea rejected .* The change was also taken back on kea2: every server is as it was\.$/);
    expect(kea2.running).toEqual(pristineConfig());
    expect(kea2.file).toEqual(pristineConfig());
    expect(kea1.running).toEqual(pristineConfig());
  });

  it("raises a PartialChangeError naming who holds what when taking back fails too", async () => {
    const [kea1, kea2] = [new FakeKea("kea1"), new FakeKea("kea2")];
    kea1.refuse.set("config-set", { result: 1, text: "refused" });
    const failingUndo = (): Edit => ({ what: "undo", apply: () => { throw new Error("cannot"); } });
    const error = await applyInOrder(context(), [
      { server: kea2.asServer(), edit: put("kea2"), undo: failingUndo },
      { server: kea1.asServer(), edit: put("kea1"), undo: failingUndo },
    ]).catch((e: Error) => e);
    expect(error).toBeInstanceOf(PartialChangeError);
    expect((error as PartialChangeError).changedServers).toEqual(["kea2"]);
    expect((error as Error).message).toContain("those servers hold the new configuration, kea1 the previous one");
  });

  it("removing what was never there changes nothing and sends no write", async () => {
    const kea = new FakeKea("kea1");
    const [done] = await applyInOrder(context(), [{ server: kea.asServer(), edit: remove("kea1") }]);
    expect(done!.changed).toBe(false);
    expect(kea.sent).toEqual([]);
  });
});
