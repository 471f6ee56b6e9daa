import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isConnectionSecret, knownSecrets, mergeSecrets, splitSecrets } from "../../../src/model/secrets";
import { UNKNOWN } from "../../../src/model/unknown";

describe("secrets", () => {
  it("moves every secret field out, wherever it is nested, and puts it back", () => {
    const args = {
      primary: { ssh: { host: "h", privateKey: "K1" } },
      peers: [{ name: "a", basicAuthPassword: "P0" }, { name: "b" }],
      windows: { sharedSecret: "S" },
    };
    const split = splitSecrets(args);
    expect(split.secrets).toEqual({ "primary.ssh.privateKey": "K1", "peers.0.basicAuthPassword": "P0", "windows.sharedSecret": "S" });
    expect(JSON.stringify(split.public)).not.toMatch(/K1|P0|"S"/);
    expect(mergeSecrets(split.public, split.secrets)).toEqual(args);
  });

  it("round-trips any JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const split = splitSecrets(value);
        // As JSON on both sides: the wire has no -0, which jsonValue() generates and toEqual tells from 0.
        const asJson = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;
        expect(asJson(mergeSecrets(split.public, split.secrets))).toEqual(asJson(value));
      }),
    );
  });

  it("skips a secret whose enclosing value is gone instead of writing it elsewhere", () => {
    expect(mergeSecrets({ primary: "unknown" }, { "primary.ssh.privateKey": "K" })).toEqual({ primary: "unknown" });
  });

  it("reads no secret out of an unknown `secrets` input, instead of one per character of the sentinel", () => {
    expect(knownSecrets(UNKNOWN)).toEqual({});
    expect(knownSecrets(undefined)).toEqual({});
    expect(knownSecrets({ "primary.ssh.privateKey": "K", "peers.0.basicAuthPassword": UNKNOWN, odd: 3 })).toEqual({ "primary.ssh.privateKey": "K" });
    expect(mergeSecrets({ name: "r", primary: { ssh: {} } }, knownSecrets(UNKNOWN))).toEqual({ name: "r", primary: { ssh: {} } });
  });

  it("keeps connection secrets, hashes the rest", () => {
    expect(isConnectionSecret("primary.ssh.privateKey")).toBe(true);
    expect(isConnectionSecret("peers.1.api.password")).toBe(true);
    expect(isConnectionSecret("windows.sharedSecret")).toBe(false);
    expect(isConnectionSecret("peers.1.basicAuthPassword")).toBe(false);
  });
});
