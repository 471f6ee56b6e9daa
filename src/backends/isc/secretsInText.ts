/**
 * Secrets written in dhcpd.conf text or in what dhcpd and omshell print, found by their syntax rather than
 * declared by the program: a `key` statement's `secret` (dhcpd.conf(5), "secret secret-string;", quoted
 * or not) and omshell's `key NAME SECRET` line (omshell(1)). Pure; tolerant of text that does not parse,
 * since a parser error or dhcpd's echo of a refused line is exactly where they leak.
 */

const QUOTED_SECRET = /\b(secret\s+\\?")([^"\\\n]*)/gi;
const BARE_SECRET = /\b(secret\s+)([A-Za-z0-9+/]+={0,2})(\s*;)/gi;
const OMSHELL_KEY = /(\bkey\s+"?[\w.-]+"?[ \t]+)([A-Za-z0-9+/]{8,}={0,2})(?=\s|$)/g;

/** The value of every `secret` statement in a dhcpd.conf text. */
export function iscSecretsIn(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(QUOTED_SECRET)) if (match[2]) found.push(match[2]);
  for (const match of text.matchAll(BARE_SECRET)) found.push(match[2]!);
  return found;
}

/** The text with every secret its syntax shows blanked out. */
export function maskIscSecrets(text: string): string {
  return text
    .replace(QUOTED_SECRET, (_, head: string, value: string) => (value === "" ? head : `${head}[secret]`))
    .replace(BARE_SECRET, "$1[secret]$3")
    .replace(OMSHELL_KEY, "$1[secret]");
}
