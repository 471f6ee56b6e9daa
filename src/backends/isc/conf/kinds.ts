// Recognises the declarations the backend works with and reads their identifying values.
import type { BlockStatement, SimpleStatement, Statement } from "./cst";
import { isBlock, isPunct, isSimple, isWord } from "./cst";
import { tokenValue } from "./canonical";
import { isIpv4 } from "./quoting";

/** `failover peer NAME { … }` (the name is quoted in practice, but dhcpd also takes a bare name). */
export function isPeerBlock(statement: Statement): statement is BlockStatement {
  return isBlock(statement, "failover", "peer") && statement.head.length === 3 && statement.head[2]?.kind !== "punct";
}

/** `failover peer "NAME";`, the reference a pool makes to a peer. */
export function isPeerReference(statement: Statement): statement is SimpleStatement {
  return isSimple(statement, "failover", "peer") && statement.tokens.length === 3 && statement.tokens[2]?.kind !== "punct";
}

/** The peer name of a declaration or reference. */
export function peerNameOf(statement: BlockStatement | SimpleStatement): string {
  const token = statement.type === "block" ? statement.head[2] : statement.tokens[2];
  return token ? tokenValue(token) : "";
}

export function isPool(statement: Statement): statement is BlockStatement {
  return isBlock(statement, "pool") && statement.head.length === 1;
}

/** `subnet NETWORK netmask MASK { … }` with literal IPv4 addresses. */
export function isSubnet(statement: Statement): statement is BlockStatement {
  if (!isBlock(statement, "subnet") || statement.head.length !== 4) return false;
  const [, network, netmask, mask] = statement.head;
  return isIpv4(network?.raw ?? "") && isWord(netmask, "netmask") && isIpv4(mask?.raw ?? "");
}

export function subnetAddress(subnet: BlockStatement): { network: string; netmask: string } {
  return { network: subnet.head[1]?.raw ?? "", netmask: subnet.head[3]?.raw ?? "" };
}

export function isSharedNetwork(statement: Statement): statement is BlockStatement {
  return isBlock(statement, "shared-network") && statement.head.length === 2;
}

export function isHost(statement: Statement): statement is BlockStatement {
  return isBlock(statement, "host") && statement.head.length === 2;
}

/** The name after `host`, `shared-network` and the like. */
export function declarationName(block: BlockStatement): string {
  const token = block.head[1];
  return token ? tokenValue(token) : "";
}

/** The values of a host's `fixed-address a, b;` statements: IPv4 literals or DNS names. */
export function hostAddresses(host: BlockStatement): string[] {
  const addresses: string[] = [];
  for (const statement of host.body) {
    if (!isSimple(statement, "fixed-address")) continue;
    for (const token of statement.tokens.slice(1)) if (!isPunct(token, ",")) addresses.push(tokenValue(token));
  }
  return addresses;
}
