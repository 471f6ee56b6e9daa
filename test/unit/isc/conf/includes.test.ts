import { posix } from "node:path";
import { describe, expect, it } from "vitest";
import type { BlockStatement } from "../../../../src/backends/isc/conf";
import {
  ConfIncludeError,
  ConfParseError,
  changedFiles,
  createFailoverPeer,
  findSubnet,
  listIncludes,
  listPoolPeers,
  parse,
  parseWithIncludes,
  print,
  setPoolFailoverPeer,
} from "../../../../src/backends/isc/conf";

function reader(files: Record<string, string>) {
  const reads: string[] = [];
  const read = async (path: string): Promise<string> => {
    reads.push(path);
    const text = files[posix.normalize(path)];
    if (text === undefined) throw new Error(`ENOENT: no such file, open '${path}'`);
    return text;
  };
  return { read, reads };
}

const FILES = {
  "/etc/dhcp/dhcpd.conf": 'authoritative;\ninclude "/etc/dhcp/subnets.conf";\nsubnet 10.1.0.0 netmask 255.255.255.0 {\n  include "/etc/dhcp/pools/lab.conf";\n}\n',
  "/etc/dhcp/subnets.conf": "subnet 10.0.0.0 netmask 255.255.255.0 {\n  pool {\n    range 10.0.0.5 10.0.0.9;\n  }\n}\n",
  "/etc/dhcp/pools/lab.conf": "pool {\n  range 10.1.0.5 10.1.0.9;\n}\n",
};

describe("includes", () => {
  it("parse() records include statements without following them, and says so", () => {
    const file = parse(FILES["/etc/dhcp/dhcpd.conf"], "/etc/dhcp/dhcpd.conf");
    expect(listIncludes(file).map(({ path, file, line, column, followed }) => ({ path, file, line, column, followed }))).toEqual([
      { path: "/etc/dhcp/subnets.conf", file: "/etc/dhcp/dhcpd.conf", line: 2, column: 1, followed: false },
      { path: "/etc/dhcp/pools/lab.conf", file: "/etc/dhcp/dhcpd.conf", line: 4, column: 3, followed: false },
    ]);
    expect(findSubnet(file, "10.0.0.0", "255.255.255.0")).toBeUndefined();
  });

  it("parseWithIncludes follows includes at any scope and every node knows its file", async () => {
    const { read, reads } = reader(FILES);
    const tree = await parseWithIncludes("/etc/dhcp/dhcpd.conf", read);
    expect(reads).toEqual(["/etc/dhcp/dhcpd.conf", "/etc/dhcp/subnets.conf", "/etc/dhcp/pools/lab.conf"]);
    expect(listIncludes(tree).every((ref) => ref.followed)).toBe(true);
    expect(findSubnet(tree, "10.0.0.0", "255.255.255.0")?.file).toBe("/etc/dhcp/subnets.conf");
    expect(listPoolPeers(tree).map((p) => [p.file, p.subnet?.network])).toEqual([
      ["/etc/dhcp/subnets.conf", "10.0.0.0"],
      ["/etc/dhcp/pools/lab.conf", "10.1.0.0"],
    ]);
    for (const [path, file] of tree.files) expect(print(file)).toBe(FILES[path as keyof typeof FILES]);
  });

  it("edits land in the file that holds the node, and changedFiles reports just those", async () => {
    const tree = await parseWithIncludes("/etc/dhcp/dhcpd.conf", reader(FILES).read);
    expect(changedFiles(tree)).toEqual([]);
    createFailoverPeer(tree, { name: "p", role: "secondary", address: "10.0.0.1", peerAddress: "10.0.0.2" });
    setPoolFailoverPeer(tree, listPoolPeers(tree)[1]?.pool as BlockStatement, "p");
    expect(changedFiles(tree).map((c) => c.path)).toEqual(["/etc/dhcp/dhcpd.conf", "/etc/dhcp/pools/lab.conf"]);
    const main = changedFiles(tree)[0]?.text ?? "";
    // The peer goes before the include that may hold pools, so it is declared before any pool names it.
    expect(main.indexOf('failover peer "p"')).toBeLessThan(main.indexOf("include"));
    expect(changedFiles(tree)[1]?.text).toBe('pool {\n  failover peer "p";\n  range 10.1.0.5 10.1.0.9;\n}\n');
  });

  it("rejects an include cycle, naming the chain and where it closes", async () => {
    const files = {
      "main.conf": 'include "a.conf";\n',
      "a.conf": 'subnet 10.0.0.0 netmask 255.0.0.0 {\n  include "./b.conf";\n}\n',
      "b.conf": 'include "a.conf";\n',
    };
    const error = await parseWithIncludes("main.conf", reader(files).read).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfIncludeError);
    expect((error as ConfIncludeError).message).toBe("./b.conf:1:1: include cycle: main.conf → a.conf → b.conf → a.conf; remove one of these include statements");
    expect((error as ConfIncludeError).includePath).toBe("a.conf");
  });

  it("reports an unreadable include at the include statement", async () => {
    const error = await parseWithIncludes("main.conf", reader({ "main.conf": 'a;\n  include "missing.conf";\n' }).read).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      "main.conf:2:3: cannot read included file \"missing.conf\": ENOENT: no such file, open 'missing.conf'",
    );
  });

  it("reports a syntax error in an included file with that file's name", async () => {
    const error = await parseWithIncludes("main.conf", reader({ "main.conf": 'include "bad.conf";\n', "bad.conf": "a\n" }).read).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfParseError);
    expect((error as Error).message).toBe('bad.conf:2:1: expected ";" after "a", found end of file');
  });

  it("stops runaway nesting", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 30; i++) files[`f${i}.conf`] = `include "f${i + 1}.conf";\n`;
    const error = await parseWithIncludes("f0.conf", reader(files).read, { maxDepth: 5 }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^f5\.conf:1:1: includes are nested more than 5 deep/);
  });

  it("accepts a synchronous reader and reads a file included twice only once", async () => {
    const files = { "m.conf": 'include "h.conf";\ninclude "h.conf";\n', "h.conf": "host a { }\n" };
    const reads: string[] = [];
    const tree = await parseWithIncludes("m.conf", (path) => {
      reads.push(path);
      return files[path as keyof typeof files];
    });
    expect(reads).toEqual(["m.conf", "h.conf"]);
    expect(listIncludes(tree).map((ref) => ref.followed)).toEqual([true, true]);
  });
});
