// The Kea preflight's rule: which commands a change uses, and what a refusal or a missing command says.
import { describe, expect, it } from "vitest";
import { keaMissingPermissions, keaRequiredCommands, parseCommandList } from "../../../src/backends/kea/permissions";

const api = { server: "kea1", url: "http://10.0.0.1:8000/", username: "ops" };
const all = ["build-report", "config-get", "config-set", "config-test", "config-write", "list-commands", "status-get", "version-get"];

describe("what a Kea change needs", () => {
  it("uses the config commands and status-get, config-test only where it is safe, and no HA or lease command", () => {
    expect(keaRequiredCommands({ configTest: true })).toEqual(["version-get", "config-get", "config-test", "config-set", "config-write", "status-get"]);
    expect(keaRequiredCommands({ configTest: false })).not.toContain("config-test");
    expect(keaRequiredCommands({ configTest: true }).filter((c) => c.startsWith("ha-") || c.startsWith("lease"))).toEqual([]);
  });

  it("needs nothing more from a server that accepts them all (a fresh server without the HA hooks included)", () => {
    expect(keaMissingPermissions(api, { kind: "commands", commands: all }, keaRequiredCommands({ configTest: true }))).toEqual([]);
  });

  it("names each missing command, the server and the user", () => {
    const commands = all.filter((c) => c !== "config-write" && c !== "config-set");
    expect(keaMissingPermissions(api, { kind: "commands", commands }, keaRequiredCommands({ configTest: true }))).toEqual([
      { server: "kea1", permission: "run config-set", grant: 'the dhcp4 server behind http://10.0.0.1:8000/ does not list it for the API user "ops" (list-commands): allow it for that user (an RBAC role), or reach a Kea that has it' },
      { server: "kea1", permission: "run config-write", grant: 'the dhcp4 server behind http://10.0.0.1:8000/ does not list it for the API user "ops" (list-commands): allow it for that user (an RBAC role), or reach a Kea that has it' },
    ]);
  });

  it("calls HTTP 401 and 403 permission failures, naming the user and never a password", () => {
    const [rejected] = keaMissingPermissions(api, { kind: "refused", status: 401 }, keaRequiredCommands({ configTest: true }));
    expect(rejected).toEqual({
      server: "kea1",
      permission: "use the control API",
      grant: 'http://10.0.0.1:8000/ did not accept the API user "ops" (HTTP 401): add it to the Control Agent\'s basic-auth clients (authentication.clients), or check api.username and api.password',
    });
    const [forbidden] = keaMissingPermissions(api, { kind: "refused", status: 403 }, ["config-get"]);
    expect(forbidden!.grant).toBe('http://10.0.0.1:8000/ authenticated the API user "ops" but refused list-commands (HTTP 403): give it a role that may run list-commands and config-get');
    const [anonymous] = keaMissingPermissions({ ...api, username: undefined }, { kind: "refused", status: 401 }, ["config-get"]);
    expect(anonymous!.grant).toContain("no API user (api.username is not set)");
  });

  it("reads list-commands' answer and refuses anything else", () => {
    expect(parseCommandList("kea1", ["config-get", "list-commands"])).toEqual(["config-get", "list-commands"]);
    expect(() => parseCommandList("kea1", { commands: [] })).toThrow(/^kea1: list-commands returned \{"commands":\[\]\}, not a list of command names/);
  });
});
