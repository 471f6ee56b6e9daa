import { describe, expect, it } from "vitest";
import {
  ConfEditError,
  ConfValueError,
  compareSubnets,
  extractSubnet,
  findSubnet,
  listSubnets,
  parse,
  print,
  putSubnet,
  removeSubnet,
} from "../../../../src/backends/isc/conf";

const PRIMARY = `authoritative;

shared-network "hq" {
  option domain-name "hq.example.com";

  # Office LAN
  subnet 10.0.0.0 netmask 255.255.255.0 {
    option routers 10.0.0.1;
    pool {
      failover peer "dc";
      range 10.0.0.10 10.0.0.99;
    }
    host in-subnet { hardware ethernet 00:00:00:00:00:01; fixed-address 10.0.0.5; }
  }
  subnet 10.0.1.0 netmask 255.255.255.0 { }
}

group {
  subnet 10.9.0.0 netmask 255.255.0.0 { }
}

host printer {
  hardware ethernet 00:00:00:00:00:02;
  fixed-address 10.0.0.21;
}
host dual { hardware ethernet 00:00:00:00:00:03; fixed-address 10.0.0.22, 10.0.1.22; }
host elsewhere { hardware ethernet 00:00:00:00:00:04; fixed-address 10.0.1.30; }
host by-name { hardware ethernet 00:00:00:00:00:05; fixed-address printer.example.com; }
`;

describe("findSubnet / listSubnets", () => {
  it("finds subnets at any depth with their shared-network and group", () => {
    const file = parse(PRIMARY, "a.conf");
    expect(listSubnets(file).map(({ network, netmask, sharedNetwork, inGroup, line }) => ({ network, netmask, sharedNetwork, inGroup, line }))).toEqual([
      { network: "10.0.0.0", netmask: "255.255.255.0", sharedNetwork: "hq", inGroup: false, line: 7 },
      { network: "10.0.1.0", netmask: "255.255.255.0", sharedNetwork: "hq", inGroup: false, line: 15 },
      { network: "10.9.0.0", netmask: "255.255.0.0", sharedNetwork: null, inGroup: true, line: 19 },
    ]);
    expect(findSubnet(file, "10.9.0.0", "255.255.0.0")?.inGroup).toBe(true);
    expect(findSubnet(file, "10.9.0.0", "255.255.255.0")).toBeUndefined();
    expect(() => findSubnet(file, "10.9.0", "255.255.0.0")).toThrow(ConfValueError);
  });
});

describe("extractSubnet", () => {
  it("copies the subnet with its pools and inner hosts, plus outside hosts with an address in it", () => {
    const copy = extractSubnet(parse(PRIMARY), "10.0.0.0", "255.255.255.0");
    expect(copy.sharedNetwork).toBe("hq");
    expect(copy.subnet.indent).toBe("  ");
    expect(copy.hosts.map((h) => h.statement.head[1]?.raw)).toEqual(["printer", "dual"]);
    expect(copy.unresolvedHosts).toEqual(["by-name"]);
    expect(() => extractSubnet(parse(PRIMARY), "10.5.0.0", "255.255.255.0")).toThrow(
      new ConfEditError("subnet 10.5.0.0 netmask 255.255.255.0 is not declared in dhcpd.conf"),
    );
  });

  it("is a copy: editing it does not touch the source", () => {
    const source = parse(PRIMARY);
    const copy = extractSubnet(source, "10.0.0.0", "255.255.255.0");
    copy.subnet.statement.body.length = 0;
    expect(print(source)).toBe(PRIMARY);
  });
});

