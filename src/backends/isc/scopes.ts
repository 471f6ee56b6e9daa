/** "10.231.11.0/24" <-> the network and netmask dhcpd.conf writes. */
export function networkOf(cidr: string): { network: string; netmask: string } {
  const [network, prefixText] = cidr.split("/") as [string, string];
  const prefix = Number(prefixText);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const netmask = [24, 16, 8, 0].map((shift) => (mask >>> shift) & 0xff).join(".");
  return { network, netmask };
}

export function cidrOf(network: string, netmask: string): string {
  const prefix = netmask.split(".").reduce((bits, octet) => bits + (Number(octet) >>> 0).toString(2).replace(/0/g, "").length, 0);
  return `${network}/${prefix}`;
}
