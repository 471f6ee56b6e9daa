// Subnet declarations: find them anywhere, copy one (with its hosts) into another configuration,
// remove one. Failover replicates leases only, so copying the scope is how the partner gets it.
import type { BlockStatement, Conf, Statement } from "./cst";
import { bodiesOf, cloneStatement, isBlock, rootOf } from "./cst";
import { ConfEditError } from "./errors";
import { inSubnet, sameAddress } from "./ipv4";
import { declarationName, hostAddresses, isHost, isSharedNetwork, isSubnet, subnetAddress } from "./kinds";
import type { Place, Style } from "./layout";
import { childIndent, indentOf, insertAt, materialize, removeAt, replaceAt, restyle, styleOf } from "./layout";
import { ConfValue, isIpv4, statementTokens } from "./quoting";
import type { Located } from "./walk";
import { indexIn, isInclude, locate, walk } from "./walk";

export interface SubnetRef {
  subnet: BlockStatement;
  network: string;
  netmask: string;
  /** The shared-network the subnet is declared in, or null. */
  sharedNetwork: string | null;
  /** True when a group encloses the subnet (its parameters then apply to the subnet too). */
  inGroup: boolean;
  file: string;
  line: number;
  column: number;
}

/** A declaration detached from its configuration, with the layout it had there. */
export interface CopiedDeclaration {
  statement: BlockStatement;
  indent: string;
  style: Style;
}

/** What extractSubnet returns and putSubnet inserts. */
export interface SubnetCopy {
  network: string;
  netmask: string;
  sharedNetwork: string | null;
  /** The subnet with everything inside it: options, pools, hosts declared in it. */
  subnet: CopiedDeclaration;
  /** Host declarations outside the subnet with a fixed-address inside it. */
  hosts: CopiedDeclaration[];
  /** Hosts outside the subnet whose fixed-address is a DNS name, so they could not be placed; not copied. */
  unresolvedHosts: string[];
}

export interface PutSubnetResult {
  /** True when a declaration of the same subnet was replaced, false when the subnet was added. */
  replaced: boolean;
  /** True when the subnet's shared-network did not exist in the target and was created empty around it. */
  createdSharedNetwork: boolean;
  hostsAdded: string[];
  hostsReplaced: string[];
  /** Target hosts removed: stale ones of this subnet, and duplicates of copied ones. */
  hostsRemoved: string[];
}

export function listSubnets(conf: Conf): SubnetRef[] {
  const subnets: SubnetRef[] = [];
  for (const located of walk(conf)) if (isSubnet(located.statement)) subnets.push(subnetRef(located as Located<BlockStatement>));
  return subnets;
}

/** The declaration of network/netmask at any depth (outer scope, shared-network, group, includes). */
export function findSubnet(conf: Conf, network: string, netmask: string): SubnetRef | undefined {
  ConfValue.ipv4(network, "subnet network");
  ConfValue.ipv4(netmask, "subnet netmask");
  return listSubnets(conf).find((ref) => sameAddress(ref.network, network) && sameAddress(ref.netmask, netmask));
}

/**
 * Copies a subnet declaration and the hosts that belong to it (a fixed-address inside it) out of
 * `conf`, for putSubnet into another configuration. Throws ConfEditError if it is not declared.
 */
export function extractSubnet(conf: Conf, network: string, netmask: string): SubnetCopy {
  const ref = requireSubnet(conf, network, netmask);
  const style = styleOf(locateOrThrow(conf, ref.subnet).file);
  const copy: SubnetCopy = {
    network: ref.network,
    netmask: ref.netmask,
    sharedNetwork: ref.sharedNetwork,
    subnet: { statement: cloneStatement(ref.subnet, ref.subnet.file), indent: indentOf(ref.subnet), style },
    hosts: [],
    unresolvedHosts: [],
  };
  for (const located of outsideHosts(conf, ref.subnet)) {
    const host = located.statement;
    const addresses = hostAddresses(host);
    if (addresses.some((address) => inSubnet(address, ref.network, ref.netmask))) {
      copy.hosts.push({ statement: cloneStatement(host, host.file), indent: indentOf(host), style: styleOf(located.file) });
    } else if (addresses.some((address) => !isIpv4(address))) {
      copy.unresolvedHosts.push(declarationName(host));
    }
  }
  return copy;
}