describe("putSubnet", () => {
  it("replaces the same subnet in the partner, re-indented to its place, and syncs its hosts", () => {
    const partner = parse(`authoritative;

subnet 10.0.0.0 netmask 255.255.255.0 {   # stale copy
\toption routers 10.0.0.254;
}

host printer {
\thardware ethernet 00:00:00:00:00:99;
\tfixed-address 10.0.0.21;
}
host gone { fixed-address 10.0.0.77; }
host other { fixed-address 10.1.0.7; }
`);
    const result = putSubnet(partner, extractSubnet(parse(PRIMARY), "10.0.0.0", "255.255.255.0"));
    expect(result).toEqual({ replaced: true, createdSharedNetwork: false, hostsAdded: ["dual"], hostsReplaced: ["printer"], hostsRemoved: ["gone"] });
    expect(print(partner)).toBe(`authoritative;

subnet 10.0.0.0 netmask 255.255.255.0 {
\toption routers 10.0.0.1;
\tpool {
\t\tfailover peer "dc";
\t\trange 10.0.0.10 10.0.0.99;
\t}
\thost in-subnet { hardware ethernet 00:00:00:00:00:01; fixed-address 10.0.0.5; }
}

host dual { hardware ethernet 00:00:00:00:00:03; fixed-address 10.0.0.22, 10.0.1.22; }

host printer {
\thardware ethernet 00:00:00:00:00:02;
\tfixed-address 10.0.0.21;
}
host other { fixed-address 10.1.0.7; }
`);
  });

  it("adds a missing subnet into the shared-network of the same name", () => {
    const partner = parse('shared-network "hq" {\n    subnet 10.0.1.0 netmask 255.255.255.0 { }\n}\n');
    const copy = extractSubnet(parse(PRIMARY), "10.0.0.0", "255.255.255.0");
    expect(putSubnet(partner, { ...copy, hosts: [] })).toMatchObject({ replaced: false, createdSharedNetwork: false });
    expect(print(partner)).toBe(`shared-network "hq" {
    subnet 10.0.1.0 netmask 255.255.255.0 { }
    subnet 10.0.0.0 netmask 255.255.255.0 {
        option routers 10.0.0.1;
        pool {
            failover peer "dc";
            range 10.0.0.10 10.0.0.99;
        }
        host in-subnet { hardware ethernet 00:00:00:00:00:01; fixed-address 10.0.0.5; }
    }
}
`);
  });

  it("creates the shared-network when the partner lacks it, after the last top-level scope", () => {
    const partner = parse("authoritative;\nsubnet 10.7.0.0 netmask 255.255.255.0 { }\nhost h { fixed-address 10.7.0.9; }\n");
    const copy = extractSubnet(parse(PRIMARY), "10.0.1.0", "255.255.255.0");
    expect(putSubnet(partner, copy)).toEqual({ replaced: false, createdSharedNetwork: true, hostsAdded: ["dual", "elsewhere"], hostsReplaced: [], hostsRemoved: [] });
    expect(print(partner)).toBe(`authoritative;
subnet 10.7.0.0 netmask 255.255.255.0 { }
shared-network "hq" {
  subnet 10.0.1.0 netmask 255.255.255.0 { }
}
host dual { hardware ethernet 00:00:00:00:00:03; fixed-address 10.0.0.22, 10.0.1.22; }
host elsewhere { hardware ethernet 00:00:00:00:00:04; fixed-address 10.0.1.30; }
host h { fixed-address 10.7.0.9; }
`);
  });

  it("converts line endings and indentation when copying between differently styled files", () => {
    const source = parse("subnet 10.0.0.0 netmask 255.255.255.0 {\n    pool {\n        # lab\n        range 10.0.0.5 10.0.0.9;\n    }\n}\n");
    const partner = parse("shared-network s {\r\n\tsubnet 10.0.1.0 netmask 255.255.255.0 {\r\n\t\toption routers 10.0.1.1;\r\n\t}\r\n}\r\n");
    putSubnet(partner, { ...extractSubnet(source, "10.0.0.0", "255.255.255.0"), sharedNetwork: "s" });
    expect(print(partner)).toBe(
      "shared-network s {\r\n\tsubnet 10.0.1.0 netmask 255.255.255.0 {\r\n\t\toption routers 10.0.1.1;\r\n\t}\r\n" +
        "\tsubnet 10.0.0.0 netmask 255.255.255.0 {\r\n\t\tpool {\r\n\t\t\t# lab\r\n\t\t\trange 10.0.0.5 10.0.0.9;\r\n\t\t}\r\n\t}\r\n}\r\n",
    );
  });

  it("makes the partner's subnet compare equal to the source", () => {
    const source = parse(PRIMARY);
    const partner = parse("subnet 10.0.0.0 netmask 255.255.255.0 { }\n");
    putSubnet(partner, extractSubnet(source, "10.0.0.0", "255.255.255.0"));
    const left = extractSubnet(source, "10.0.0.0", "255.255.255.0");
    const right = extractSubnet(parse(print(partner)), "10.0.0.0", "255.255.255.0");
    expect(compareSubnets({ ...left, sharedNetwork: null }, right)).toEqual([]);
  });
});

