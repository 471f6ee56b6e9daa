// Taking over real-world failover pairs (test/fixtures/dhcpd/pairs: our own files, each noting the
// public source that showed its construct): every file round-trips and passes the real `dhcpd -t`;
// a program that states what the two servers hold matches them with no drift and writes zero bytes;
// changing one statement changes only that statement's lines, and dhcpd -t accepts the result.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { ConfTree, FailoverPeerDecl } from "../../../src/backends/isc/conf";
import { findFailoverPeer, findFailoverPeers, parse, parseWithIncludes, print, readFailoverPeer } from "../../../src/backends/isc/conf";
import { putPeer } from "../../../src/backends/isc/edits";
import { unexpressible } from "../../../src/backends/isc/expressible";
import { actualPeerView, expectedPeerView, relationshipFromPeers, SIDES, type Side } from "../../../src/backends/isc/peerSpec";
import { iscRelationshipOps } from "../../../src/backends/isc/relationship";
import { iscRelationship, type IscRelationship } from "../../../src/backends/isc/schema";
import { dhcpdCheck, filesOf, FIXTURES } from "./conf/helpers";

const PAIRS = path.join(FIXTURES, "pairs");
const ssh = { host: "127.0.0.1", username: "root", hostKeySha256: `SHA256:${"A".repeat(43)}`, privateKey: "k" };

export function pairNames(): string[] {
  return fs.readdirSync(PAIRS).filter((name) => fs.statSync(path.join(PAIRS, name)).isDirectory()).sort();
}

const load = (pair: string, side: Side): Promise<ConfTree> =>
  parseWithIncludes(`${side}.conf`, (file) => fs.readFileSync(path.join(PAIRS, pair, file), "utf8"));

interface Pair {
  trees: Record<Side, ConfTree>;
  decls: Record<Side, FailoverPeerDecl>;
  /** A program stating what the servers hold, as refresh reads it back, validated like a program. */
  program: IscRelationship;
}

async function adopt(pair: string): Promise<Pair> {
  const trees = { primary: await load(pair, "primary"), secondary: await load(pair, "secondary") };
  const name = findFailoverPeers(trees.primary)[0]?.name ?? fail(`${pair}: no peer in primary.conf`);
  const decl = (side: Side) => readFailoverPeer(findFailoverPeer(trees[side], name)?.block ?? fail(`${pair}: no peer "${name}" on the ${side}`));
  const decls = { primary: decl("primary"), secondary: decl("secondary") };
  const base = iscRelationship.parse({
    vendor: "isc",
    name,
    primary: { name: "dhcp1", address: decls.primary.settings.address, ssh },
    secondary: { name: "dhcp2", address: decls.secondary.settings.address, ssh },
    adopt: true,
  });
  const program = iscRelationship.parse(JSON.parse(JSON.stringify(relationshipFromPeers(base, decls.primary, decls.secondary))));
  return { trees, decls, program };
}

/** Lines of `before` that `after` dropped and lines `after` added, by a longest-common-subsequence diff. */
function changedLines(before: string, after: string): string[] {
  const a = before.split("\n");
  const b = after.split("\n");
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i++;
      j++;
    } else if (j < b.length && (i === a.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) out.push(`+${b[j++]}`);
    else out.push(`-${a[i++]}`);
  }
  return out;
}