/**
 * Puts a copied subnet into `conf`: it replaces the declaration of the same subnet where that is,
 * or goes into the shared-network of the same name (created if missing), or after the last
 * top-level subnet. Copied hosts replace same-named hosts in place or follow the subnet; hosts of
 * this subnet that the copy does not have are removed. Everything is laid out in the target's style.
 */
export function putSubnet(conf: Conf, copy: SubnetCopy): PutSubnetResult {
  const result: PutSubnetResult = { replaced: false, createdSharedNetwork: false, hostsAdded: [], hostsReplaced: [], hostsRemoved: [] };
  const existing = findSubnet(conf, copy.network, copy.netmask);
  let subnet: BlockStatement;
  if (existing) {
    const located = locateOrThrow(conf, existing.subnet);
    subnet = adopt(copy.subnet, located.file.path, indentOf(existing.subnet), styleOf(located.file));
    replaceAt(located.container, indexIn(located), subnet);
    result.replaced = true;
  } else {
    const { place, index, created } = newSubnetPlace(conf, copy.sharedNetwork);
    result.createdSharedNetwork = created;
    const style = styleOf(place.file);
    subnet = adopt(copy.subnet, place.file.path, childIndent(place, style), style);
    insertAt(place, index, subnet);
  }

  const copied = new Map(copy.hosts.map((host) => [declarationName(host.statement), host]));
  const inside = new Set(hostNamesInside(subnet));
  const placed = new Set<string>();
  for (const located of outsideHosts(conf, subnet)) {
    const host = located.statement;
    const name = declarationName(host);
    const replacement = copied.get(name);
    if (replacement && !placed.has(name)) {
      replaceAt(located.container, indexIn(located), adopt(replacement, located.file.path, indentOf(host), styleOf(located.file)));
      placed.add(name);
      result.hostsReplaced.push(name);
    } else if (replacement || inside.has(name) || belongsEntirely(host, copy.network, copy.netmask)) {
      removeAt(located.container, indexIn(located), styleOf(located.file));
      result.hostsRemoved.push(name);
    }
  }

  const anchor = outermostInFile(conf, subnet);
  let index = indexIn(anchor);
  const place: Place = { container: anchor.container, owner: anchor.ancestors[anchor.ancestors.length - 1] ?? null, file: anchor.file };
  if (anchor.container === anchor.file) place.owner = null;
  for (const [name, host] of copied) {
    if (placed.has(name)) continue;
    const style = styleOf(place.file);
    insertAt(place, ++index, adopt(host, place.file.path, childIndent(place, style), style));
    result.hostsAdded.push(name);
  }
  return result;
}

/** Removes the subnet declaration and the hosts outside it whose every fixed-address lies in it. */
export function removeSubnet(conf: Conf, network: string, netmask: string): { removed: boolean; hostsRemoved: string[] } {
  const ref = findSubnet(conf, network, netmask);
  if (!ref) return { removed: false, hostsRemoved: [] };
  const hostsRemoved: string[] = [];
  for (const located of outsideHosts(conf, ref.subnet)) {
    if (!belongsEntirely(located.statement, ref.network, ref.netmask)) continue;
    removeAt(located.container, indexIn(located), styleOf(located.file));
    hostsRemoved.push(declarationName(located.statement));
  }
  const located = locateOrThrow(conf, ref.subnet);
  removeAt(located.container, indexIn(located), styleOf(located.file));
  return { removed: true, hostsRemoved };
}

