import { describe, expect, it } from "vitest";
import type { BlockStatement } from "../../../../src/backends/isc/conf";
import { findSubnet, listPoolPeers, listPools, parse, poolFailoverPeer, print, setPoolFailoverPeer } from "../../../../src/backends/isc/conf";

const TEXT = `shared-network "site" {
  subnet 10.0.0.0 netmask 255.255.255.0 {
    pool {
      failover peer "a";
      range 10.0.0.10 10.0.0.20;
    }
    pool { range 10.0.0.30 10.0.0.40; }
  }
  pool {
    range 10.0.1.10 10.0.1.20;
  }
}
subnet 10.2.0.0 netmask 255.255.255.0 {
\tpool {}
}
`;

const subnet = (file: ReturnType<typeof parse>, network: string) => findSubnet(file, network, "255.255.255.0")?.subnet as BlockStatement;

describe("pools", () => {
  it("lists a subnet's pools and the peer each names", () => {
    const file = parse(TEXT);
    const pools = listPools(subnet(file, "10.0.0.0"));
    expect(pools.map(poolFailoverPeer)).toEqual(["a", null]);
  });

  it("lists every pool with its peer, subnet, shared-network and position", () => {
    const file = parse(TEXT, "site.conf");
    expect(listPoolPeers(file).map(({ peer, subnet, sharedNetwork, file, line, column }) => ({ peer, subnet, sharedNetwork, file, line, column }))).toEqual([
      { peer: "a", subnet: { network: "10.0.0.0", netmask: "255.255.255.0" }, sharedNetwork: "site", file: "site.conf", line: 3, column: 5 },
      { peer: null, subnet: { network: "10.0.0.0", netmask: "255.255.255.0" }, sharedNetwork: "site", file: "site.conf", line: 7, column: 5 },
      { peer: null, subnet: null, sharedNetwork: "site", file: "site.conf", line: 9, column: 3 },
      { peer: null, subnet: { network: "10.2.0.0", netmask: "255.255.255.0" }, sharedNetwork: null, file: "site.conf", line: 14, column: 2 },
    ]);
  });

  it("adds a reference as the pool's first statement, in the pool's own layout", () => {
    const file = parse(TEXT);
    const [, inline, shared, empty] = listPoolPeers(file).map((p) => p.pool);
    setPoolFailoverPeer(file, inline as BlockStatement, "b");
    setPoolFailoverPeer(file, shared as BlockStatement, "b");
    setPoolFailoverPeer(file, empty as BlockStatement, "b");
    expect(print(file)).toBe(`shared-network "site" {
  subnet 10.0.0.0 netmask 255.255.255.0 {
    pool {
      failover peer "a";
      range 10.0.0.10 10.0.0.20;
    }
    pool { failover peer "b"; range 10.0.0.30 10.0.0.40; }
  }
  pool {
    failover peer "b";
    range 10.0.1.10 10.0.1.20;
  }
}
subnet 10.2.0.0 netmask 255.255.255.0 {
\tpool {
\t\tfailover peer "b";
\t}
}
`);
  });

  it("replaces a reference in place and removes it again", () => {
    const file = parse(TEXT);
    const pool = listPoolPeers(file)[0]?.pool as BlockStatement;
    setPoolFailoverPeer(file, pool, "renamed");
    expect(print(file)).toBe(TEXT.replace('failover peer "a"', 'failover peer "renamed"'));
    setPoolFailoverPeer(file, pool, null);
    expect(print(file)).toBe(TEXT.replace('      failover peer "a";\n', ""));
    expect(poolFailoverPeer(pool)).toBeNull();
  });

  it("adding then removing a reference gives back the original text", () => {
    const file = parse(TEXT);
    for (const { pool } of listPoolPeers(file)) {
      const before = poolFailoverPeer(pool);
      setPoolFailoverPeer(file, pool, "tmp");
      setPoolFailoverPeer(file, pool, before);
    }
    const third = listPoolPeers(file)[2]?.pool as BlockStatement;
    setPoolFailoverPeer(file, third, "tmp");
    setPoolFailoverPeer(file, third, null);
    expect(print(file)).toBe(TEXT.replace("\tpool {}", "\tpool {\n\t}"));
  });
});
