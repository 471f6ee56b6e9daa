import type { z } from "zod";
import { unreadable } from "../backends/errors";
import { backendFor, isVendor, type AnyBackend } from "../backends/registry";
import { knownSecrets, secretValues } from "../model/secrets";
import { containsUnknown, isUnknown } from "../model/unknown";
import { withUnknownSecrets } from "../model/unknownSecrets";
import { validate, type CheckFailure } from "../model/validate";
import { scopeClaims } from "./claims";
import { operationContext } from "./context";
import { specFromInputs } from "./storedState";

type Inputs = Record<string, unknown>;

export interface CheckDefinition {
  vendorOf(inputs: Inputs): unknown;
  schema(backend: AnyBackend): z.ZodType;
  checkLive(backend: AnyBackend): ((ctx: import("./context").OperationContext, spec: never) => Promise<CheckFailure[]>) | undefined;
  /** The commit queues a create of this spec will submit to: a check of a new resource announces it to them. */
  commitKeys?(backend: AnyBackend): ((spec: never) => string[]) | undefined;
  /** A membership's scope, which no other resource of the run may claim on the same servers. */
  scopeOf?(spec: Inputs): string;
  label(spec: Inputs): string;
}

/**
 * The engine looks a failure's property up among top-level inputs only and prints `value {<nil>}` for a
 * nested path; the path goes into the reason instead, so the user reads `isc.split: only the primary may set split`.
 */
function forEngine(failures: readonly CheckFailure[], redact: (text: string) => string): CheckFailure[] {
  return failures.map((f) => ({ property: "", reason: redact(f.property ? `${f.property}: ${f.reason}` : f.reason) }));
}

/**
 * Check: the vendor's schema and rules, then (when every value is known) the rules that need the live
 * servers. Read-only, so read-only credentials suffice. A server that cannot be read (connection refused,
 * wrong host key, authentication refused) fails check, naming it and the cause: a preview of a new
 * resource reads the servers nowhere else, and one that passed without reading them would vouch for
 * nothing. A new resource that passes is announced to the commit queues its create will use.
 */
export async function checkInputs(definition: CheckDefinition, news: Inputs, isNew: boolean): Promise<{ inputs: Inputs; failures?: CheckFailure[] }> {
  const vendor = definition.vendorOf(news);
  if (containsUnknown(vendor)) return { inputs: news };
  const spec = specFromInputs(news);
  const { ctx, done } = operationContext(definition.label(spec), secretValues(knownSecrets(news.secrets)));
  ctx.metrics.count("provider.check", ctx.resource);
  ctx.commits.plan();
  try {
    if (!isVendor(vendor)) {
      return { inputs: news, failures: forEngine([{ property: "vendor", reason: 'must be "isc", "kea" or "windows"' }], (t) => t) };
    }
    const backend = backendFor(vendor);
    const schema = definition.schema(backend);
    const result = validate(schema, isUnknown(news.secrets) ? withUnknownSecrets(schema, spec) : spec);
    if (!result.ok) return { inputs: news, failures: forEngine(result.failures, (t) => ctx.redactor.redact(t)) };
    if (result.partial) return { inputs: news };
    const claimed = claimFailure(definition, backend, result.value as Inputs);
    if (claimed) return { inputs: news, failures: forEngine([claimed], (t) => ctx.redactor.redact(t)) };
    const checkLive = definition.checkLive(backend);
    let failures: CheckFailure[] = [];
    try {
      failures = checkLive ? await checkLive(ctx, result.value as never) : [];
    } catch (error) {
      failures = [{ property: "", reason: unreadable((error as Error).message) }];
    }
    if (failures.length > 0) return { inputs: news, failures: forEngine(failures, (t) => ctx.redactor.redact(t)) };
    if (isNew) ctx.commits.announce(definition.commitKeys?.(backend)?.(result.value as never) ?? []);
    return { inputs: news };
  } finally {
    await done();
  }
}

function claimFailure(definition: CheckDefinition, backend: AnyBackend, spec: Inputs): CheckFailure | undefined {
  const scope = definition.scopeOf?.(spec);
  const servers = definition.commitKeys?.(backend)?.(spec as never);
  if (scope === undefined || !servers) return undefined;
  const resource = definition.label(spec);
  const other = scopeClaims.claim(resource, servers.map((server) => `${server}#${scope}`));
  if (other === undefined) return undefined;
  return {
    property: "scope",
    reason: `${scope} is claimed on the same servers by both ${other} and ${resource}: a scope belongs to one relationship. Keep one of the two memberships.`,
  };
}