/** One-statement changes a program makes, and the keyword every changed line must carry. */
const EDITS: Array<{ what: string; keyword: RegExp; change: (p: IscRelationship) => IscRelationship }> = [
  { what: "mclt", keyword: /\bmclt\b/, change: (p) => ({ ...p, isc: { ...p.isc, mclt: p.isc.mclt + 60 } }) },
  {
    what: "max-response-delay on both",
    keyword: /max-response-delay/,
    change: (p) => ({ ...p, isc: { ...p.isc, maxResponseDelay: (p.isc.maxResponseDelay ?? 20) + 7 }, secondary: { ...p.secondary, failover: { ...p.secondary.failover, maxResponseDelay: undefined } } }),
  },
  {
    what: "load balance max seconds",
    keyword: /load balance max seconds/,
    change: (p) => ({ ...p, isc: { ...p.isc, loadBalanceMaxSeconds: p.isc.loadBalanceMaxSeconds === undefined ? 4 : undefined } }),
  },
  { what: "auto-partner-down", keyword: /auto-partner-down/, change: (p) => ({ ...p, isc: { ...p.isc, autoPartnerDown: (p.isc.autoPartnerDown ?? 0) + 300 } }) },
];

describe("real-world failover pairs", () => {
  const pairs = pairNames();

  it("has at least 10 pairs (20 dhcpd.conf files)", () => {
    expect(pairs.length).toBeGreaterThanOrEqual(10);
  });

  describe.each(pairs)("%s", (pair) => {
    it("round-trips byte for byte and passes dhcpd -t as it is, on both servers", async () => {
      for (const side of SIDES) {
        const tree = await load(pair, side);
        for (const file of tree.files.values()) expect(print(file)).toBe(fs.readFileSync(path.join(PAIRS, pair, file.path), "utf8"));
        const check = dhcpdCheck(filesOf(tree), `${side}.conf`);
        expect(check.output).not.toMatch(/line \d+:/);
        expect(check.ok).toBe(true);
      }
    });

    it("is adopted with nothing the model cannot express and no drift", async () => {
      const { trees, decls, program } = await adopt(pair);
      expect(unexpressible({ primary: { decl: decls.primary, file: "primary.conf" }, secondary: { decl: decls.secondary, file: "secondary.conf" } })).toEqual([]);
      for (const side of SIDES) expect(expectedPeerView(program, side)).toEqual(actualPeerView(decls[side]));
      expect(Object.keys(trees)).toEqual(["primary", "secondary"]);
    });

    it("a program stating what the servers hold writes zero bytes on either server", async () => {
      const { trees, program } = await adopt(pair);
      for (const side of SIDES) {
        const before = filesOf(trees[side]);
        putPeer(program, side, { claimAllPools: false }).apply(trees[side]);
        expect(filesOf(trees[side])).toEqual(before);
      }
    });

    it.each(EDITS)("changing $what changes only that statement's lines, and dhcpd -t accepts it", async ({ keyword, change }) => {
      const { trees, program } = await adopt(pair);
      const next = iscRelationship.parse(JSON.parse(JSON.stringify(change(program))));
      for (const side of SIDES) {
        const before = filesOf(trees[side]);
        putPeer(next, side, { claimAllPools: false }).apply(trees[side]);
        const after = filesOf(trees[side]);
        for (const file of Object.keys(before)) {
          const others = changedLines(before[file]!, after[file]!).filter((line) => !keyword.test(line));
          // A statement that sat after a blank line takes it along when removed (and brings one when added
          // between groups): that separator is the statement's own; any other line is not.
          expect(others.filter((line) => line.trim().length > 1), `${side} ${file}: lines changed beyond the statement`).toEqual([]);
          expect(others.length, `${side} ${file}: at most the statement's one separating blank line`).toBeLessThanOrEqual(1);
        }
        const check = dhcpdCheck(after, `${side}.conf`);
        expect(check.output).not.toMatch(/line \d+:/);
        expect(check.ok).toBe(true);
      }
    });
  });
});

