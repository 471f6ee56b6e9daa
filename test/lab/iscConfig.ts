import type { IscServerInfo, LabInfo } from "./labInfo.ts";

/**
 * The ISC servers' base dhcpd.conf: no failover (adding it is the library's job), OMAPI on, and comments
 * a real administrator might write, because the library must keep them byte for byte.
 */

function netmask(prefixLength: number): string {
  const bits = prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
  return [24, 16, 8, 0].map((shift) => (bits >>> shift) & 0xff).join(".");
}

function subnetHead(cidrText: string): string {
  const [network, prefix] = cidrText.split("/") as [string, string];
  return `subnet ${network} netmask ${netmask(Number(prefix))}`;
}

/** The first three octets of a /24, e.g. "10.231.11". */
function base(cidrText: string): string {
  return cidrText.split("/")[0]!.split(".").slice(0, 3).join(".");
}

function branchSubnets(extraSubnets: string[]): string {
  const [branchA, branchB] = extraSubnets as [string, string];
  const a = base(branchA);
  const b = base(branchB);
  return `
# Branch office A, relayed by its router at ${a}.1.
# Only this server knows it for now; the partner must get a copy before failover covers it.
${subnetHead(branchA)} {
  option routers ${a}.1;
  option domain-name "branch-a.lab.example";
  option domain-name-servers ${a}.2, ${a}.3;

  pool {
    range ${a}.50 ${a}.150;
  }

  # The label printer must keep its address: the warehouse app has it hard-coded.
  host printer-a1 {
    hardware ethernet 02:00:0a:e7:0b:0a;
    fixed-address ${a}.10;
  }
}

# Branch office B: small site, longer leases to ride out WAN outages.
${subnetHead(branchB)} {
  option routers ${b}.1;
  option ntp-servers ${b}.5;
  default-lease-time 600;
  max-lease-time 1200;

  pool {
    range ${b}.20 ${b}.80;
  }
}
`;
}

export function renderDhcpdConfig(info: LabInfo, server: IscServerInfo, withExtraSubnets: boolean): string {
  const { omapi } = server;
  const partner = info.isc.servers.find((s) => s.name !== server.name)!;
  return `# dhcpd.conf for ${server.name} (${server.address}), ISC DHCP 4.4
# Lab base configuration written by test/lab; its pristine copy is ${server.pristineConfigPath}.
# Partner server: ${partner.name} (${partner.address}). No failover yet.

authoritative;
ddns-update-style none;

# Short leases so that tests see renewals within seconds.
default-lease-time 120;
max-lease-time 300;

# Lab clients keep their address between runs: skip the ICMP probe before an offer.
ping-check false;

# OMAPI, for omshell and the failover state machine.
key ${omapi.keyName} {
  algorithm ${omapi.algorithm};
  secret "${omapi.secret}";
}
omapi-port ${omapi.port};
omapi-key ${omapi.keyName};

# Access network (the lab bridge). Both servers declare the same pool.
${subnetHead(info.isc.subnet)} {
  option routers ${info.isc.gateway};
  option domain-name "isc.lab.example";

  pool {
    range ${info.isc.pool.first} ${info.isc.pool.last};
  }
}
${withExtraSubnets ? branchSubnets(info.isc.extraSubnets) : ""}`;
}
