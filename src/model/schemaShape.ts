import type { z } from "zod";
import type { PropertyPath } from "./paths";
import { valueAt } from "./paths";

/** The parts of a zod schema's definition that the walkers below read. */
interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  in?: z.ZodType;
  getter?: () => z.ZodType;
  values?: unknown[];
}

export const schemaDef = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;
const def = schemaDef;

/**
 * The property names a schema allows at a path, for "did you mean" hints: zod reports unrecognized keys
 * without the allowed ones. Unions are resolved with the input's own values.
 */
export function knownKeysAt(schema: z.ZodType, path: PropertyPath, input: unknown): string[] {
  let current: z.ZodType | undefined = schema;
  for (let depth = 0; ; depth++) {
    const here = resolveFor(current, valueAt(input, path.slice(0, depth)));
    if (!here) return [];
    const d = def(here);
    if (d.type === "object") {
      if (depth === path.length) return Object.keys(d.shape ?? {});
      current = d.shape?.[String(path[depth])];
    } else if (d.type === "array" && depth < path.length) {
      current = d.element;
    } else {
      return [];
    }
  }
}

/** The object or array schema that applies to `value`, through wrappers, pipes and unions. */
export function resolveFor(schema: z.ZodType | undefined, value: unknown): z.ZodType | undefined {
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

/**
 * Whether a union's option is the one `value` means: its literal fields (a discriminator) that value sets
 * all match, or, without any, value's keys are all the option's.
 */
function fits(option: z.ZodType, value: unknown): boolean {
  const target = resolveFor(option, value);
  if (!target) return false;
  const d = def(target);
  if (Array.isArray(value)) return d.type === "array";
  if (value === null || typeof value !== "object" || d.type !== "object") return false;
  const shape = d.shape ?? {};
  const given = value as Record<string, unknown>;
  const literals = Object.keys(shape).filter((key) => def(shape[key]!).type === "literal" && key in given);
  if (literals.some((key) => !(def(shape[key]!).values ?? []).includes(given[key]))) return false;
  return literals.length > 0 || Object.keys(given).every((key) => key in shape);
}
