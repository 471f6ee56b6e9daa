/**
 * config-get returns the configuration as written, passwords included (HA peers' basic-auth-password,
 * database passwords...). Every such value is handed to the run's redactor as soon as it is read, so that
 * no log line, error or output can carry it. Pure.
 */
import type { Json } from "../backend";

const SECRET_KEY = /password|secret|passphrase|token/i;

/** Every string held under a key that names a secret, anywhere in the value. */
export function secretsIn(value: Json | undefined): string[] {
  const found: string[] = [];
  const walk = (node: Json | undefined, key: string | undefined) => {
    if (typeof node === "string") {
      if (key !== undefined && SECRET_KEY.test(key) && !/-file$/.test(key) && node.length > 0) found.push(node);
      return;
    }
    if (Array.isArray(node)) {
      for (const item of node) walk(item, key);
      return;
    }
    if (node !== null && typeof node === "object") for (const [k, v] of Object.entries(node)) walk(v, k);
  };
  walk(value, undefined);
  return found;
}

// A JSON member whose key names a secret, also inside a JSON string (Kea quotes the command it refuses).
const SECRET_MEMBER = /(\\?"([\w-]*)\\?"\s*:\s*\\?")((?:[^"\\]|\\[^"])*)(?=\\?")/g;

/** The text (a Kea answer, an error quoting one) with the value of every secret-named JSON member blanked out. */
export function maskKeaSecrets(text: string): string {
  return text.replace(SECRET_MEMBER, (whole, head: string, key: string, value: string) =>
    SECRET_KEY.test(key) && !/-file$/.test(key) && value !== "" ? `${head}[secret]` : whole,
  );
}
