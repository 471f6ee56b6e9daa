// Check and diff as the engine calls them during preview, against the real vendor schemas: when any
// argument is unknown, the engine sends the whole `secrets` input as the unknown sentinel.
import * as net from "node:net";
import { utils } from "ssh2";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { iscBackend } from "../../../src/backends/isc";
import { iscRelationship } from "../../../src/backends/isc/schema";
import { keaBackend } from "../../../src/backends/kea";
import { useBackend } from "../../../src/backends/registry";
import { splitSecrets } from "../../../src/model/secrets";
import { STATE_VERSION } from "../../../src/model/state";
import { UNKNOWN } from "../../../src/model/unknown";
import { membershipHandlers } from "../../../src/provider/membership";
import { relationshipHandlers } from "../../../src/provider/relationship";
import { storeSecrets } from "../../../src/provider/storedState";

const fingerprint = `SHA256:${"A".repeat(43)}`;
const ssh = { host: "127.0.0.1", port: 2222, username: "root", hostKeySha256: fingerprint, privateKey: "PRIVATE-KEY-TEXT" };
const server = (name: string, address: string) => ({ name, address, configPath: "/etc/dhcp/dhcpd.conf", ssh, omapi: { keyName: "omapi-key", secret: "c2VjcmV0" } });
const isc = (over: Record<string, unknown> = {}) => ({
  vendor: "isc",
  name: "lab-isc",
  primary: server("isc1", "10.231.1.11"),
  secondary: server("isc2", "10.231.1.12"),
  isc: { mclt: 10, split: 128 },
  ...over,
});
/** The wire inputs as the engine sends them: public values, and `secrets` as given (unknown during preview). */
const wire = (spec: Record<string, unknown>, secrets: unknown) => ({ ...splitSecrets(spec).public, secrets, __provider: "PROVIDER-TEXT" });

const keaPeer = (name: string, role: string, last: number) => ({
  name,
  role,
  api: { url: `http://10.231.2.${last}:8000/`, username: "admin", password: "pw" },
  configPath: "/etc/kea/kea-dhcp4.conf",
});
const keaMember = (over: Record<string, unknown> = {}) => ({
  vendor: "kea",
  relationship: { vendor: "kea", name: "kea-lab", mode: "load-balancing", peers: [keaPeer("kea1", "primary", 11), keaPeer("kea2", "secondary", 12)] },
  scope: "10.231.2.0/24",
  ...over,
});

describe("check and diff with unknown secrets (preview)", () => {
  beforeEach(() => {
    // The real backends, loaded the way the compiled registry loads them (its lazy require sees no TypeScript).
    useBackend("isc", iscBackend);
    useBackend("kea", keaBackend);
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  });
  afterEach(() => {
    useBackend("isc", undefined);
    useBackend("kea", undefined);
    vi.restoreAllMocks();
  });

  it("passes a relationship whose secrets are unknown because another argument is", async () => {
    const news = wire(isc({ name: UNKNOWN }), UNKNOWN);
    expect(await relationshipHandlers.check({}, news)).toEqual({ inputs: news });
    // Everything known except the secrets: still a partial validation that passes.
    expect(await relationshipHandlers.check({}, wire(isc(), UNKNOWN))).toEqual({ inputs: wire(isc(), UNKNOWN) });
  });

  it("passes a membership whose secrets are unknown", async () => {
    const news = wire(keaMember({ scope: UNKNOWN }), UNKNOWN);
    expect(await membershipHandlers.check({}, news)).toEqual({ inputs: news });
  });

  it("still reports a wrong public value, once, with its path, while the secrets are unknown", async () => {
    const result = await relationshipHandlers.check({}, wire(isc({ name: UNKNOWN, isc: { mclt: 0, split: 128 } }), UNKNOWN));
    expect(result.failures).toEqual([{ property: "", reason: "isc.mclt: must be at least 1" }]);
  });

  it("validates fully once the secrets are known: a missing private key is refused", async () => {
    const spec = isc();
    const { secrets } = splitSecrets(spec);
    delete secrets["primary.ssh.privateKey"];
    const result = await relationshipHandlers.check({}, { ...wire(spec, secrets), isc: { mclt: 0, split: 128 } });
    expect(result.failures).toEqual([
      { property: "", reason: "primary.ssh: give exactly one of privateKey (a secret), privateKeyPath or agent (true for $SSH_AUTH_SOCK)" },
      { property: "", reason: "isc.mclt: must be at least 1" },
    ]);
  });

  it("diff of a created relationship with unknown news reports a change without reading any server", async () => {
    const parsed = iscRelationship.parse(isc());
    const stored = storeSecrets(parsed);
    const olds = { ...stored.spec, stateVersion: STATE_VERSION, secrets: stored.secrets, secretHashes: stored.secretHashes, target: {}, summary: {}, status: {}, warnings: [] };
    expect(await relationshipHandlers.diff("isc:lab-isc", olds, wire(isc({ isc: { mclt: UNKNOWN, split: 128 } }), UNKNOWN))).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect((await relationshipHandlers.diff("isc:lab-isc", olds, wire(isc({ name: UNKNOWN }), UNKNOWN))).replaces).toEqual(["name"]);
  });
});

