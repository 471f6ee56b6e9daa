import { describe, expect, it } from "vitest";
import { KeaAccessError, KeaCommandError, commandRequest, parseAnswer } from "../../../src/backends/kea/controlApi";
import { secretsIn } from "../../../src/backends/kea/redact";
import type { KeaServer } from "../../../src/backends/kea/server";
import { expectedState, serverStatus, waitForStates } from "../../../src/backends/kea/status";
import { haFeatures, parseVersion } from "../../../src/backends/kea/version";

describe("parseAnswer", () => {
  it("takes the Control Agent's list and a daemon's single object alike", () => {
    expect(parseAnswer("kea1", "version-get", 200, '[{"result":0,"text":"2.2.0","arguments":{"extended":"x"}}]')).toEqual({ result: 0, text: "2.2.0", arguments: { extended: "x" } });
    expect(parseAnswer("kea1", "version-get", 200, '{"result":0,"text":"3.0.1"}')).toEqual({ result: 0, text: "3.0.1" });
    expect(parseAnswer("kea1", "config-set", 200, '[{"result":1,"text":"One or more hook libraries failed to load"}]').result).toBe(1);
  });

  it("explains what is wrong: credentials, not JSON, not a Kea answer, other HTTP errors", () => {
    expect(() => parseAnswer("kea1", "config-get", 401, "")).toThrow(/kea1: "config-get" was refused with HTTP 401.*check api\.username and api\.password/);
    expect(() => parseAnswer("kea1", "config-get", 200, "<html>")).toThrow(/not JSON.*Kea Control Agent or a Kea HTTP control socket/);
    expect(() => parseAnswer("kea1", "config-get", 200, '{"status":"ok"}')).toThrow(/not a Kea answer/);
    expect(() => parseAnswer("kea1", "config-get", 500, "boom")).toThrow(/HTTP 500: boom/);
  });
});

