// ReplicationTrigger at relationship and server level: which subnets it copies from the source, and the
// copy itself (the partner's declaration replaced by the source's, hosts with it), checked by dhcpd -t.
import { describe, expect, it } from "vitest";
import { extractSubnet, findSubnet, parse, parseWithIncludes, print, type ConfTree } from "../../../src/backends/isc/conf";
import { copySubnet, COPY_MARKER } from "../../../src/backends/isc/edits";
import { iscRelationship, iscRelationshipTarget, iscReplication } from "../../../src/backends/isc/schema";
import { replicationScopes } from "../../../src/backends/isc/scopes";
import { dhcpdCheck } from "./conf/helpers";

const ssh = { host: "127.0.0.1", username: "root", hostKeySha256: `SHA256:${"A".repeat(43)}`, privateKey: "k" };
const PARTNER = "192.0.2.12";
const relationship = (name: string) =>
  iscRelationshipTarget(
    iscRelationship.parse({
      vendor: "isc",
      name,
      primary: { name: "dhcp1", address: "192.0.2.11", ssh },
      secondary: { name: "dhcp2", address: PARTNER, ssh },
      isc: { mclt: 600 },
    }),
  );
const trigger = (level: "relationship" | "server", name = "campus") => iscReplication.parse({ vendor: "isc", relationship: relationship(name), source: "dhcp1", level });

const peer = (name: string, partner: string, port: number) =>
  `failover peer "${name}" {\n  primary;\n  address 192.0.2.11;\n  port ${port};\n  peer address ${partner};\n  peer port ${port};\n  mclt 600;\n  split 128;\n}\n`;
const subnet = (third: number, pools: Array<string | null>, extra = "") =>
  `subnet 10.0.${third}.0 netmask 255.255.255.0 {\n${extra}${pools
    .map((p, i) => `  pool {\n${p ? `    failover peer "${p}";\n` : ""}    range 10.0.${third}.${10 + i * 20} 10.0.${third}.${19 + i * 20};\n  }\n`)
    .join("")}}\n`;

// campus and dorm both pair dhcp1 with dhcp2; lab pairs dhcp1 with another server.
const SOURCE = [
  peer("campus", PARTNER, 647),
  peer("dorm", PARTNER, 648),
  peer("lab", "192.0.2.99", 649),
  subnet(1, ["campus"]),
  subnet(2, [null, "campus"], '  option domain-name "two.example";\n  host kiosk {\n    hardware ethernet 02:00:00:00:00:02;\n    fixed-address 10.0.2.5;\n  }\n'),
  subnet(3, ["dorm"]),
  subnet(4, ["lab"]),
  subnet(5, [null]),
  `shared-network floor {\n${subnet(6, ["dorm"])}}\n`,
  "host printer {\n  hardware ethernet 02:00:00:00:00:01;\n  fixed-address 10.0.1.5;\n}\n",
].join("\n");

describe("which subnets a trigger copies", () => {
  it("at relationship level: every subnet with a pool of the relationship's peer, each once, in file order", () => {
    expect(replicationScopes(parse(SOURCE), trigger("relationship"), PARTNER)).toEqual(["10.0.1.0/24", "10.0.2.0/24"]);
    expect(replicationScopes(parse(SOURCE), trigger("relationship", "dorm"), PARTNER)).toEqual(["10.0.3.0/24", "10.0.6.0/24"]);
  });

  it("at server level: every subnet with a pool of any peer shared with the partner, not those of other partners nor unpaired ones", () => {
    expect(replicationScopes(parse(SOURCE), trigger("server"), PARTNER)).toEqual(["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24", "10.0.6.0/24"]);
    expect(replicationScopes(parse(SOURCE), trigger("server"), "192.0.2.99")).toEqual(["10.0.4.0/24"]);
  });

  it("at scope level: exactly the named scopes", () => {
    const spec = iscReplication.parse({ vendor: "isc", relationship: relationship("campus"), source: "dhcp1", level: "scope", scopes: ["10.0.5.0/24"] });
    expect(replicationScopes(parse(SOURCE), spec, PARTNER)).toEqual(["10.0.5.0/24"]);
  });
});

describe("the copy a relationship-level trigger makes", () => {
  const tree = (text: string): Promise<ConfTree> => parseWithIncludes("dhcpd.conf", () => text);
  const PARTNER_CONF = [
    "# dhcp2: its own comment stays\n",
    peer("campus", "192.0.2.11", 647).replace("primary;", "secondary;").replace("  mclt 600;\n  split 128;\n", ""),
    subnet(1, ["campus"], '  option domain-name "stale.example";\n'),
  ].join("\n");

  it("replaces the partner's out-of-date subnets and adds the missing ones, with their hosts inside and outside; dhcpd -t accepts the result", async () => {
    const source = parse(SOURCE);
    const partner = await tree(PARTNER_CONF);
    const warnings = replicationScopes(source, trigger("relationship"), PARTNER).flatMap((scope) => {
      const [network] = scope.split("/") as [string];
      return copySubnet(extractSubnet(source, network, "255.255.255.0"), "dhcp1", "dhcp2", "campus").apply(partner);
    });
    expect(warnings).toEqual(["dhcp2: subnet 10.0.1.0/24 replaced by dhcp1's, with host(s) printer", "dhcp2: subnet 10.0.2.0/24 copied from dhcp1, where it was missing"]);
    const text = print(partner.root);
    expect(text).toContain("# dhcp2: its own comment stays");
    expect(text).not.toContain("stale.example");
    expect(text).toContain('option domain-name "two.example";');
    expect(text).toContain("host kiosk");
    expect(text).toContain("fixed-address 10.0.1.5;");
    // The subnet that was missing is marked as ours, so a membership removal can take it away again.
    expect(findSubnet(partner, "10.0.2.0", "255.255.255.0")!.subnet.leading).toContain(COPY_MARKER);
    expect(findSubnet(partner, "10.0.1.0", "255.255.255.0")!.subnet.leading).not.toContain(COPY_MARKER);
    const check = dhcpdCheck({ "dhcpd.conf": text }, "dhcpd.conf");
    expect(check.output).not.toMatch(/line \d+:/);
    expect(check.ok).toBe(true);
  });
});