describe("removeSubnet", () => {
  it("removes the subnet and the hosts whose every address is in it", () => {
    const file = parse(PRIMARY);
    expect(removeSubnet(file, "10.0.0.0", "255.255.255.0")).toEqual({ removed: true, hostsRemoved: ["printer"] });
    const text = print(file);
    expect(text).not.toContain("10.0.0.0 netmask");
    expect(text).toContain("# Office LAN\n  subnet 10.0.1.0");
    expect(text).toContain("host dual");
    expect(removeSubnet(file, "10.0.0.0", "255.255.255.0")).toEqual({ removed: false, hostsRemoved: [] });
  });
});

describe("compareSubnets", () => {
  const left = `subnet 10.0.0.0 netmask 255.255.255.0 {
  option routers 10.0.0.1;
  option domain-name-servers 10.0.0.2, 10.0.0.3;
  max-lease-time 7200;
  pool { failover peer "dc"; range 10.0.0.10 10.0.0.99; }
  pool { range 10.0.0.150 10.0.0.199; }
  host h1 { hardware ethernet 00:0A:00:00:00:01; fixed-address 10.0.0.5; }
}
`;

  it("ignores comments, whitespace, keyword case, hex case, statement and pool order", () => {
    const right = `# partner copy
subnet 10.0.0.0 netmask 255.255.255.0
{
  POOL {
    range 10.0.0.150   10.0.0.199;   # second
  }
  Max-Lease-Time 7200;
  host h1 { fixed-address 10.0.0.5; hardware ethernet 0:a:0:0:0:1; }
  pool {
    range 10.0.0.10 10.0.0.99;
    failover peer "dc";
  }
  option domain-name-servers 10.0.0.2,10.0.0.3;
  option routers 10.0.0.1;
}
`;
    const a = extractSubnet(parse(left), "10.0.0.0", "255.255.255.0");
    const b = extractSubnet(parse(right), "10.0.0.0", "255.255.255.0");
    expect(compareSubnets(a, b)).toEqual([]);
  });

  it("lists each difference in words", () => {
    const right = `shared-network s {
subnet 10.0.0.0 netmask 255.255.255.0 {
  option routers 10.0.0.254;
  pool { failover peer "other"; range 10.0.0.10 10.0.0.99; }
  pool { range 10.0.0.150 10.0.0.189; }
  host h1 { hardware ethernet 00:0a:00:00:00:01; fixed-address 10.0.0.6; }
  default-lease-time 60;
}
}
host outside { fixed-address 10.0.0.77; }
`;
    const a = extractSubnet(parse(left), "10.0.0.0", "255.255.255.0");
    const b = extractSubnet(parse(right), "10.0.0.0", "255.255.255.0");
    expect(compareSubnets(a, b, { left: "dhcp1", right: "dhcp2" })).toEqual([
      'subnet 10.0.0.0 netmask 255.255.255.0: in shared-network none on dhcp1 but "s" on dhcp2',
      "subnet 10.0.0.0 netmask 255.255.255.0: option routers is 10.0.0.1 on dhcp1 but 10.0.0.254 on dhcp2",
      "subnet 10.0.0.0 netmask 255.255.255.0: option domain-name-servers 10.0.0.2, 10.0.0.3 only on dhcp1",
      "subnet 10.0.0.0 netmask 255.255.255.0: max-lease-time 7200 only on dhcp1",
      'subnet 10.0.0.0 netmask 255.255.255.0 > pool (range 10.0.0.10 10.0.0.99): failover peer is "dc" on dhcp1 but "other" on dhcp2',
      "subnet 10.0.0.0 netmask 255.255.255.0: pool (range 10.0.0.150 10.0.0.199) only on dhcp1",
      "subnet 10.0.0.0 netmask 255.255.255.0 > host h1: fixed-address is 10.0.0.5 on dhcp1 but 10.0.0.6 on dhcp2",
      "subnet 10.0.0.0 netmask 255.255.255.0: pool (range 10.0.0.150 10.0.0.189) only on dhcp2",
      "subnet 10.0.0.0 netmask 255.255.255.0: default-lease-time 60 only on dhcp2",
      "hosts of subnet 10.0.0.0 netmask 255.255.255.0: host outside only on dhcp2",
    ]);
  });
});
