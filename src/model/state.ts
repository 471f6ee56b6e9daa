/**
 * Outputs carry the format they were written in. Delete and refresh run the handlers installed NOW on
 * state written by any earlier release, so every reader migrates old formats up to the current one.
 */
export const STATE_VERSION = 1;

/** Output properties every resource of this library writes, besides its public inputs. */
export const COMMON_OUTPUTS = ["stateVersion", "secrets", "secretHashes", "warnings"] as const;

/** Input and output properties the engine and this library manage, never part of a spec. */
export const RESERVED_PROPERTIES: ReadonlySet<string> = new Set(["__provider", "secrets", "stateVersion", "secretHashes", "warnings"]);
