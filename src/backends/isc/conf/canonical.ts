// Formatting-independent text of tokens and statements, for comparing configurations: comments
// and whitespace are dropped, keywords and hex are lower-cased, strings compare by value.
import type { Statement, Token } from "./cst";
import { decodeString } from "./quoting";

/** A string token's decoded value, or a word's or punctuation's text. */
export function tokenValue(token: Token): string {
  return token.kind === "string" ? decodeString(token.raw) : token.raw;
}

export function canonicalToken(token: Token): string {
  if (token.kind === "string") return JSON.stringify(decodeString(token.raw));
  if (token.kind === "punct") return token.raw;
  const lower = token.raw.toLowerCase();
  // 0:1:a and 00:01:0A are the same octets to dhcpd.
  if (/^[0-9a-f]{1,2}(:[0-9a-f]{1,2})+$/.test(lower)) return lower.split(":").map((octet) => octet.padStart(2, "0")).join(":");
  return lower;
}

export function canonicalTokens(tokens: readonly Token[]): string {
  return tokens.map(canonicalToken).join(" ");
}

/** The whole statement, nested bodies included, on one line. */
export function canonicalStatement(statement: Statement): string {
  switch (statement.type) {
    case "simple":
      return `${canonicalTokens(statement.tokens)} ;`;
    case "label":
      return canonicalTokens(statement.tokens);
    case "block":
      return `${canonicalTokens(statement.head)} { ${statement.body.map(canonicalStatement).join(" ")} }`;
    case "conditional":
      return statement.branches
        .map((branch) => `${canonicalTokens(branch.head)} { ${branch.body.map(canonicalStatement).join(" ")} }`)
        .join(" ");
  }
}
