import { createRequire } from "node:module";
import { beforeAll, describe, expect, it } from "vitest";

// Loaded through CommonJS from dist/, as a Pulumi program loads the package: ESM modules (vitest's own
// loading) would be serialized by value, which is not what users get.
const require = createRequire(import.meta.url);
const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
const { providerFor } = require("../../../dist/resources/provider.js") as typeof import("../../../src/resources/provider");
const lib = require("../../../dist/index.js") as typeof import("../../../src/index");

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SECRETS = ["-----BEGIN OPENSSH PRIVATE KEY-----secret-key-material", "omapi-secret-value", "key-passphrase-value"];

describe("the provider stored in state", () => {
  for (const kind of ["relationship", "membership", "replication"] as const) {
    it(`${kind}: captures only a lazy require of the installed handlers, in a few KB`, async () => {
      const provider = providerFor(kind);
      const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
      expect(serialized.containsSecrets).toBe(false);
      expect(serialized.text.length).toBeLessThan(4096);
      expect(serialized.text).toContain('HANDLERS_MODULE: "pulumi-dhcp-failover/handlers"');
      expect(serialized.text).toContain(`kind: "${kind}"`);
      for (const foreign of ["zod", "ssh2", "safeParse", "Client", "net.Socket"]) expect(serialized.text).not.toContain(foreign);
    });
  }
});

describe("resources registered with secrets", () => {
  const registered: Array<{ type: string; name: string; inputs: Record<string, unknown> }> = [];

  beforeAll(async () => {
    pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registered.push({ type: args.type, name: args.name, inputs: args.inputs });
          return { id: `${args.name}-id`, state: args.inputs };
        },
        call: () => ({}),
      },
      "project",
      "stack",
      false,
    );
    const ssh = { host: "127.0.0.1", port: 2222, username: "root", hostKeySha256: `SHA256:${"A".repeat(43)}` };
    const server = (name: string, address: string) => ({
      name,
      address,
      ssh: { ...ssh, privateKey: pulumi.secret(SECRETS[0]!), passphrase: SECRETS[2]! },
      omapi: { keyName: "omapi", secret: SECRETS[1]! },
    });
    const relationship = new lib.FailoverRelationship("rel", {
      vendor: "isc",
      primary: server("isc1", "10.231.1.11"),
      secondary: server("isc2", "10.231.1.12"),
      isc: { mclt: 10, split: 128 },
    });
    const membership = new lib.FailoverScopeMembership("member", { relationship, scope: "10.231.11.0/24" });
    await new Promise<void>((resolve) => pulumi.all([relationship.urn, membership.urn]).apply(() => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 100));
  });

  it("serializes a provider that holds none of the secrets", () => {
    expect(registered.map((r) => r.name).sort()).toEqual(["member", "rel"]);
    for (const resource of registered) {
      const provider = String(resource.inputs.__provider);
      expect(provider.length).toBeGreaterThan(100);
      for (const secret of SECRETS) expect(provider).not.toContain(secret);
    }
  });

  it("moves every secret into the one `secrets` input, leaving the rest readable", () => {
    for (const resource of registered) {
      const { secrets, __provider: _p, ...rest } = resource.inputs;
      for (const secret of SECRETS) expect(JSON.stringify(rest)).not.toContain(secret);
      // The engine's wire form of a secret: the special signature key with the secret signature.
      const wrapped = secrets as Record<string, unknown>;
      expect(wrapped[SIG_KEY]).toBe(SECRET_SIG);
      expect(Object.values(wrapped.value as Record<string, string>)).toEqual(expect.arrayContaining(SECRETS));
    }
    const member = registered.find((r) => r.name === "member")!;
    expect(member.inputs.vendor).toBe("isc");
    expect(Object.keys((member.inputs.secrets as { value: object }).value)).toContain("relationship.primary.ssh.privateKey");
    expect((member.inputs.relationship as { name: string }).name).toBe("rel");
  });
});

describe("many resources of one kind", () => {
  it("serialize their provider once, not once per resource", async () => {
    // The SDK caches serialized providers per provider object: a new object per resource would pay the
    // closure serialization (and its share of every preview's time) for every resource.
    const closure = require("@pulumi/pulumi/runtime/closure/serializeClosure") as { serializeFunction: (...args: unknown[]) => unknown };
    const original = closure.serializeFunction;
    let calls = 0;
    closure.serializeFunction = (...args: unknown[]) => {
      calls += 1;
      return original(...args);
    };
    try {
      const ssh = { host: "127.0.0.1", port: 2222, username: "root", hostKeySha256: `SHA256:${"B".repeat(43)}`, privateKey: "key" };
      const relationship = new lib.FailoverRelationship("many", {
        vendor: "isc",
        primary: { name: "isc1", address: "10.231.1.11", ssh },
        secondary: { name: "isc2", address: "10.231.1.12", ssh },
        isc: { mclt: 10, split: 128 },
      });
      const members = Array.from({ length: 5 }, (_, i) => new lib.FailoverScopeMembership(`many-${i}`, { relationship, scope: `10.231.${20 + i}.0/24` }));
      await new Promise<void>((resolve) => pulumi.all(members.map((m) => m.urn)).apply(() => resolve()));
    } finally {
      closure.serializeFunction = original;
    }
    // One relationship and five memberships: one serialization per kind.
    expect(calls).toBeLessThanOrEqual(2);
    expect(providerFor("membership")).toBe(providerFor("membership"));
  });
});
