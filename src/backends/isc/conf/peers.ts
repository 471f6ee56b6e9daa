// `failover peer "NAME" { … }` declarations: find, read as data, create, update in place, remove.
import type { BlockStatement, Conf, Token } from "./cst";
import { headOf, isBlock, isSimple, isWord, rootOf, startsWithWords } from "./cst";
import { canonicalStatement, canonicalTokens, tokenValue } from "./canonical";
import { ConfEditError } from "./errors";
import type { Draft, Place } from "./layout";
import { childIndent, insertAt, materialize, removeAt, styleOf } from "./layout";
import { declarationName, isPeerBlock, isPeerReference, isPool, peerNameOf } from "./kinds";
import { listPoolPeers } from "./pools";
import type { PoolRef } from "./pools";
import { ConfValue, statementTokens } from "./quoting";
import { removeIn, setIn } from "./statements";
import type { Located } from "./walk";
import { fileOf, indexIn, isInclude, locate, walk, walkFrom } from "./walk";

/** Desired state of a peer declaration; optional settings are omitted from the block when undefined. */
export interface FailoverPeerSpec {
  name: string;
  role: "primary" | "secondary";
  /** Where this server listens: an IPv4 address or DNS name. */
  address: string;
  port?: number;
  peerAddress: string;
  peerPort?: number;
  maxResponseDelay?: number;
  maxUnackedUpdates?: number;
  mclt?: number;
  split?: number;
  hba?: string;
  loadBalanceMaxSeconds?: number;
  autoPartnerDown?: number;
  maxLeaseMisbalance?: number;
  maxLeaseOwnership?: number;
  minBalance?: number;
  maxBalance?: number;
}

type Setting = Exclude<keyof FailoverPeerSpec, "name" | "role">;

interface Field {
  setting: Setting;
  keywords: readonly string[];
  value: (input: never) => ConfValue;
  /** The statement's value as the spec holds it, or undefined when it does not parse. */
  read: (tokens: readonly Token[]) => string | number | undefined;
}

/** 32 octets: dhcpd reads hba with parse_numeric_aggregate(…, COLON, 16, 8) and wants exactly 32 bytes (confpars.c). */
const HBA_OCTETS = 32;

/**
 * An hba's colon list, normalised (lower case, two digits per octet). dhcpd's lexer skips whitespace
 * between the octets and colons, so the list may span lines: dhcpd.conf(5)'s own example splits it in two.
 */
function readHba(tokens: readonly Token[]): string | undefined {
  if (tokens.length === 0 || tokens.some((t) => t.kind !== "word")) return undefined;
  const octets = tokens.map((t) => t.raw).join("").split(":");
  if (octets.length !== HBA_OCTETS || !octets.every((o) => /^[0-9a-fA-F]{1,2}$/.test(o))) return undefined;
  return octets.map((o) => o.toLowerCase().padStart(2, "0")).join(":");
}

const uint = (setting: Setting, keywords: string[], max = 0xffffffff, min = 0): Field => ({
  setting,
  keywords,
  value: (n: number) => ConfValue.integer(n, keywords.join(" "), min, max),
  read: (tokens) => (tokens.length === 1 && /^\d+$/.test(tokens[0]?.raw ?? "") ? Number(tokens[0]?.raw) : undefined),
});
const host = (setting: Setting, keywords: string[]): Field => ({
  setting,
  keywords,
  value: (s: string) => ConfValue.host(s, keywords.join(" ")),
  read: (tokens) => (tokens.length === 1 && tokens[0]?.kind === "word" ? tokens[0].raw : undefined),
});

/** Peer statements in the order new blocks list them (dhcpd.conf(5), "DHCP FAILOVER"). */
const FIELDS: readonly Field[] = [
  host("address", ["address"]),
  uint("port", ["port"], 65535, 1),
  host("peerAddress", ["peer", "address"]),
  uint("peerPort", ["peer", "port"], 65535, 1),
  uint("maxResponseDelay", ["max-response-delay"]),
  uint("maxUnackedUpdates", ["max-unacked-updates"]),
  uint("mclt", ["mclt"]),
  uint("split", ["split"], 256),
  {
    setting: "hba",
    keywords: ["hba"],
    value: (s: string) => ConfValue.hex(s, "hba", HBA_OCTETS),
    read: readHba,
  },
  uint("loadBalanceMaxSeconds", ["load", "balance", "max", "seconds"]),
  uint("autoPartnerDown", ["auto-partner-down"]),
  uint("maxLeaseMisbalance", ["max-lease-misbalance"], 100),
  uint("maxLeaseOwnership", ["max-lease-ownership"], 100),
  uint("minBalance", ["min-balance"]),
  uint("maxBalance", ["max-balance"]),
];

