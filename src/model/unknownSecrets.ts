import type { z } from "zod";
import { resolveFor, schemaDef as def } from "./schemaShape";
import { SECRET_FIELDS } from "./secrets";
import { UNKNOWN } from "./unknown";

/**
 * During preview the engine sends the whole `secrets` input as unknown as soon as any argument is (they
 * travel as one secret value). Then every secret field the schema allows, in every object the inputs
 * hold, is unknown too: validation becomes partial (rules about those fields wait for `up`) instead of
 * finding every secret missing. A field the program set in the open keeps its value.
 */
export function withUnknownSecrets(schema: z.ZodType, value: unknown): unknown {
  const objectSchema = resolveFor(schema, value);
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
