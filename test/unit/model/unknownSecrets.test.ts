import { describe, expect, it } from "vitest";
import { iscRelationship } from "../../../src/backends/isc/schema";
import { keaRelationship } from "../../../src/backends/kea/schema";
import { windowsRelationship } from "../../../src/backends/windows/schema";
import { splitSecrets } from "../../../src/model/secrets";
import { UNKNOWN } from "../../../src/model/unknown";
import { withUnknownSecrets } from "../../../src/model/unknownSecrets";
import { validate } from "../../../src/model/validate";

const fingerprint = `SHA256:${"A".repeat(43)}`;
const ssh = { host: "127.0.0.1", port: 2222, username: "root", hostKeySha256: fingerprint, privateKey: "KEY" };
const isc = (over: Record<string, unknown> = {}) => ({
  vendor: "isc",
  name: "lab",
  primary: { name: "isc1", address: "10.231.1.11", ssh, omapi: { keyName: "omapi-key", secret: "c2VjcmV0" } },
  secondary: { name: "isc2", address: "10.231.1.12", ssh },
  isc: { mclt: 10, split: 128 },
  ...over,
});
/** What check sees during preview when any argument is unknown: the public part, and `secrets` unknown. */
const previewOf = (spec: unknown) => splitSecrets(spec).public;
const failuresOf = (result: ReturnType<typeof validate>) => (result.ok ? [] : result.failures.map((f) => `${f.property}: ${f.reason}`));

describe("secrets unknown during preview", () => {
  it("makes every secret field the schema allows unknown, and nothing else", () => {
    const marked = withUnknownSecrets(iscRelationship, previewOf(isc())) as ReturnType<typeof isc>;
    expect(marked.primary.ssh).toEqual({ ...ssh, privateKey: UNKNOWN, passphrase: UNKNOWN });
    expect(marked.primary.omapi).toEqual({ keyName: "omapi-key", secret: UNKNOWN });
    expect(marked.secondary).toEqual({ name: "isc2", address: "10.231.1.12", ssh: { ...ssh, privateKey: UNKNOWN, passphrase: UNKNOWN } });
    expect(marked.isc).toEqual({ mclt: 10, split: 128 });
    expect(marked.name).toBe("lab");
  });

  it("turns the missing-secret failures into a partial validation that passes", () => {
    const preview = previewOf(isc());
    // Without the secrets, the relationship is invalid: this is what check reported before.
    expect(failuresOf(validate(iscRelationship, preview))).toContain(
      "primary.ssh: give exactly one of privateKey (a secret), privateKeyPath or agent (true for $SSH_AUTH_SOCK)",
    );
    expect(validate(iscRelationship, withUnknownSecrets(iscRelationship, preview))).toEqual({ ok: true, value: undefined, partial: true });
  });

  it("still reports what is wrong among the known public values", () => {
    const preview = previewOf(isc({ isc: { mclt: -1, split: 128 }, primary: { name: "isc1", address: "10.231.1.11", ssh, omapi: { keyName: "k", secret: "c2VjcmV0", prot: 1 } } }));
    expect(failuresOf(validate(iscRelationship, withUnknownSecrets(iscRelationship, preview))).sort()).toEqual([
      "isc.mclt: must be at least 1",
      'primary.omapi.prot: is not a known property (did you mean "port"?): remove it or fix its spelling',
    ]);
  });

  it("keeps a value the program set, and does not invent a secret where the schema has none", () => {
    const marked = withUnknownSecrets(iscRelationship, { ...(previewOf(isc()) as object), extra: { password: undefined } }) as Record<string, unknown>;
    expect(marked.extra).toEqual({ password: undefined });
    const open = withUnknownSecrets(iscRelationship, isc()) as ReturnType<typeof isc>;
    expect(open.primary.ssh.privateKey).toBe("KEY");
  });

  it("follows arrays (Kea peers) and the union branch the value is in (Windows over SSH)", () => {
    const peer = (name: string, role: string, port: number) => ({
      name,
      role,
      url: `http://10.231.2.${port}:8000/`,
      basicAuthUser: "ha",
      basicAuthPassword: "pw",
      api: { url: `http://10.231.2.${port}:8000/`, username: "admin", password: "pw" },
      configPath: "/etc/kea/kea-dhcp4.conf",
    });
    const kea = { vendor: "kea", name: "kea-lab", peers: [peer("kea1", "primary", 11), peer("kea2", "secondary", 12)], kea: { mode: "load-balancing" } };
    const keaMarked = withUnknownSecrets(keaRelationship, previewOf(kea)) as { peers: Array<Record<string, Record<string, unknown> | string>> };
    expect(keaMarked.peers.map((p) => [p.basicAuthPassword, (p.api as Record<string, unknown>).password])).toEqual([
      [UNKNOWN, UNKNOWN],
      [UNKNOWN, UNKNOWN],
    ]);
    expect(validate(keaRelationship, withUnknownSecrets(keaRelationship, previewOf(kea)))).toMatchObject({ ok: true, partial: true });

    const server = (name: string) => ({ name, computerName: `${name}.lab`, connection: { overSsh: { ssh } } });
    const windows = { vendor: "windows", name: "w", primary: server("dhcp1"), secondary: server("dhcp2"), windows: { mode: "loadBalance", sharedSecret: "S" } };
    const winMarked = withUnknownSecrets(windowsRelationship, previewOf(windows)) as { primary: { connection: { overSsh: { ssh: Record<string, unknown> } } }; windows: Record<string, unknown> };
    expect(winMarked.primary.connection.overSsh.ssh.privateKey).toBe(UNKNOWN);
    expect(winMarked.windows.sharedSecret).toBe(UNKNOWN);
    expect(failuresOf(validate(windowsRelationship, previewOf(windows)))).not.toEqual([]);
    expect(validate(windowsRelationship, withUnknownSecrets(windowsRelationship, previewOf(windows)))).toMatchObject({ ok: true, partial: true });
  });
});
