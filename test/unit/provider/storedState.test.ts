import { describe, expect, it } from "vitest";
import { STATE_VERSION } from "../../../src/model/state";
import { Redactor } from "../../../src/provider/redactor";
import { UNKNOWN } from "../../../src/model/unknown";
import { changedSecrets, readStoredState, specFromInputs, storeSecrets } from "../../../src/provider/storedState";

describe("stored state", () => {
  const spec = { name: "r", primary: { ssh: { privateKey: "PRIVATE-KEY" } }, windows: { sharedSecret: "hunter22" } };

  it("keeps connection secrets, and only a salted hash of the others", () => {
    const stored = storeSecrets(spec);
    expect(stored.secrets).toEqual({ "primary.ssh.privateKey": "PRIVATE-KEY" });
    expect(Object.keys(stored.secretHashes)).toEqual(["windows.sharedSecret"]);
    expect(JSON.stringify(stored)).not.toContain("hunter22");
    expect(storeSecrets(spec).secretHashes["windows.sharedSecret"]).not.toEqual(stored.secretHashes["windows.sharedSecret"]);
  });

  it("notices a changed, added or removed secret through the hash", () => {
    const stored = storeSecrets(spec);
    const state = readStoredState({ ...stored.spec, stateVersion: STATE_VERSION, secrets: stored.secrets, secretHashes: stored.secretHashes }, []);
    expect(changedSecrets(state, { "primary.ssh.privateKey": "PRIVATE-KEY", "windows.sharedSecret": "hunter22" })).toEqual([]);
    expect(changedSecrets(state, { "primary.ssh.privateKey": "PRIVATE-KEY", "windows.sharedSecret": "hunter23" })).toEqual(["windows.sharedSecret"]);
    expect(changedSecrets(state, { "primary.ssh.privateKey": "OTHER" })).toEqual(["primary.ssh.privateKey", "windows.sharedSecret"]);
  });

  it("rebuilds the spec from wire inputs: known secrets back in place, an unknown `secrets` adds nothing", () => {
    const wire = { name: "r", primary: { ssh: {} }, windows: {}, stateVersion: 1, __provider: "P" };
    expect(specFromInputs({ ...wire, secrets: { "primary.ssh.privateKey": "PRIVATE-KEY", "windows.sharedSecret": "hunter22" } })).toEqual(spec);
    expect(specFromInputs({ ...wire, secrets: UNKNOWN })).toEqual({ name: "r", primary: { ssh: {} }, windows: {} });
  });

  it("refuses state from a newer release and from no release, with what to do", () => {
    expect(() => readStoredState({ stateVersion: STATE_VERSION + 1 }, [])).toThrow(/upgrade the package/);
    expect(() => readStoredState({}, [])).toThrow(/damaged/);
  });
});

describe("Redactor", () => {
  it("blanks every remembered secret and its base64 form out of any text", () => {
    const redactor = new Redactor();
    redactor.remember(["s3cret-value", "ab"]);
    const b64 = Buffer.from("s3cret-value").toString("base64");
    expect(redactor.redact(`auth s3cret-value and ${b64}, ab stays`)).toBe("auth [secret] and [secret], ab stays");
  });
});
