import { RESERVED_PROPERTIES } from "../model/state";
import { RELATIONSHIP_OUTPUTS } from "../provider/relationship";
import { readStoredState, storedSpec } from "../provider/storedState";

/** A FailoverRelationship found in a stack's state: its URN and its full spec, connection secrets included. */
export interface StackRelationship {
  urn: string;
  spec: Record<string, unknown>;
}

const DYNAMIC_TYPE = "pulumi-nodejs:dynamic:Resource";
/** How `pulumi stack export --show-secrets` marks a secret value. */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

interface ExportedResource {
  urn?: unknown;
  type?: unknown;
  custom?: unknown;
  delete?: unknown;
  outputs?: unknown;
}

/** Replaces every exported secret by its value; a secret still encrypted means the export lacked --show-secrets. */
function revealed(value: unknown, where: string): unknown {
  if (Array.isArray(value)) return value.map((item) => revealed(item, where));
  if (value === null || typeof value !== "object") return value;
  const object = value as Record<string, unknown>;
  if (object[SECRET_SIG_KEY] === SECRET_SIG) {
    if (typeof object.plaintext !== "string") {
      throw new Error(`${where} holds an encrypted secret: export the stack with --show-secrets (the connection secrets are needed to reach the servers)`);
    }
    return revealed(JSON.parse(object.plaintext), where);
  }
  return Object.fromEntries(Object.entries(object).map(([key, item]) => [key, revealed(item, where)]));
}

function isRelationship(resource: ExportedResource): boolean {
  if (resource.type !== DYNAMIC_TYPE || resource.custom === false || resource.delete === true) return false;
  const outputs = resource.outputs as Record<string, unknown> | undefined;
  return (
    typeof outputs === "object" &&
    outputs !== null &&
    typeof outputs.stateVersion === "number" &&
    RELATIONSHIP_OUTPUTS.every((key) => typeof outputs[key] === "object" && outputs[key] !== null)
  );
}

/** The FailoverRelationships of a `pulumi stack export --show-secrets` document, in state order. */
export function relationshipsFromExport(exported: unknown): StackRelationship[] {
  const deployment = (exported as { deployment?: { resources?: unknown } } | null)?.deployment;
  const resources = deployment?.resources;
  if (!Array.isArray(resources)) throw new Error("not a `pulumi stack export` document: it has no deployment.resources");
  return (resources as ExportedResource[]).filter(isRelationship).map((resource) => {
    const urn = String(resource.urn);
    const outputs = revealed(resource.outputs, urn) as Record<string, unknown>;
    const state = readStoredState(outputs, RELATIONSHIP_OUTPUTS);
    const spec = Object.fromEntries(Object.entries(storedSpec(state)).filter(([key]) => !RESERVED_PROPERTIES.has(key)));
    return { urn, spec };
  });
}