function subnetRef(located: Located<BlockStatement>): SubnetRef {
  const { statement: subnet, ancestors } = located;
  const sharedNetwork = [...ancestors].reverse().find(isSharedNetwork);
  const first = subnet.head[0];
  return {
    subnet,
    ...subnetAddress(subnet),
    sharedNetwork: sharedNetwork ? declarationName(sharedNetwork) : null,
    inGroup: ancestors.some((a) => isBlock(a, "group")),
    file: subnet.file,
    line: first?.line ?? 0,
    column: first?.column ?? 0,
  };
}

function requireSubnet(conf: Conf, network: string, netmask: string): SubnetRef {
  const ref = findSubnet(conf, network, netmask);
  if (!ref) throw new ConfEditError(`subnet ${network} netmask ${netmask} is not declared in ${rootOf(conf).path}`);
  return ref;
}

function locateOrThrow(conf: Conf, statement: Statement): Located {
  const located = locate(conf, statement);
  if (!located) throw new ConfEditError(`statement from ${statement.file} is not part of this configuration`);
  return located;
}

/** Host declarations not inside `subnet`, collected up front so the caller may edit while iterating. */
function outsideHosts(conf: Conf, subnet: BlockStatement): Located<BlockStatement>[] {
  return [...walk(conf)].filter(
    (l): l is Located<BlockStatement> => isHost(l.statement) && l.statement !== subnet && !l.ancestors.includes(subnet),
  );
}

function hostNamesInside(statement: Statement): string[] {
  return bodiesOf(statement).flatMap((branch) =>
    branch.body.flatMap((child) => [...(isHost(child) ? [declarationName(child)] : []), ...hostNamesInside(child)]),
  );
}

function belongsEntirely(host: BlockStatement, network: string, netmask: string): boolean {
  const addresses = hostAddresses(host);
  return addresses.length > 0 && addresses.every((address) => inSubnet(address, network, netmask));
}

/** A fresh copy of a copied declaration, re-homed and laid out for its new place. */
function adopt(declaration: CopiedDeclaration, file: string, indent: string, style: Style): BlockStatement {
  const statement = cloneStatement(declaration.statement, file);
  restyle(statement, declaration.indent, declaration.style, indent, style);
  return statement;
}

/** Where a subnet that the target lacks goes. */
function newSubnetPlace(conf: Conf, sharedNetworkName: string | null): { place: Place; index: number; created: boolean } {
  const root = rootOf(conf);
  const rootPlace: Place = { container: root, owner: null, file: root };
  const holdsSubnets = (s: Statement): boolean =>
    isSubnet(s) || isSharedNetwork(s) || isBlock(s, "group") || isInclude(s);
  const afterLastScope = (body: readonly Statement[]): number => {
    let index = body.length;
    body.forEach((s, i) => {
      if (holdsSubnets(s)) index = i + 1;
    });
    return index;
  };
  if (sharedNetworkName === null) return { place: rootPlace, index: afterLastScope(root.body), created: false };

  const found = [...walk(conf)].find((l) => isSharedNetwork(l.statement) && declarationName(l.statement as BlockStatement) === sharedNetworkName);
  if (found) {
    const block = found.statement as BlockStatement;
    return { place: { container: block, owner: block, file: found.file }, index: afterLastScope(block.body), created: false };
  }
  const style = styleOf(root);
  const draft = { head: statementTokens(["shared-network"], [ConfValue.string(sharedNetworkName, "shared-network name")]), body: [] };
  const block = materialize(draft, root.path, childIndent(rootPlace, style), style) as BlockStatement;
  insertAt(rootPlace, afterLastScope(root.body), block);
  return { place: { container: block, owner: block, file: root }, index: 0, created: true };
}

/** The outermost statement around `statement` in the same file (itself when it is top-level there). */
function outermostInFile(conf: Conf, statement: Statement): Located {
  const located = locateOrThrow(conf, statement);
  const outer = located.ancestors.find((a) => a.file === located.file.path);
  return outer ? locateOrThrow(conf, outer) : located;
}