export interface PeerRef {
  name: string;
  block: BlockStatement;
  /** dhcpd accepts peers only at the outer scope or directly in a shared-network. */
  scope: "outer" | "shared-network" | "misplaced";
  sharedNetwork: string | null;
  file: string;
  line: number;
  column: number;
}

export interface PeerStatement {
  /** The keywords, lower-case and space-separated: "peer address", "load balance max seconds", "mclt". */
  keyword: string;
  args: string[];
  line: number;
  column: number;
}

export interface FailoverPeerDecl {
  name: string;
  settings: Partial<Omit<FailoverPeerSpec, "name">>;
  /** Every statement of the block, known or not. */
  statements: PeerStatement[];
  /** Statements this library does not model, or whose value does not parse, as written (normalised). */
  unrecognized: string[];
}

/** Every peer declaration, with the scope it sits in. */
export function findFailoverPeers(conf: Conf): PeerRef[] {
  const peers: PeerRef[] = [];
  for (const located of walk(conf)) {
    if (isPeerBlock(located.statement)) peers.push(peerRef(located as Located<BlockStatement>));
  }
  return peers;
}

export function findFailoverPeer(conf: Conf, name: string): PeerRef | undefined {
  return findFailoverPeers(conf).find((peer) => peer.name === name);
}

/** A peer block's statements as data. */
export function readFailoverPeer(block: BlockStatement): FailoverPeerDecl {
  const decl: FailoverPeerDecl = { name: peerNameOf(block), settings: {}, statements: [], unrecognized: [] };
  for (const statement of block.body) {
    const tokens = headOf(statement);
    const field = statement.type === "simple" ? FIELDS.find((f) => startsWithWords(tokens, f.keywords)) : undefined;
    const keywordCount = field ? field.keywords.length : 1;
    const first = tokens[0];
    decl.statements.push({
      keyword: field ? field.keywords.join(" ") : (first?.raw.toLowerCase() ?? ""),
      args: tokens.slice(keywordCount).map(tokenValue),
      line: first?.line ?? 0,
      column: first?.column ?? 0,
    });
    const value = field?.read(tokens.slice(keywordCount));
    if (field && value !== undefined) {
      (decl.settings as Record<string, unknown>)[field.setting] = value;
    } else if (statement.type === "simple" && tokens.length === 1 && (isWord(first, "primary") || isWord(first, "secondary"))) {
      decl.settings.role = first?.raw.toLowerCase() as "primary" | "secondary";
    } else {
      decl.unrecognized.push(statement.type === "simple" ? `${canonicalTokens(tokens)};` : canonicalStatement(statement));
    }
  }
  return decl;
}

/**
 * Adds a peer declaration at the outer scope: after the last outer-scope peer if that comes
 * before any pool, otherwise before the first top-level statement that holds or may hold pools
 * (subnet, shared-network, group, include), since dhcpd needs the peer declared before a pool
 * names it. Throws ConfEditError if a peer of that name exists, ConfValueError for a bad value.
 */
export function createFailoverPeer(conf: Conf, spec: FailoverPeerSpec): BlockStatement {
  const draft = peerDraft(spec);
  if (findFailoverPeer(conf, spec.name)) {
    throw new ConfEditError(`failover peer "${spec.name}" already exists; use replaceFailoverPeer to change it`);
  }
  const root = rootOf(conf);
  const place: Place = { container: root, owner: null, file: root };
  const style = styleOf(root);
  const block = materialize(draft, root.path, childIndent(place, style), style) as BlockStatement;
  insertAt(place, peerInsertionIndex(conf), block);
  return block;
}

/**
 * Brings an existing peer block to `spec`, statement by statement: equal statements and comments
 * stay as they are, changed values are rewritten in place, settings absent from the spec are
 * removed, new ones are added in the usual order, and statements this library does not model are
 * kept. Throws ConfEditError if there is no such peer.
 */
export function replaceFailoverPeer(conf: Conf, spec: FailoverPeerSpec): BlockStatement {
  const values = peerValues(spec);
  const peer = findFailoverPeer(conf, spec.name);
  if (!peer) throw new ConfEditError(`failover peer "${spec.name}" does not exist; use createFailoverPeer to add it`);
  const block = peer.block;
  const place: Place = { container: block, owner: block, file: fileOf(conf, block) };

  const roles = block.body.filter((s) => isSimple(s, "primary") || isSimple(s, "secondary"));
  if (!roles.some((s) => isSimple(s, spec.role))) {
    removeIn(place, ["primary"]);
    removeIn(place, ["secondary"]);
    setIn(place, [spec.role], [], 0);
  } else {
    removeIn(place, [spec.role === "primary" ? "secondary" : "primary"]);
    setIn(place, [spec.role], []);
  }
  FIELDS.forEach((field, i) => {
    const value = values.get(field.setting);
    if (value === undefined) {
      removeIn(place, field.keywords);
      return;
    }
    if (holdsValue(block, field, spec[field.setting])) return;
    const earlier = [["primary"], ["secondary"], ...FIELDS.slice(0, i).map((f) => f.keywords)];
    const after = block.body.reduce(
      (last, s, index) => (s.type === "simple" && earlier.some((k) => startsWithWords(s.tokens, k)) ? index : last),
      -1,
    );
    setIn(place, field.keywords, [value], after + 1);
  });
  return block;
}

