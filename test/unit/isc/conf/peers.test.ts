import { describe, expect, it } from "vitest";
import type { FailoverPeerSpec } from "../../../../src/backends/isc/conf";
import {
  ConfEditError,
  ConfValueError,
  createFailoverPeer,
  findFailoverPeer,
  findFailoverPeers,
  parse,
  print,
  readFailoverPeer,
  removeFailoverPeer,
  replaceFailoverPeer,
} from "../../../../src/backends/isc/conf";

const PRIMARY: FailoverPeerSpec = {
  name: "dc-east",
  role: "primary",
  address: "10.60.0.2",
  peerAddress: "10.60.0.3",
  port: 647,
  peerPort: 647,
  maxResponseDelay: 30,
  maxUnackedUpdates: 10,
  mclt: 1800,
  split: 128,
  loadBalanceMaxSeconds: 3,
};

const NEW_PEER_BLOCK = `failover peer "dc-east" {
  primary;
  address 10.60.0.2;
  port 647;
  peer address 10.60.0.3;
  peer port 647;
  max-response-delay 30;
  max-unacked-updates 10;
  mclt 1800;
  split 128;
  load balance max seconds 3;
}
`;

describe("findFailoverPeers / readFailoverPeer", () => {
  const text = `failover peer "a" {
  primary; # me
  address 10.0.0.1;
  peer address dhcp-b.example.com;
  peer port 520;
  mclt 600;
  hba FF:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff;
  load balance max seconds 5;
  auto-partner-down 60;
  max-transmit-idle 7;
}
shared-network "branch" {
  failover peer b { secondary; address 10.1.0.1; peer address 10.1.0.2; }
  subnet 10.1.0.0 netmask 255.255.255.0 { }
}
group { failover peer "misplaced" { primary; } }
`;
  const file = parse(text, "peers.conf");

  it("finds peers at the outer scope and in shared-networks, and reports misplaced ones", () => {
    expect(findFailoverPeers(file).map(({ name, scope, sharedNetwork, file, line, column }) => ({ name, scope, sharedNetwork, file, line, column }))).toEqual([
      { name: "a", scope: "outer", sharedNetwork: null, file: "peers.conf", line: 1, column: 1 },
      { name: "b", scope: "shared-network", sharedNetwork: "branch", file: "peers.conf", line: 13, column: 3 },
      { name: "misplaced", scope: "misplaced", sharedNetwork: null, file: "peers.conf", line: 16, column: 9 },
    ]);
    expect(findFailoverPeer(file, "b")?.block.body).toHaveLength(3);
    expect(findFailoverPeer(file, "nope")).toBeUndefined();
  });

  it("reads a peer's statements as data, keeping ones it does not model", () => {
    const decl = readFailoverPeer(findFailoverPeer(file, "a")?.block ?? fail());
    expect(decl.name).toBe("a");
    expect(decl.settings).toEqual({
      role: "primary",
      address: "10.0.0.1",
      peerAddress: "dhcp-b.example.com",
      peerPort: 520,
      mclt: 600,
      hba: "ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff",
      loadBalanceMaxSeconds: 5,
      autoPartnerDown: 60,
    });
    expect(decl.unrecognized).toEqual(["max-transmit-idle 7;"]);
    expect(decl.statements.slice(0, 4)).toEqual([
      { keyword: "primary", args: [], line: 2, column: 3 },
      { keyword: "address", args: ["10.0.0.1"], line: 3, column: 3 },
      { keyword: "peer address", args: ["dhcp-b.example.com"], line: 4, column: 3 },
      { keyword: "peer port", args: ["520"], line: 5, column: 3 },
    ]);
  });

  it("puts a value that does not parse among the unrecognized statements", () => {
    const decl = readFailoverPeer(findFailoverPeer(parse('failover peer "x" { mclt lots; split 1 2; }'), "x")?.block ?? fail());
    expect(decl.settings).toEqual({});
    expect(decl.unrecognized).toEqual(["mclt lots;", "split 1 2;"]);
  });
});

