import type { FailoverStatus, ServerStatus } from "../backends/backend";
import { backendFor, isVendor, type AnyBackend } from "../backends/registry";
import { secretValues, splitSecrets } from "../model/secrets";
import { formatFailures, validate } from "../model/validate";
import { operationContext, type OperationContext } from "../provider/context";
import type { RelationshipRow } from "./view";

/** A relationship spec as the program declared it (or as the stack stored it), secrets included. */
export type RelationshipSpec = Record<string, unknown>;

export interface ParsedRelationship {
  backend: AnyBackend;
  spec: Record<string, unknown>;
  label: string;
}

/** Validates a spec with its vendor's schema, so the view reaches servers exactly as the provider would. */
export function parseRelationship(spec: RelationshipSpec, where: string): ParsedRelationship {
  const vendor = spec.vendor;
  if (!isVendor(vendor)) throw new Error(`${where}: vendor must be "isc", "kea" or "windows", not ${JSON.stringify(vendor)}`);
  const backend = backendFor(vendor);
  const result = validate(backend.schemas.relationship, spec);
  if (!result.ok) throw new Error(`${where}: not a valid ${vendor} relationship:\n${formatFailures(result.failures)}`);
  const parsed = result.value as Record<string, unknown>;
  return { backend, spec: parsed, label: `FailoverRelationship "${String(parsed.name)}"` };
}

/** Runs `body` with the run's shared context, which knows (to redact them) every secret of `spec`. */
export async function withRelationshipContext<T>(relationship: ParsedRelationship, body: (ctx: OperationContext) => Promise<T>): Promise<T> {
  const { ctx, done } = operationContext(relationship.label, secretValues(splitSecrets(relationship.spec).secrets));
  try {
    return await body(ctx);
  } catch (error) {
    throw ctx.redactor.redactError(error instanceof Error ? error : new Error(String(error)));
  } finally {
    await done();
  }
}

function sideState(status: FailoverStatus, server: string): ServerStatus {
  // Kea's passive-backup lists its backups as the secondary: the first one stands for them.
  const name = server.split(", ")[0] ?? server;
  return status[name] ?? { state: "unknown", error: `${name} did not report a state` };
}

/** One row of the view: the relationship's summary and each side's state, read live from the servers. */
export async function liveRow(relationship: ParsedRelationship, status?: FailoverStatus): Promise<RelationshipRow> {
  const { backend, spec } = relationship;
  const summary = backend.relationship.summary(spec);
  const live = status ?? (await withRelationshipContext(relationship, (ctx) => backend.relationship.status(ctx, backend.relationship.target(spec))));
  return {
    name: String(spec.name),
    vendor: backend.vendor,
    summary,
    primaryState: sideState(live, summary.primary),
    secondaryState: sideState(live, summary.secondary),
  };
}