describe("check when a server cannot be read", () => {
  let closedPort: number;
  beforeEach(async () => {
    useBackend("isc", iscBackend);
    useBackend("kea", keaBackend);
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    // A port that was just free: connecting to it is refused.
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    closedPort = (probe.address() as net.AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
  });
  afterEach(() => {
    useBackend("isc", undefined);
    useBackend("kea", undefined);
    vi.restoreAllMocks();
  });

  it("fails an ISC relationship whose server refuses SSH, naming the server and the cause, instead of passing with a warning", async () => {
    const refused = { ...ssh, port: closedPort, privateKey: utils.generateKeyPairSync("ed25519").private };
    const spec = isc({ primary: { ...server("isc1", "10.231.1.11"), ssh: refused }, secondary: { ...server("isc2", "10.231.1.12"), ssh: refused } });
    const splits = splitSecrets(spec);
    const result = await relationshipHandlers.check({}, wire(spec, splits.secrets));
    expect(result.failures).toHaveLength(1);
    expect(result.failures![0]!.reason).toMatch(/cannot read the servers to check this program against them: isc1: .*127\.0\.0\.1:\d+.*ECONNREFUSED/);
    expect(result.failures![0]!.reason).toMatch(/Fix the connection .* then run the command again/);
  });

  it("refuses a scope that two memberships of the program put into two relationships, naming both", async () => {
    const peers = [keaPeer("kea1", "primary", 11), keaPeer("kea2", "secondary", 12)].map((p, i) => ({ ...p, api: { ...p.api, url: `http://127.0.${11 + i}.1:${closedPort}/` } }));
    const member = (relationship: string) => {
      const spec = keaMember({ relationship: { ...keaMember().relationship, name: relationship, peers } });
      return wire(spec, splitSecrets(spec).secrets);
    };
    const first = await membershipHandlers.check({}, member("campus"));
    expect(first.failures?.map((f) => f.reason).join("\n")).not.toMatch(/claimed/);
    // The same resource checked again (preview, then up) is not a second claim.
    expect((await membershipHandlers.check({}, member("campus"))).failures?.map((f) => f.reason).join("\n")).not.toMatch(/claimed/);
    const second = await membershipHandlers.check({}, member("branch"));
    expect(second.failures).toEqual([
      {
        property: "",
        reason:
          'scope: 10.231.2.0/24 is claimed on the same servers by both FailoverScopeMembership "campus/10.231.2.0/24" and FailoverScopeMembership "branch/10.231.2.0/24": ' +
          "a scope belongs to one relationship. Keep one of the two memberships.",
      },
    ]);
  });

  it("fails a Kea relationship whose control API refuses the connection, naming the peer", async () => {
    const peer = (name: string, role: string, last: number) => ({
      ...keaPeer(name, role, last),
      url: `http://10.231.2.${last}:8001/`,
      api: { url: `http://127.0.${last}.1:${closedPort}/`, username: "admin", password: "pw" },
    });
    const spec = { vendor: "kea", name: "kea-lab", kea: { mode: "load-balancing" }, peers: [peer("kea1", "primary", 11), peer("kea2", "secondary", 12)] };
    const result = await relationshipHandlers.check({}, wire(spec, splitSecrets(spec).secrets));
    expect(result.failures?.map((f) => f.reason)).toEqual([
      expect.stringMatching(/^peers\[0\]\.api: cannot read the servers to check this program against them: .*kea1.*refused the connection/),
      expect.stringMatching(/^peers\[1\]\.api: cannot read the servers to check this program against them: .*kea2.*refused the connection/),
    ]);
    expect(JSON.stringify(result.failures)).not.toContain("pw");
  });
});