describe("createFailoverPeer", () => {
  it("inserts the peer before the first subnet, separated like its neighbours", () => {
    const file = parse("authoritative;\n\n# LAN\nsubnet 10.0.0.0 netmask 255.255.255.0 {\n  pool { range 10.0.0.5 10.0.0.9; }\n}\n");
    createFailoverPeer(file, PRIMARY);
    expect(print(file)).toBe(`authoritative;\n\n${NEW_PEER_BLOCK}\n# LAN\nsubnet 10.0.0.0 netmask 255.255.255.0 {\n  pool { range 10.0.0.5 10.0.0.9; }\n}\n`);
  });

  it("inserts after the last outer-scope peer when that precedes every pool", () => {
    const file = parse('failover peer "old" {\n  secondary;\n}\n\nsubnet 10.0.0.0 netmask 255.255.255.0 { }\n');
    createFailoverPeer(file, PRIMARY);
    expect(print(file)).toBe(`failover peer "old" {\n  secondary;\n}\n\n${NEW_PEER_BLOCK}\nsubnet 10.0.0.0 netmask 255.255.255.0 { }\n`);
  });

  it("inserts before the first top-level statement that holds a pool even when it is not a subnet", () => {
    const file = parse('option a 1;\nclass "c" { match hardware; }\nif known { }\ninclude "subnets.conf";\n');
    createFailoverPeer(file, { ...PRIMARY, name: "n" });
    expect(print(file).indexOf('failover peer "n"')).toBeLessThan(print(file).indexOf("include"));
    expect(print(file).indexOf('failover peer "n"')).toBeGreaterThan(print(file).indexOf("if known"));
  });

  it("appends to a config without pools, keeping a missing final newline missing", () => {
    const file = parse("authoritative;");
    createFailoverPeer(file, { name: "p", role: "secondary", address: "10.0.0.1", peerAddress: "10.0.0.2" });
    expect(print(file)).toBe('authoritative;\nfailover peer "p" {\n  secondary;\n  address 10.0.0.1;\n  peer address 10.0.0.2;\n}');
  });

  it("writes into an empty file and after a file of only comments", () => {
    const spec: FailoverPeerSpec = { name: "p", role: "secondary", address: "10.0.0.1", peerAddress: "10.0.0.2" };
    const empty = parse("");
    createFailoverPeer(empty, spec);
    expect(print(empty)).toBe('failover peer "p" {\n  secondary;\n  address 10.0.0.1;\n  peer address 10.0.0.2;\n}\n');
    const comments = parse("# managed by pulumi\n");
    createFailoverPeer(comments, spec);
    expect(print(comments)).toBe('# managed by pulumi\nfailover peer "p" {\n  secondary;\n  address 10.0.0.1;\n  peer address 10.0.0.2;\n}\n');
  });

  it("indents with the file's unit and line ending", () => {
    const file = parse("subnet 10.0.0.0 netmask 255.255.255.0 {\r\n\toption routers 10.0.0.1;\r\n}\r\n");
    createFailoverPeer(file, { name: "p", role: "secondary", address: "10.0.0.1", peerAddress: "10.0.0.2" });
    expect(print(file)).toBe(
      'failover peer "p" {\r\n\tsecondary;\r\n\taddress 10.0.0.1;\r\n\tpeer address 10.0.0.2;\r\n}\r\nsubnet 10.0.0.0 netmask 255.255.255.0 {\r\n\toption routers 10.0.0.1;\r\n}\r\n',
    );
  });

  it("refuses a duplicate name and invalid values without changing anything", () => {
    const text = 'shared-network s { failover peer "dc-east" { secondary; } }\n';
    const file = parse(text);
    expect(() => createFailoverPeer(file, PRIMARY)).toThrow(new ConfEditError('failover peer "dc-east" already exists; use replaceFailoverPeer to change it'));
    expect(() => createFailoverPeer(file, { ...PRIMARY, name: "x", port: 70000 })).toThrow(ConfValueError);
    expect(() => createFailoverPeer(file, { ...PRIMARY, name: "x", hba: "ff" })).toThrow(/split or hba, not both/);
    expect(() => createFailoverPeer(file, { ...PRIMARY, name: "x", address: "" })).toThrow(ConfValueError);
    expect(print(file)).toBe(text);
  });
});

describe("replaceFailoverPeer", () => {
  const text = `# peers
failover peer "dc-east" {
  primary;                # this server
  address 10.60.0.2;
  peer address 10.60.0.3;
  # keep the window short in the lab
  mclt 1800;
  split 128;
  max-transmit-idle 7;
}
`;

  it("changes only the statements that differ, keeping comments and unmodelled statements", () => {
    const file = parse(text);
    replaceFailoverPeer(file, { name: "dc-east", role: "primary", address: "10.60.0.2", peerAddress: "10.60.0.9", mclt: 10, split: 128, port: 847 });
    expect(print(file)).toBe(`# peers
failover peer "dc-east" {
  primary;                # this server
  address 10.60.0.2;
  port 847;
  peer address 10.60.0.9;
  # keep the window short in the lab
  mclt 10;
  split 128;
  max-transmit-idle 7;
}
`);
  });

  it("is a no-op when the block already matches", () => {
    const file = parse(text);
    replaceFailoverPeer(file, { name: "dc-east", role: "primary", address: "10.60.0.2", peerAddress: "10.60.0.3", mclt: 1800, split: 128 });
    expect(print(file)).toBe(text);
  });

  it("turns a primary into a secondary: role first, primary-only settings removed", () => {
    const file = parse(text);
    replaceFailoverPeer(file, { name: "dc-east", role: "secondary", address: "10.60.0.2", peerAddress: "10.60.0.3" });
    expect(print(file)).toBe(`# peers
failover peer "dc-east" {
  secondary;
  address 10.60.0.2;
  peer address 10.60.0.3;
  # keep the window short in the lab
  max-transmit-idle 7;
}
`);
  });

  it("removes duplicate settings and fails for an unknown peer", () => {
    const file = parse('failover peer "x" { primary; mclt 1; mclt 2; address 1.1.1.1; peer address 2.2.2.2; }');
    replaceFailoverPeer(file, { name: "x", role: "primary", address: "1.1.1.1", peerAddress: "2.2.2.2", mclt: 3 });
    expect(print(file)).toBe('failover peer "x" { primary; mclt 3; address 1.1.1.1; peer address 2.2.2.2; }');
    expect(() => replaceFailoverPeer(file, { ...PRIMARY, name: "nope" })).toThrow(/failover peer "nope" does not exist/);
  });
});