export interface RemovePeerResult {
  removed: boolean;
  /** Pools still naming the peer: dhcpd refuses to start until they name another or none. */
  references: PoolRef[];
}

/** Removes every declaration of the peer; pool references are left for the caller to decide. */
export function removeFailoverPeer(conf: Conf, name: string): RemovePeerResult {
  const peers = findFailoverPeers(conf).filter((peer) => peer.name === name);
  for (const peer of peers) {
    const located = locate(conf, peer.block);
    if (located) removeAt(located.container, indexIn(located), styleOf(located.file));
  }
  return { removed: peers.length > 0, references: listPoolPeers(conf).filter((pool) => pool.peer === name) };
}

/**
 * Whether the block already has exactly one statement for the field and it means `wanted`: then it
 * stays byte for byte, whatever its layout (an hba over two lines, upper-case hex).
 */
function holdsValue(block: BlockStatement, field: Field, wanted: unknown): boolean {
  const matches = block.body.filter((s) => s.type === "simple" && startsWithWords(s.tokens, field.keywords));
  const [only] = matches;
  if (matches.length !== 1 || only?.type !== "simple") return false;
  const held = field.read(only.tokens.slice(field.keywords.length));
  return held !== undefined && held === (field.setting === "hba" ? readHba([{ kind: "word", raw: String(wanted), pre: "", line: 0, column: 0 }]) : wanted);
}

function peerRef(located: Located<BlockStatement>): PeerRef {
  const { statement: block, ancestors } = located;
  const outer = ancestors[0];
  const inSharedNetwork = ancestors.length === 1 && outer !== undefined && isBlock(outer, "shared-network");
  const first = block.head[0];
  return {
    name: peerNameOf(block),
    block,
    scope: ancestors.length === 0 ? "outer" : inSharedNetwork ? "shared-network" : "misplaced",
    sharedNetwork: inSharedNetwork && outer?.type === "block" ? declarationName(outer) : null,
    file: block.file,
    line: first?.line ?? 0,
    column: first?.column ?? 0,
  };
}

function peerValues(spec: FailoverPeerSpec): Map<Setting, ConfValue> {
  if (spec.role !== "primary" && spec.role !== "secondary") {
    throw new ConfEditError(`failover peer role must be "primary" or "secondary", not ${JSON.stringify(spec.role)}`);
  }
  ConfValue.peerName(spec.name);
  if (spec.split !== undefined && spec.hba !== undefined) {
    throw new ConfEditError(`failover peer "${spec.name}": set split or hba, not both (dhcpd rejects the pair)`);
  }
  const values = new Map<Setting, ConfValue>();
  for (const field of FIELDS) {
    const input = spec[field.setting];
    if (input !== undefined) values.set(field.setting, field.value(input as never));
  }
  for (const required of ["address", "peerAddress"] as const) {
    if (!values.has(required)) throw new ConfEditError(`failover peer "${spec.name}": ${required} is required`);
  }
  return values;
}

function peerDraft(spec: FailoverPeerSpec): Draft {
  const values = peerValues(spec);
  const body: Draft[] = [{ head: statementTokens([spec.role]) }];
  for (const field of FIELDS) {
    const value = values.get(field.setting);
    if (value) body.push({ head: statementTokens(field.keywords, [value]) });
  }
  return { head: statementTokens(["failover", "peer"], [ConfValue.peerName(spec.name)]), body };
}

function peerInsertionIndex(conf: Conf): number {
  const root = rootOf(conf);
  const topLevel: Located[] = root.body.map((statement) => ({ statement, container: root, file: root, ancestors: [] }));
  const mayHoldPools = (l: Located): boolean => {
    const s = l.statement;
    if (isBlock(s, "subnet") || isBlock(s, "subnet6") || isBlock(s, "shared-network") || isBlock(s, "group") || isInclude(s)) return true;
    for (const inner of walkFrom(conf, l)) {
      if (isPool(inner.statement) || isPeerReference(inner.statement)) return true;
    }
    return false;
  };
  const firstPools = topLevel.findIndex(mayHoldPools);
  let lastPeer = -1;
  root.body.forEach((s, i) => {
    if (isPeerBlock(s)) lastPeer = i;
  });
  if (lastPeer >= 0 && (firstPools < 0 || lastPeer < firstPools)) return lastPeer + 1;
  return firstPools >= 0 ? firstPools : root.body.length;
}
