import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keaBackend } from "../../../src/backends/kea/index.ts";
import { useBackend } from "../../../src/backends/registry.ts";
import { relationshipsFromExport } from "../../../src/cli/deployment.ts";
import { parseRelationship } from "../../../src/cli/liveView.ts";
import { storeSecrets } from "../../../src/provider/storedState.ts";
import { relationship } from "../kea/fixtures.ts";

const SIG = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };
const shown = (value: unknown) => ({ ...SIG, plaintext: JSON.stringify(value) });
const encrypted = { ...SIG, ciphertext: "v1:abc" };

/** A FailoverRelationship's outputs as the handlers write them, secrets exported as `--show-secrets` shows them. */
function relationshipResource(name: string, secretsAs: (value: unknown) => unknown = shown) {
  const spec = relationship("load-balancing", { name });
  const { spec: publicSpec, secrets, secretHashes } = storeSecrets(spec);
  return {
    urn: `urn:pulumi:prod::net::pulumi-nodejs:dynamic:Resource::${name}`,
    custom: true,
    type: "pulumi-nodejs:dynamic:Resource",
    outputs: {
      ...publicSpec,
      target: { vendor: "kea", name },
      summary: { mode: "load-balancing", primary: "kea1", secondary: "kea2" },
      status: {},
      stateVersion: 1,
      secrets: secretsAs(secrets),
      secretHashes: secretsAs(secretHashes),
      warnings: [],
      __provider: "exports.handler = ...",
    },
  };
}

const membership = {
  urn: "urn:pulumi:prod::net::pulumi-nodejs:dynamic:Resource::member",
  custom: true,
  type: "pulumi-nodejs:dynamic:Resource",
  outputs: { vendor: "kea", scope: "10.231.2.0/24", status: {}, stateVersion: 1 },
};

const stackExport = (resources: unknown[]) => ({ version: 3, deployment: { manifest: {}, resources } });

describe("relationships read from a stack export", () => {
  // The registry's lazy CommonJS require does not run under vitest's ESM loader.
  beforeAll(() => useBackend("kea", keaBackend));
  afterAll(() => useBackend("kea", undefined));

  it("finds each FailoverRelationship with its connection secrets, ready for its vendor's schema", () => {
    const found = relationshipsFromExport(
      stackExport([{ urn: "urn:pulumi:prod::net::pulumi:pulumi:Stack::net-prod", type: "pulumi:pulumi:Stack" }, relationshipResource("branch"), membership]),
    );
    expect(found.map((r) => r.urn)).toEqual(["urn:pulumi:prod::net::pulumi-nodejs:dynamic:Resource::branch"]);
    const [branch] = found;
    expect(branch!.spec).not.toHaveProperty("__provider");
    expect(branch!.spec).not.toHaveProperty("summary");
    const parsed = parseRelationship(branch!.spec, branch!.urn);
    expect(parsed.spec).toMatchObject({ name: "branch", peers: [{ api: { password: "password-of-kea1" } }, { api: { password: "password-of-kea2" } }] });
    expect(parsed.backend.vendor).toBe("kea");
  });

  it("leaves out resources pending deletion", () => {
    expect(relationshipsFromExport(stackExport([{ ...relationshipResource("old"), delete: true }]))).toEqual([]);
  });

  it("asks for --show-secrets when the secrets are still encrypted", () => {
    expect(() => relationshipsFromExport(stackExport([relationshipResource("branch", () => encrypted)]))).toThrow(
      /::branch holds an encrypted secret: export the stack with --show-secrets/,
    );
  });

  it("refuses what is not a stack export, and state this library never wrote", () => {
    expect(() => relationshipsFromExport({ resources: [] })).toThrow(/not a `pulumi stack export` document/);
    const damaged = relationshipResource("branch");
    damaged.outputs.stateVersion = 99;
    expect(() => relationshipsFromExport(stackExport([damaged]))).toThrow(/written by a newer pulumi-dhcp-failover \(state format 99/);
  });

  it("names the resource and the property when a stored spec does not validate", () => {
    const broken = relationshipResource("branch");
    (broken.outputs as Record<string, unknown>).kea = { mode: "round-robin" };
    const [found] = relationshipsFromExport(stackExport([broken]));
    expect(() => parseRelationship(found!.spec, found!.urn)).toThrow(/::branch: not a valid kea relationship:\nkea\.mode: /);
  });
});
