import type { z } from "zod";
import type { PropertyPath } from "./paths";
import { valueAt } from "./paths";

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
  in?: z.ZodType;
  getter?: () => z.ZodType;
}

const def = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/**
 * The property names a schema allows at a path, for "did you mean" hints: zod reports unrecognized keys
 * without the allowed ones. Discriminated unions are resolved with the input's discriminator value.
 */
export function knownKeysAt(schema: z.ZodType, path: PropertyPath, input: unknown): string[] {
  let current: z.ZodType | undefined = schema;
  let depth = 0;
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
      case "union": {
        const here = valueAt(input, path.slice(0, depth)) as Record<string, unknown> | undefined;
        const chosen: z.ZodType | undefined = d.discriminator
          ? d.options?.find((option) => {
              const literal = def(objectOf(option)).shape?.[d.discriminator!];
              return literal !== undefined && (literal as unknown as { _zod: { def: { values: unknown[] } } })._zod.def.values?.includes(here?.[d.discriminator!]);
            })
          : undefined;
        current = chosen;
        continue;
      }
      case "object":
        if (depth === path.length) return Object.keys(d.shape ?? {});
        current = d.shape?.[String(path[depth])];
        depth++;
        continue;
      case "array":
        if (depth === path.length) return [];
        current = d.element;
        depth++;
        continue;
      default:
        return [];
    }
  }
  return [];
}

function objectOf(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    const d = def(current);
    if (d.type === "pipe" && d.in) current = d.in;
    else if ((d.type === "optional" || d.type === "default") && d.innerType) current = d.innerType;
    else return current;
  }
}
