import { UNKNOWN } from "./unknown";

/**
 * Every property with one of these names holds a secret, wherever it appears in a resource's inputs.
 * The resources move such values out of the inputs into one `secrets` input (marked secret) before
 * the engine sees them, so that the rest of the inputs stays readable in previews and state.
 */
export const SECRET_FIELDS: ReadonlySet<string> = new Set([
  "privateKey",
  "passphrase",
  "password",
  "secret",
  "sharedSecret",
  "basicAuthPassword",
]);

/** Secrets keyed by their dotted path in the inputs, e.g. "primary.ssh.privateKey" or "peers.0.basicAuthPassword". */
export type SecretMap = Record<string, string>;

export interface SplitInputs<T> {
  public: T;
  secrets: SecretMap;
}

export function splitSecrets<T>(value: T, prefix: string[] = []): SplitInputs<T> {
  const secrets: SecretMap = {};
  const walk = (node: unknown, path: string[]): unknown => {
    if (Array.isArray(node)) return node.map((item, index) => walk(item, [...path, String(index)]));
    if (node === null || typeof node !== "object") return node;
    const kept: Array<[string, unknown]> = [];
    for (const [key, inner] of Object.entries(node)) {
      if (SECRET_FIELDS.has(key) && inner !== undefined && inner !== null) {
        secrets[[...path, key].join(".")] = String(inner);
      } else {
        kept.push([key, walk(inner, [...path, key])]);
      }
    }
    // fromEntries defines own properties: a "__proto__" key stays data instead of replacing the prototype.
    return Object.fromEntries(kept);
  };
  return { public: walk(value, prefix) as T, secrets };
}

/**
 * The `secrets` input as the engine sends it. During preview it is the unknown sentinel as soon as any
 * argument is unknown (all secrets travel as one secret value): then no secret is known, and there is no
 * map to read (see withUnknownSecrets for what validation makes of that).
 */
export function knownSecrets(value: unknown): SecretMap {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === "string" && entry[1] !== UNKNOWN));
}

const UNSAFE_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

export function mergeSecrets<T>(value: T, secrets: SecretMap | undefined): T {
  if (!secrets || Object.keys(secrets).length === 0) return value;
  const copy = structuredClone(value) as Record<string, unknown>;
  secrets: for (const [dotted, secret] of Object.entries(secrets)) {
    const path = dotted.split(".");
    if (path.some((segment) => UNSAFE_KEYS.has(segment))) continue;
    let node: Record<string, unknown> = copy;
    for (const segment of path.slice(0, -1)) {
      if (node[segment] === undefined) node[segment] = /^\d+$/.test(segment) ? [] : {};
      const next = node[segment];
      // The enclosing value is unknown (a string during preview): there is nothing to put the secret in.
      if (next === null || typeof next !== "object") continue secrets;
      node = next as Record<string, unknown>;
    }
    node[path[path.length - 1]!] = secret;
  }
  return copy as T;
}

/** The secret values inside a value, for redaction of anything that might echo them. */
export function secretValues(secrets: SecretMap | undefined): string[] {
  return Object.values(secrets ?? {}).filter((value) => value.length > 0);
}

/**
 * Secrets the provider needs again later to reach a server (delete and refresh get only the old outputs):
 * these are kept, encrypted, in outputs. Every other secret keeps only a salted hash.
 */
const CONNECTION_CONTAINERS: ReadonlySet<string> = new Set(["ssh", "overSsh", "local", "api", "omapi"]);

export function isConnectionSecret(path: string): boolean {
  return path.split(".").some((segment) => CONNECTION_CONTAINERS.has(segment));
}
