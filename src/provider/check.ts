import type { z } from "zod";
import { backendFor, isVendor, type AnyBackend } from "../backends/registry";
import { knownSecrets, secretValues } from "../model/secrets";
import { containsUnknown, isUnknown } from "../model/unknown";
import { withUnknownSecrets } from "../model/unknownSecrets";
import { validate, type CheckFailure } from "../model/validate";
import { operationContext } from "./context";
import { specFromInputs } from "./storedState";

type Inputs = Record<string, unknown>;

export interface CheckDefinition {
  vendorOf(inputs: Inputs): unknown;
  schema(backend: AnyBackend): z.ZodType;
  checkLive(backend: AnyBackend): ((ctx: import("./context").OperationContext, spec: never) => Promise<CheckFailure[]>) | undefined;
  label(spec: Inputs): string;
}

/**
 * The engine looks a failure's property up among top-level inputs only and prints `value {<nil>}` for a
 * nested path; the path goes into the reason instead, so the user reads `isc.split: only the primary may set split`.
 */
function forEngine(failures: readonly CheckFailure[], redact: (text: string) => string): CheckFailure[] {
  return failures.map((f) => ({ property: "", reason: redact(`${f.property}: ${f.reason}`) }));
}

/**
 * Check: the vendor's schema and rules, then (when every value is known) the rules that need the live
 * servers. Read-only; an unreachable server does not fail check, because diff or create will say so.
 */
export async function checkInputs(definition: CheckDefinition, news: Inputs): Promise<{ inputs: Inputs; failures?: CheckFailure[] }> {
  const vendor = definition.vendorOf(news);
  if (containsUnknown(vendor)) return { inputs: news };
  const spec = specFromInputs(news);
  const { ctx, done } = operationContext(definition.label(spec), secretValues(knownSecrets(news.secrets)));
  try {
    if (!isVendor(vendor)) {
      return { inputs: news, failures: forEngine([{ property: "vendor", reason: 'must be "isc", "kea" or "windows"' }], (t) => t) };
    }
    const backend = backendFor(vendor);
    const schema = definition.schema(backend);
    const result = validate(schema, isUnknown(news.secrets) ? withUnknownSecrets(schema, spec) : spec);
    if (!result.ok) return { inputs: news, failures: forEngine(result.failures, (t) => ctx.redactor.redact(t)) };
    const checkLive = definition.checkLive(backend);
    if (result.partial || !checkLive) return { inputs: news };
    let failures: CheckFailure[] = [];
    try {
      failures = await checkLive(ctx, result.value as never);
    } catch (error) {
      ctx.log.warn(`${ctx.resource}: live checks skipped: ${ctx.redactor.redact((error as Error).message)}`);
    }
    return failures.length > 0 ? { inputs: news, failures: forEngine(failures, (t) => ctx.redactor.redact(t)) } : { inputs: news };
  } finally {
    await done();
  }
}
