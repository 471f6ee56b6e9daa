// IPv4 arithmetic for matching subnets and host addresses.
import { isIpv4 } from "./quoting";

export function ipv4ToNumber(address: string): number {
  return address.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
}

/** Whether `address` (a literal IPv4 address) lies in network/netmask. */
export function inSubnet(address: string, network: string, netmask: string): boolean {
  if (!isIpv4(address)) return false;
  const mask = ipv4ToNumber(netmask);
  return (ipv4ToNumber(address) & mask) >>> 0 === (ipv4ToNumber(network) & mask) >>> 0;
}

export function sameAddress(a: string, b: string): boolean {
  return isIpv4(a) && isIpv4(b) && ipv4ToNumber(a) === ipv4ToNumber(b);
}
