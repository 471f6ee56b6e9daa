import type { Json } from "../backends/backend";
import { isConnectionSecret, knownSecrets, mergeSecrets, splitSecrets, type SecretMap } from "../model/secrets";
import { RESERVED_PROPERTIES, STATE_VERSION } from "../model/state";
import { hashSecret, secretMatches } from "./secretHash";

/** What this library keeps in a resource's outputs besides the extra outputs of its kind. */
export interface StoredState {
  stateVersion: number;
  /** The spec's public values, as validated (defaults applied). */
  spec: Record<string, unknown>;
  /** Connection secrets, kept (encrypted by the engine) because delete and refresh need them. */
  secrets: SecretMap;
  /** Salted hashes of every other secret. */
  secretHashes: Record<string, string>;
}

/** The spec as the handlers and backends use it: wire inputs without reserved keys, the known secrets put back in place. */
export function specFromInputs(inputs: Record<string, unknown>): Record<string, unknown> {
  return mergeSecrets(publicPart(inputs), knownSecrets(inputs.secrets));
}

export function publicPart(values: Record<string, unknown>, extraKeys: readonly string[] = []): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(values).filter(([key]) => !RESERVED_PROPERTIES.has(key) && !extraKeys.includes(key)),
  );
}

/**
 * Reads outputs written by any release. Version 1 is the first format; later versions add migrations here,
 * oldest first, so that delete and refresh of old stacks keep working.
 */
export function readStoredState(outputs: Record<string, unknown>, extraKeys: readonly string[]): StoredState {
  const version = typeof outputs.stateVersion === "number" ? outputs.stateVersion : 0;
  if (version > STATE_VERSION) {
    throw new Error(
      `this stack was written by a newer pulumi-dhcp-failover (state format ${version}, this one reads up to ${STATE_VERSION}): upgrade the package`,
    );
  }
  if (version < 1) {
    throw new Error(`state format ${version} is not one this library ever wrote: the stack's state is damaged`);
  }
  return {
    stateVersion: version,
    spec: publicPart(outputs, extraKeys),
    secrets: (outputs.secrets as SecretMap | undefined) ?? {},
    secretHashes: (outputs.secretHashes as Record<string, string> | undefined) ?? {},
  };
}

/** The full spec of a stored resource: its public values and the connection secrets it kept. */
export function storedSpec(state: StoredState): Record<string, unknown> {
  return mergeSecrets(state.spec, state.secrets);
}

/** Splits a validated spec for storage: connection secrets kept, other secrets hashed (reusing unchanged hashes). */
export function storeSecrets(spec: unknown, previousHashes: Record<string, string> = {}): { spec: Record<string, unknown>; secrets: SecretMap; secretHashes: Record<string, string> } {
  const split = splitSecrets(spec as Record<string, unknown>);
  const secrets: SecretMap = {};
  const secretHashes: Record<string, string> = {};
  for (const [path, value] of Object.entries(split.secrets)) {
    if (isConnectionSecret(path)) secrets[path] = value;
    else {
      const previous = previousHashes[path];
      secretHashes[path] = previous !== undefined && secretMatches(value, previous) ? previous : hashSecret(value);
    }
  }
  return { spec: split.public, secrets, secretHashes };
}

/** Paths of secrets that differ between the stored state and new inputs' secrets. */
export function changedSecrets(state: StoredState, next: SecretMap | undefined): string[] {
  const nextSecrets = next ?? {};
  const paths = new Set([...Object.keys(nextSecrets), ...Object.keys(state.secrets), ...Object.keys(state.secretHashes)]);
  const changed: string[] = [];
  for (const path of paths) {
    const value = nextSecrets[path];
    if (isConnectionSecret(path)) {
      if (value !== state.secrets[path]) changed.push(path);
      continue;
    }
    const hash = state.secretHashes[path];
    if (value === undefined || hash === undefined) {
      if (value !== hash) changed.push(path);
    } else if (!secretMatches(value, hash)) {
      changed.push(path);
    }
  }
  return changed.sort();
}

/** Outputs travel as protobuf Structs: no undefined, Date, BigInt or Buffer. JSON is exactly what fits. */
export function plainJson(value: unknown): Json {
  return JSON.parse(JSON.stringify(value ?? null)) as Json;
}
