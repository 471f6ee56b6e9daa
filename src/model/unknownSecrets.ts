import type { z } from "zod";
import { SECRET_FIELDS } from "./secrets";
import { UNKNOWN } from "./unknown";

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
  in?: z.ZodType;
  getter?: () => z.ZodType;
  values?: unknown[];
}

const def = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/**
 * During preview the engine sends the whole `secrets` input as unknown as soon as any argument is (they
 * travel as one secret value). Then every secret field the schema allows, in every object the inputs
 * hold, is unknown too: validation becomes partial (rules about those fields wait for `up`) instead of
 * finding every secret missing. A field the program set in the open keeps its value.
 */
export function withUnknownSecrets(schema: z.ZodType, value: unknown): unknown {
  const objectSchema = resolve(schema, value);
  if (Array.isArray(value)) {
    const element = objectSchema && def(objectSchema).type === "array" ? def(objectSchema).element : undefined;
    return value.map((item) => (element ? withUnknownSecrets(element, item) : item));
  }
  if (value === null || typeof value !== "object" || !objectSchema || def(objectSchema).type !== "object") return value;
  const shape = def(objectSchema).shape ?? {};
  const entries = Object.entries(value).map(([key, inner]): [string, unknown] => [key, shape[key] ? withUnknownSecrets(shape[key], inner) : inner]);
  for (const key of Object.keys(shape)) {
    if (SECRET_FIELDS.has(key) && (value as Record<string, unknown>)[key] === undefined) entries.push([key, UNKNOWN]);
  }
  // fromEntries defines own properties: a "__proto__" key stays data instead of replacing the prototype.
  return Object.fromEntries(entries);
}

/** The object or array schema that applies to `value`, through wrappers, pipes and unions. */
function resolve(schema: z.ZodType | undefined, value: unknown): z.ZodType | undefined {
  let current = schema;
  while (current) {
    const d = def(current);
    switch (d.type) {
      case "optional":
      case "nullable":
      case "default":
      case "prefault":
      case "readonly":
      case "catch":
        current = d.innerType;
        continue;
      case "pipe":
        current = d.in;
        continue;
      case "lazy":
        current = d.getter?.();
        continue;
      case "union":
        current = d.options?.find((option) => fits(option, value));
        continue;
      default:
        return current;
    }
  }
  return undefined;
}

/** Whether a union's option is the one `value` means: its discriminator literal matches, or its keys hold all of value's. */
function fits(option: z.ZodType, value: unknown): boolean {
  const target = resolve(option, value);
  if (!target) return false;
  const d = def(target);
  if (Array.isArray(value)) return d.type === "array";
  if (value === null || typeof value !== "object" || d.type !== "object") return false;
  const shape = d.shape ?? {};
  return Object.keys(value).every((key) => {
    const field = shape[key];
    if (!field) return false;
    const literal = def(field);
    return literal.type !== "literal" || (literal.values ?? []).includes((value as Record<string, unknown>)[key]);
  });
}