describe("removeFailoverPeer", () => {
  it("removes the block and its line, leaves comments, and reports pools still naming it", () => {
    const text = `authoritative;

# the east pair
failover peer "dc-east" {
  primary;
}

subnet 10.0.0.0 netmask 255.255.255.0 {
  pool {
    failover peer "dc-east";
    range 10.0.0.5 10.0.0.9;
  }
}
`;
    const file = parse(text);
    const result = removeFailoverPeer(file, "dc-east");
    expect(result.removed).toBe(true);
    expect(result.references.map((r) => [r.peer, r.subnet, r.line])).toEqual([["dc-east", { network: "10.0.0.0", netmask: "255.255.255.0" }, 9]]);
    expect(print(file)).toBe(`authoritative;

# the east pair

subnet 10.0.0.0 netmask 255.255.255.0 {
  pool {
    failover peer "dc-east";
    range 10.0.0.5 10.0.0.9;
  }
}
`);
    expect(removeFailoverPeer(file, "dc-east")).toEqual({ removed: false, references: result.references });
  });

  it("removes a peer declared inside a shared-network", () => {
    const file = parse('shared-network s {\n  failover peer "b" {\n    secondary;\n  }\n  subnet 10.0.0.0 netmask 255.255.255.0 { }\n}\n');
    removeFailoverPeer(file, "b");
    expect(print(file)).toBe("shared-network s {\n  subnet 10.0.0.0 netmask 255.255.255.0 { }\n}\n");
  });

  it("restores the original text when undoing a creation", () => {
    const text = "authoritative;\n\nsubnet 10.0.0.0 netmask 255.255.255.0 { }\n";
    const file = parse(text);
    createFailoverPeer(file, PRIMARY);
    expect(print(file)).not.toBe(text);
    removeFailoverPeer(file, PRIMARY.name);
    expect(print(file)).toBe(text);
  });
});

describe("an hba over two lines (dhcpd.conf(5)'s own layout)", () => {
  const ones = Array(16).fill("ff").join(":");
  const zeros = Array(16).fill("00").join(":");
  const text = `failover peer "two-line" {\n  primary;\n  address 10.0.0.1;\n  peer address 10.0.0.2;\n  mclt 1800;\n  hba ${ones}:\n      ${zeros.toUpperCase()};\n}\n`;

  it("is read as the peer's hba, not as an unrecognised statement", () => {
    const decl = readFailoverPeer(findFailoverPeer(parse(text), "two-line")?.block ?? fail());
    expect(decl.settings.hba).toBe(`${ones}:${zeros}`);
    expect(decl.unrecognized).toEqual([]);
  });

  it("stays on its two lines when the same hba is written again, and is rewritten when it changes", () => {
    const file = parse(text);
    const spec: FailoverPeerSpec = { name: "two-line", role: "primary", address: "10.0.0.1", peerAddress: "10.0.0.2", mclt: 1800, hba: `${ones}:${zeros}` };
    replaceFailoverPeer(file, spec);
    expect(print(file)).toBe(text);
    replaceFailoverPeer(file, { ...spec, hba: `${zeros}:${ones}` });
    expect(print(file)).toBe(text.replace(/hba [^;]*;/, `hba ${zeros}:${ones};`));
  });

  it("is not taken for an hba when the octets do not add up to 32", () => {
    const decl = readFailoverPeer(findFailoverPeer(parse(text.replace(`${ones}:`, "ff:")), "two-line")?.block ?? fail());
    expect(decl.settings.hba).toBeUndefined();
    expect(decl.unrecognized).toHaveLength(1);
  });
});

function fail(): never {
  throw new Error("expected a value");
}
