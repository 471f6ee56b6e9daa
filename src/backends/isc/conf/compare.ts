// Semantic comparison of two copies of a subnet (for "out of sync" reports): comments, whitespace,
// keyword case and statement order do not matter; pools are matched by their ranges, hosts and
// other blocks by their heads, so reordering them is not a difference either.
import type { BlockStatement, Statement, Token } from "./cst";
import { headOf } from "./cst";
import { canonicalStatement, canonicalTokens } from "./canonical";
import { declarationName, isHost, isPool } from "./kinds";
import type { SubnetCopy } from "./subnets";

export interface CompareLabels {
  left: string;
  right: string;
}

/** Human-readable differences between two copies of a subnet and its hosts; empty when in sync. */
export function compareSubnets(left: SubnetCopy, right: SubnetCopy, labels: CompareLabels = { left: "left", right: "right" }): string[] {
  const out: string[] = [];
  const where = `subnet ${left.network} netmask ${left.netmask}`;
  if (canonicalTokens(left.subnet.statement.head) !== canonicalTokens(right.subnet.statement.head)) {
    out.push(`${where}: declared as "${canonicalTokens(left.subnet.statement.head)}" on ${labels.left} but "${canonicalTokens(right.subnet.statement.head)}" on ${labels.right}`);
  }
  if (left.sharedNetwork !== right.sharedNetwork) {
    out.push(`${where}: in shared-network ${show(left.sharedNetwork)} on ${labels.left} but ${show(right.sharedNetwork)} on ${labels.right}`);
  }
  compareBodies(where, left.subnet.statement.body, right.subnet.statement.body, labels, out);
  compareBodies(`hosts of ${where}`, left.hosts.map((h) => h.statement), right.hosts.map((h) => h.statement), labels, out);
  return out;
}

function compareBodies(where: string, left: readonly Statement[], right: readonly Statement[], labels: CompareLabels, out: string[]): void {
  const a = group(left);
  const b = group(right);
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const l = a.get(key) ?? [];
    const r = b.get(key) ?? [];
    const lBlocks = l.filter((s): s is BlockStatement => s.type === "block");
    const rBlocks = r.filter((s): s is BlockStatement => s.type === "block");
    if (lBlocks.length === 1 && rBlocks.length === 1 && l.length === 1 && r.length === 1) {
      compareBodies(`${where} > ${key}`, (lBlocks[0] as BlockStatement).body, (rBlocks[0] as BlockStatement).body, labels, out);
      continue;
    }
    const lValues = l.map(valueText).sort();
    const rValues = r.map(valueText).sort();
    if (lValues.join("\n") === rValues.join("\n")) continue;
    if (r.length === 0) out.push(`${where}: ${describe(key, l, lValues)} only on ${labels.left}`);
    else if (l.length === 0) out.push(`${where}: ${describe(key, r, rValues)} only on ${labels.right}`);
    else out.push(`${where}: ${key} is ${lValues.join("; ")} on ${labels.left} but ${rValues.join("; ")} on ${labels.right}`);
  }
}

/** Statements keyed by what they set, so the same setting is compared with itself. */
function group(statements: readonly Statement[]): Map<string, Statement[]> {
  const groups = new Map<string, Statement[]>();
  for (const statement of statements) {
    const key = keyOf(statement);
    groups.set(key, [...(groups.get(key) ?? []), statement]);
  }
  return groups;
}

const TWO_WORD_KEYS = new Set(["option", "supersede", "default", "prepend", "append", "send", "peer", "failover"]);
/** Statements that may repeat with different values, each being its own setting. */
const MULTI_VALUED = new Set(["range", "range6", "allow", "deny", "ignore", "include", "match", "spawn"]);

/** How many leading tokens of a simple statement name the setting; the rest is its value. */
function keyLength(tokens: readonly Token[]): number {
  const first = tokens[0]?.raw.toLowerCase() ?? "";
  if (MULTI_VALUED.has(first)) return tokens.length;
  if (first === "load") return 4;
  return TWO_WORD_KEYS.has(first) ? 2 : 1;
}

function keyOf(statement: Statement): string {
  if (isPool(statement)) {
    const ranges = statement.body.filter((s) => s.type === "simple" && /^range6?$/i.test(s.tokens[0]?.raw ?? ""));
    return `pool (${ranges.map((s) => canonicalTokens(headOf(s))).sort().join(", ") || "no range"})`;
  }
  if (isHost(statement)) return `host ${declarationName(statement)}`;
  if (statement.type !== "simple") return canonicalTokens(headOf(statement));
  return canonicalTokens(statement.tokens.slice(0, keyLength(statement.tokens)));
}

/** The value part of a statement, or the whole of a block, normalised. */
function valueText(statement: Statement): string {
  if (statement.type !== "simple") return canonicalStatement(statement);
  return canonicalTokens(statement.tokens.slice(keyLength(statement.tokens))).replace(/ ,/g, ",");
}

/** The setting and its values as a reader would write them. */
function describe(key: string, statements: readonly Statement[], values: readonly string[]): string {
  const shown = statements.every((s) => s.type === "simple") ? values.filter((v) => v !== "") : [];
  return shown.length ? `${key} ${shown.join("; ")}` : key;
}

function show(name: string | null): string {
  return name === null ? "none" : JSON.stringify(name);
}