describe("what the model cannot express", () => {
  const block = (body: string) => readFailoverPeer(findFailoverPeer(parse(`failover peer "x" {\n${body}}\n`), "x")?.block ?? fail("no peer"));

  it("is named statement by statement, with file and line", () => {
    const primary = block("  primary;\n  address 10.0.0.1;\n  port 519;\n  peer address 10.0.0.2;\n  peer max-response-delay 30;\n  mclt 60;\n  split 128;\n  mclt 90;\n");
    const secondary = block("  secondary;\n  peer address 10.0.0.1;\n");
    expect(unexpressible({ primary: { decl: primary, file: "dhcp1 /etc/dhcp/dhcpd.conf" }, secondary: { decl: secondary, file: "dhcp2 /etc/dhcp/dhcpd.conf" } })).toEqual([
      'primary: "peer max-response-delay 30;" (dhcp1 /etc/dhcp/dhcpd.conf:6) is not a statement this library models',
      'primary: "mclt" is written 2 times (dhcp1 /etc/dhcp/dhcpd.conf:7); dhcpd uses the last, this library keeps one',
      'secondary: the block has no "address" statement (dhcp2 /etc/dhcp/dhcpd.conf); a relationship always writes one',
      `primary's "port" is 519 and the secondary's "peer port" is absent; a relationship writes both or neither, with one value`,
    ]);
  });

  it("reads nothing into a pair the model states in full", async () => {
    const { decls } = await adopt("manpage-dns");
    expect(unexpressible({ primary: { decl: decls.primary, file: "a" }, secondary: { decl: decls.secondary, file: "b" } })).toEqual([]);
  });
});

describe("the relationship's statements, as dhcpd reads them", () => {
  const base = { vendor: "isc", name: "p", primary: { name: "dhcp1", address: "dhcp-a.example.net", ssh }, secondary: { name: "dhcp2", address: "192.0.2.2", ssh } };

  it("takes DNS names for addresses (dhcpd's parse_ip_addr_or_hostname) and refuses what is neither", () => {
    expect(iscRelationship.safeParse(base).success).toBe(true);
    const bad = iscRelationship.safeParse({ ...base, primary: { ...base.primary, address: "dhcp a;" } });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toMatch(/must be an IPv4 address or a DNS name/);
  });

  it("writes no port, peer port or load balance max seconds the program leaves out, and shows what dhcpd then does", () => {
    const spec = iscRelationship.parse(base);
    expect(spec.primary.port).toBeUndefined();
    expect(spec.isc.loadBalanceMaxSeconds).toBeUndefined();
    expect(expectedPeerView(spec, "primary")).toMatchObject({
      port: "absent (dhcpd uses 647)",
      peerPort: "absent (dhcpd uses 647)",
      loadBalanceMaxSeconds: "absent (dhcpd uses 0: load balancing disabled)",
    });
    expect(iscRelationshipOps.summary(spec).mode).toBe("load-balance (split 128/256), disabled: no load balance max seconds (dhcpd uses 0), both serve every client");
    expect(iscRelationshipOps.summary(iscRelationship.parse({ ...base, isc: { loadBalanceMaxSeconds: 3 } })).mode).toBe("load-balance (split 128/256)");
  });

  it("keeps mclt on the secondary (dhcpd accepts it there) and still refuses split and hba there", () => {
    expect(iscRelationship.safeParse({ ...base, secondary: { ...base.secondary, failover: { mclt: 1800 } } }).success).toBe(true);
    const split = iscRelationship.safeParse({ ...base, secondary: { ...base.secondary, failover: { split: 128 } } });
    expect(split.error?.issues.map((i) => i.message).join()).toMatch(/only the primary may set split/);
  });

  it("lets one side declare the absence of a statement the relationship sets (null)", () => {
    const spec = iscRelationship.parse({ ...base, isc: { loadBalanceMaxSeconds: 3 }, secondary: { ...base.secondary, failover: { loadBalanceMaxSeconds: null } } });
    expect(expectedPeerView(spec, "primary")).toMatchObject({ loadBalanceMaxSeconds: 3 });
    expect(expectedPeerView(spec, "secondary")).toMatchObject({ loadBalanceMaxSeconds: "absent (dhcpd uses 0: load balancing disabled)" });
  });
});

function fail(message: string): never {
  throw new Error(message);
}
