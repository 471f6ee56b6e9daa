import { randomBytes, scryptSync, timingSafeEqual } from "node:crypto";

// scrypt, so that a hash in a leaked (decrypted) state file is slow to guess; few secrets per run need it.
const N = 2 ** 15;
const R = 8;
const P = 1;
const LENGTH = 32;
const MAX_MEMORY = 64 * 1024 * 1024;

/**
 * A salted, slow hash of a secret that the server never returns (a Windows shared secret, a Kea peer
 * password), kept in state instead of the value so that a changed secret is noticed.
 */
export function hashSecret(value: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(value, salt, LENGTH, { N, r: R, p: P, maxmem: MAX_MEMORY });
  return `scrypt:${N}:${R}:${P}:${salt.toString("base64")}:${hash.toString("base64")}`;
}

export function secretMatches(value: string, stored: string): boolean {
  const [scheme, n, r, p, salt, hash] = stored.split(":");
  if (scheme !== "scrypt" || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64");
  const actual = scryptSync(value, Buffer.from(salt, "base64"), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: MAX_MEMORY,
  });
  return timingSafeEqual(expected, actual);
}
