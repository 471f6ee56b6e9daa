import { describe, expect, it } from "vitest";
import { omshellScript, parseOmshell, statusFrom } from "../../../src/backends/isc/omapi";
import { iscServer } from "../../../src/backends/isc/schema";

const server = iscServer.parse({
  name: "isc1",
  address: "10.231.1.11",
  ssh: { host: "127.0.0.1", username: "root", hostKeySha256: `SHA256:${"A".repeat(43)}`, agent: true },
  omapi: { keyName: "omapi_key", secret: "c2VjcmV0" },
});

// What omshell 4.4.3 printed in the lab for an open failover-state object (abridged).
const OPENED = `> > > > > obj: <null>
> obj: failover-state
> obj: failover-state
name = "lab-isc"
> obj: failover-state
name = "lab-isc"
partner-address = 0a:e7:01:0c
local-address = 0a:e7:01:0b
partner-port = 00:00:02:87
local-port = 00:00:02:87
max-outstanding-updates = 00:00:00:0a
mclt = 00:00:00:0a
load-balance-max-secs = 00:00:00:03
partner-state = 00:00:00:02
local-state = 00:00:00:03
hierarchy = 00:00:00:00
> `;

describe("OMAPI through omshell", () => {
  it("opens the peer's failover-state with the key on stdin; partner-down sets local-state 4 (4.x numbering)", () => {
    const script = omshellScript(server, "lab-isc", { localState: 4 });
    expect(script.split("\n")).toEqual([
      "server 10.231.1.11",
      "port 7911",
      "key-algorithm hmac-sha256",
      "key omapi_key c2VjcmV0",
      "connect",
      "new failover-state",
      'set name = "lab-isc"',
      "open",
      "set local-state = 4",
      "update",
      "",
    ]);
  });

  it("reads states and role from omshell's output", () => {
    const fields = parseOmshell(OPENED);
    expect(fields["local-state"]).toBe(3);
    expect(fields.name).toBe("lab-isc");
    expect(statusFrom(fields)).toEqual({
      state: "communications-interrupted",
      partnerState: "normal",
      details: { role: "primary", mclt: 10 },
    });
  });

  it("refuses to build a script without OMAPI settings, saying what to add", () => {
    const { omapi: _omapi, ...withoutOmapi } = server;
    expect(() => omshellScript(withoutOmapi as typeof server, "x")).toThrow("add omapi { keyName, secret }");
  });
});