describe("the request and answer shapes of the Control Agent (2.x) and of kea-dhcp4's HTTP control socket (3.x)", () => {
  it("names the dhcp4 service in every command: the agent forwards only what names it, the 3.x daemon accepts its own name", () => {
    expect(commandRequest("config-get")).toEqual({ command: "config-get", service: ["dhcp4"] });
    expect(commandRequest("config-set", { Dhcp4: {} })).toEqual({ command: "config-set", service: ["dhcp4"], arguments: { Dhcp4: {} } });
    expect(JSON.stringify(commandRequest("status-get"))).toBe('{"command":"status-get","service":["dhcp4"]}');
  });

  it("reads the agent's list, the 3.x daemon's list (agent emulation, its default) and its bare object", () => {
    const agent = '[{"result":0,"text":"2.2.0"}]';
    const daemonEmulating = '[ { "arguments": { "pid": 7 }, "result": 0 } ]';
    const daemonBare = '{ "arguments": { "pid": 7 }, "result": 0 }';
    expect(parseAnswer("kea1", "version-get", 200, agent)).toEqual({ result: 0, text: "2.2.0" });
    expect(parseAnswer("kea1", "status-get", 200, daemonEmulating)).toEqual({ result: 0, arguments: { pid: 7 } });
    expect(parseAnswer("kea1", "status-get", 200, daemonBare)).toEqual({ result: 0, arguments: { pid: 7 } });
  });

  it("refuses an answer for more (or fewer) services than the one asked for", () => {
    expect(() => parseAnswer("kea1", "status-get", 200, '[{"result":0},{"result":0}]')).toThrow(/holds 2 answers for the one service asked for \(dhcp4\)/);
    expect(() => parseAnswer("kea1", "status-get", 200, "[]")).toThrow(/not a Kea answer/);
  });

  it("treats a whole-request rejection (one map with result 401 or 403) as an access failure", () => {
    const error = (() => {
      try {
        parseAnswer("kea1", "config-set", 200, '{"result":403,"text":"Forbidden"}');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(KeaAccessError);
    expect((error as KeaAccessError).status).toBe(403);
    expect((error as Error).message).toMatch(/kea1: "config-set" was refused \(result 403: Forbidden\)/);
  });

  it("says what to fix when the command reached another daemon or the agent cannot forward it", () => {
    const wrongDaemon = parseAnswer("kea1", "config-get", 200, `[{"result":1,"text":"unsupported service 'dhcp4', expected 'dhcp6'"}]`);
    expect(wrongDaemon.result).toBe(1);
    expect(new KeaCommandError("kea1", "config-get", wrongDaemon.result, wrongDaemon.text!).message).toBe(
      `kea1: Kea refused "config-get" (result 1: unsupported service 'dhcp4', expected 'dhcp6'): api.url reaches a Kea 3.x daemon that is not kea-dhcp4: point it at kea-dhcp4's HTTP control socket (or at a Control Agent)`,
    );
    const offline = "Unable to forward command to the dhcp4 service: No such file or directory. The server is likely to be offline";
    expect(new KeaCommandError("kea1", "status-get", 1, offline).message).toMatch(/cannot reach kea-dhcp4: check that kea-dhcp4 runs and that the agent's control-sockets has a "dhcp4" entry/);
    expect(new KeaCommandError("kea1", "config-set", 1, "hook library failed").message).toBe('kea1: Kea refused "config-set" (result 1: hook library failed)');
  });
});

describe("serverStatus", () => {
  const kea22 = {
    "high-availability": [
      {
        "ha-mode": "load-balancing",
        "ha-servers": {
          local: { role: "primary", scopes: ["kea1"], state: "load-balancing" },
          remote: { age: 1, "in-touch": true, "last-scopes": ["kea2"], "last-state": "load-balancing", role: "secondary", "unacked-clients": 0, "communication-interrupted": false, "connecting-clients": 0 },
        },
      },
    ],
  };

  it("reads Kea 2.2's one unnamed relationship", () => {
    expect(serverStatus(kea22, "kea1")).toEqual({
      state: "load-balancing",
      partnerState: "load-balancing",
      details: { mode: "load-balancing", role: "primary", scopes: ["kea1"], partnerHeartbeatAgeSeconds: 1, inTouch: true, communicationInterrupted: false, unackedClients: 0, connectingClients: 0 },
    });
  });

  it("picks the named relationship on a 2.6 hub, and says when HA is not running", () => {
    const hub = {
      "high-availability": [
        { "ha-mode": "hot-standby", "ha-servers": { local: { "server-name": "hub-a", state: "hot-standby" }, remote: { "last-state": "hot-standby" } } },
        { "ha-mode": "hot-standby", "ha-servers": { local: { "server-name": "hub-b", state: "partner-down" }, remote: { "last-state": "" } } },
      ],
    };
    expect(serverStatus(hub, "hub-b")).toMatchObject({ state: "partner-down" });
    expect(serverStatus(hub, "hub-b").partnerState).toBeUndefined();
    expect(serverStatus({ pid: 1 }, "kea1")).toEqual({ state: "not-running", error: "the HA hook is not loaded on this server" });
    expect(serverStatus(hub, "hub-c").error).toMatch(/no relationship names it hub-c/);
  });

  it("knows the state each role settles in", () => {
    expect(expectedState("load-balancing", "secondary")).toBe("load-balancing");
    expect(expectedState("hot-standby", "standby")).toBe("hot-standby");
    expect(expectedState("passive-backup", "primary")).toBe("passive-backup");
    expect(expectedState("load-balancing", "backup")).toBe("backup");
  });
});

describe("secretsIn", () => {
  it("finds every password config-get returns, at any depth, but not file names", () => {
    const config = {
      Dhcp4: {
        "lease-database": { type: "mysql", password: "db-pass" },
        "hooks-libraries": [{ parameters: { "high-availability": [{ peers: [{ "basic-auth-password": "peer-pass", "basic-auth-password-file": "/etc/kea/pw" }] }] } }],
      },
    };
    expect(secretsIn(config).sort()).toEqual(["db-pass", "peer-pass"]);
  });
});

describe("versions", () => {
  it("reads Kea's version and what it supports", () => {
    expect(parseVersion("2.2.0\ntarball")).toMatchObject({ major: 2, minor: 2, patch: 0, text: "2.2.0" });
    expect(() => parseVersion("unknown")).toThrow(/cannot read Kea's version/);
    expect(haFeatures(parseVersion("2.2.0"))).toMatchObject({ supported: true, severalRelationships: false, maxRejectedLeaseUpdates: false, multiThreadingDefault: false });
    expect(haFeatures(parseVersion("2.6.0"))).toMatchObject({ severalRelationships: true, maxRejectedLeaseUpdates: true, multiThreadingDefault: true, listenerBug: true });
    expect(haFeatures(parseVersion("3.0.4"))).toMatchObject({ listenerBug: false, restrictCommandsDefault: true });
    expect(haFeatures(parseVersion("2.0.3")).supported).toBe(false);
    expect(haFeatures(parseVersion("2.2.0"))).toMatchObject({ dhcpMultiThreadingDefault: false, poolClientClasses: false, confinedPaths: false, listenerBug: true });
    expect(haFeatures(parseVersion("2.6.3"))).toMatchObject({ dhcpMultiThreadingDefault: true, poolClientClasses: false, confinedPaths: true });
    expect(haFeatures(parseVersion("3.0.4"))).toMatchObject({ poolClientClasses: true, confinedPaths: true, multiThreadingDefault: true });
    expect(haFeatures(parseVersion("3.1.2")).listenerBug).toBe(true);
    expect(haFeatures(parseVersion("3.1.3")).listenerBug).toBe(false);
  });
});

describe("waitForStates", () => {
  const answering = (states: Array<[string, string]>) => {
    let call = 0;
    return {
      statusSince: async () => {
        const [state, partner] = states[Math.min(call++, states.length - 1)]!;
        return { "high-availability": [{ "ha-mode": "hot-standby", "ha-servers": { local: { state }, remote: { "last-state": partner } } }] };
      },
    } as unknown as KeaServer;
  };

  it("waits until both peers are in their state and each has heard its partner in the partner's", async () => {
    const kea1 = answering([["waiting", ""], ["hot-standby", "ready"], ["hot-standby", "hot-standby"]]);
    const kea2 = answering([["hot-standby", "hot-standby"]]);
    const { status, warnings } = await waitForStates(
      [
        { server: kea1, name: "kea1", expected: "hot-standby" },
        { server: kea2, name: "kea2", expected: "hot-standby" },
      ],
      5,
      "hint",
      5,
    );
    expect(warnings).toEqual([]);
    expect(status.kea1).toMatchObject({ state: "hot-standby", partnerState: "hot-standby" });
  });

  it("gives up after the time given, saying which peer lags and how", async () => {
    const { warnings } = await waitForStates(
      [
        { server: answering([["partner-in-maintenance", "hot-standby"]]), name: "kea1", expected: "partner-in-maintenance" },
        { server: answering([["syncing", ""]]), name: "kea2", expected: "in-maintenance" },
      ],
      0.05,
      "Check the peers.",
      5,
    );
    expect(warnings).toEqual(["after 0.05 s, kea1 last heard its partner in hot-standby (expected in-maintenance); kea2 is syncing (expected in-maintenance). Check the peers."]);
  });
});
