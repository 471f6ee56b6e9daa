import { createRequire } from "node:module";
import { beforeAll, describe, expect, it } from "vitest";

// Loaded through CommonJS from dist/, as a Pulumi program loads the package.
const require = createRequire(import.meta.url);
const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
const lib = require("../../../dist/index.js") as typeof import("../../../src/index");

describe("a ReplicationTrigger and the memberships of its relationship", () => {
  // What the engine saw, in order: a resource's registration starting, and (for memberships, which take
  // a while, as a create writing to servers does) its completion.
  const events: string[] = [];

  beforeAll(async () => {
    pulumi.runtime.setMocks(
      {
        newResource: async (args) => {
          events.push(`start ${args.name}`);
          if (args.inputs.scope !== undefined) await new Promise((resolve) => setTimeout(resolve, 200));
          events.push(`done ${args.name}`);
          return { id: `${args.name}-id`, state: args.inputs };
        },
        call: () => ({}),
      },
      "project",
      "stack",
      false,
    );
    const ssh = { host: "127.0.0.1", port: 2222, username: "root", hostKeySha256: `SHA256:${"A".repeat(43)}`, privateKey: "key" };
    const relationship = new lib.FailoverRelationship("rel", {
      vendor: "isc",
      primary: { name: "isc1", address: "10.231.1.11", ssh },
      secondary: { name: "isc2", address: "10.231.1.12", ssh },
      isc: { mclt: 10, split: 128 },
    });
    // Declared before the memberships it must see, and with no dependsOn: the program's natural order.
    const trigger = new lib.ReplicationTrigger("sync", { relationship, source: "isc1", level: "relationship", triggers: ["1"] });
    const users = new lib.FailoverScopeMembership("users", { relationship, scope: "10.231.11.0/24" });
    const guests = new lib.FailoverScopeMembership("guests", { relationship, scope: "10.231.12.0/24" });
    // A membership that asks to come after the trigger keeps that order (and nothing waits forever).
    const late = new lib.FailoverScopeMembership("late", { relationship, scope: "10.231.13.0/24" }, { dependsOn: [trigger] });
    await new Promise<void>((resolve) => pulumi.all([trigger.urn, users.urn, guests.urn, late.urn]).apply(() => resolve()));
  }, 60_000);

  it("starts after every membership declared with it is done, without dependsOn", () => {
    expect(events.indexOf("start sync")).toBeGreaterThan(events.indexOf("done users"));
    expect(events.indexOf("start sync")).toBeGreaterThan(events.indexOf("done guests"));
  });

  it("leaves out a membership that depends on the trigger itself", () => {
    expect(events.indexOf("start late")).toBeGreaterThan(events.indexOf("done sync"));
  });
});
