import * as pulumi from "@pulumi/pulumi";
import { splitSecrets, type SecretMap } from "../model/secrets";

/**
 * Turns a resource's arguments into the inputs the engine sees: every secret field (whatever its nesting)
 * moves into one `secrets` input marked secret, and the rest stays readable in previews and state.
 * Each top-level argument is resolved on its own, so an unknown value during preview hides only its own key.
 * The secrets travel as one flat map, the format every handler and the stored state read: during preview it
 * is unknown as soon as any argument is, and check then treats every secret field as unknown
 * (model/unknownSecrets.ts) while validating all public values; at `up` everything is known and checked.
 */
export function toWireInputs(args: Record<string, unknown>): Record<string, pulumi.Input<unknown>> {
  const wire: Record<string, pulumi.Input<unknown>> = {};
  const secretParts: Array<pulumi.Output<SecretMap>> = [];
  for (const [key, value] of Object.entries(args)) {
    if (value === undefined) continue;
    const resolved = pulumi.output(value);
    wire[key] = pulumi.unsecret(resolved.apply((v) => splitSecrets(v, [key]).public));
    secretParts.push(resolved.apply((v) => splitSecrets(v, [key]).secrets));
  }
  wire.secrets = pulumi.secret(pulumi.all(secretParts).apply((parts) => Object.assign({}, ...parts) as SecretMap));
  return wire;
}

/** Every output key must be present (as undefined) when the resource is registered, or the SDK drops it. */
export function withOutputKeys(inputs: Record<string, pulumi.Input<unknown>>, keys: readonly string[]): Record<string, pulumi.Input<unknown>> {
  const props: Record<string, pulumi.Input<unknown>> = { ...inputs };
  for (const key of keys) if (!(key in props)) props[key] = undefined as unknown as pulumi.Input<unknown>;
  return props;
}

/** Secret outputs: the connection secrets delete and refresh need, and the hashes of all other secrets. */
export const SECRET_OUTPUTS = ["secrets", "secretHashes"];
