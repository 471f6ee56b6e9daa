// Inputs that would put a secret in plain sight or a second command on a server (issue 12 items 5, 6, 9):
// credentials in a Kea URL are refused naming the property and the fix, basic auth over plain http is
// warned naming the property, and the dhcpd command is held to the rules of every other command word.
import { describe, expect, it } from "vitest";
import { plainHttpCredentialWarnings } from "../../../src/backends/kea/plainHttp";
import { keaRelationship } from "../../../src/backends/kea/schema";
import { iscServer } from "../../../src/backends/isc/schema";
import { validate } from "../../../src/model/validate";
import { peer, relationship, relationshipInput } from "../kea/fixtures";

const reasons = (result: ReturnType<typeof validate>) => (result.ok ? [] : result.failures.map((f) => `${f.property}: ${f.reason}`));

describe("Kea URLs with credentials", () => {
  it("api.url with user:password@ is refused, naming api.url and api.username/api.password", () => {
    const input = relationshipInput("load-balancing", {
      peers: [peer("kea1", "10.231.2.11", "primary", { api: { url: "http://admin:pw@10.231.2.11:8000/" } }), peer("kea2", "10.231.2.12", "secondary")],
    });
    const failures = reasons(validate(keaRelationship, input));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/^peers\[0\]\.api\.url: must not carry credentials \(user:password@\).*give them as api\.username and api\.password, which are kept secret$/);
    expect(failures[0]).not.toContain("pw@");
  });

  it("a peer url with credentials is refused too, pointing at basicAuthUser/basicAuthPassword", () => {
    const input = relationshipInput("load-balancing", {
      peers: [peer("kea1", "10.231.2.11", "primary", { url: "http://u:p@10.231.2.11:8000/" }), peer("kea2", "10.231.2.12", "secondary")],
    });
    expect(reasons(validate(keaRelationship, input))).toEqual([
      "peers[0].url: must not carry credentials (user:password@): give them as basicAuthUser and basicAuthPassword, which are kept secret",
    ]);
  });
});

describe("basic auth over plain http", () => {
  it("is warned for the control API and for the HA peers, naming each property", () => {
    const warnings = plainHttpCredentialWarnings(relationship());
    expect(warnings).toHaveLength(4);
    expect(warnings[0]).toMatch(/^peers\[0\]\.api\.url: kea1's control API is reached over plain http with basic auth \(peers\[0\]\.api\.username, peers\[0\]\.api\.password\)/);
    expect(warnings[1]).toMatch(/^peers\[0\]\.url: the other peers send peers\[0\]\.basicAuthUser and peers\[0\]\.basicAuthPassword to kea1 over plain http/);
    expect(warnings.join("\n")).not.toContain("password-of-");
  });

  it("is not warned over https nor without credentials", () => {
    const tls = { trustAnchor: "/etc/kea/ca.pem", certFile: "/etc/kea/c.pem", keyFile: "/etc/kea/k.pem" };
    const https = (name: string, address: string, role: string) =>
      peer(name, address, role, { url: `https://${address}:8001/`, api: { url: `https://${address}:8000/`, username: "u", password: "p" }, tls });
    expect(plainHttpCredentialWarnings(relationship("load-balancing", { peers: [https("kea1", "10.231.2.11", "primary"), https("kea2", "10.231.2.12", "secondary")] }))).toEqual([]);
    const bare = (name: string, address: string, role: string) => {
      const { basicAuthUser: _u, basicAuthPassword: _p, ...rest } = peer(name, address, role, { api: { url: `http://${address}:8000/` } });
      return rest;
    };
    expect(plainHttpCredentialWarnings(relationship("load-balancing", { peers: [bare("kea1", "10.231.2.11", "primary"), bare("kea2", "10.231.2.12", "secondary")] }))).toEqual([]);
  });
});

describe("the dhcpd command", () => {
  const server = (dhcpd: string) => ({
    name: "dhcp1",
    address: "192.0.2.11",
    ssh: { host: "127.0.0.1", port: 22, username: "root", hostKeySha256: `SHA256:${"A".repeat(43)}`, privateKey: "k" },
    dhcpd,
  });

  it("is refused with a newline, a NUL, or beyond 4096 characters, like every command word", () => {
    expect(reasons(validate(iscServer, server("/usr/sbin/dhcpd\nreboot")))).toEqual(["dhcpd: must not contain newlines or NUL characters"]);
    expect(reasons(validate(iscServer, server("/usr/sbin/dhcpd\0x")))).toEqual(["dhcpd: must not contain newlines or NUL characters"]);
    expect(reasons(validate(iscServer, server(`/${"a".repeat(10_000)}`)))).toEqual(["dhcpd: must be at most 4096 characters"]);
    expect(reasons(validate(iscServer, { ...server("dhcpd"), restart: ["systemctl", "x".repeat(5000)] }))).toEqual(["restart[1]: must be at most 4096 characters"]);
    expect(validate(iscServer, server("/usr/sbin/dhcpd")).ok).toBe(true);
  });
});
