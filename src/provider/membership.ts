import { managedHandlers, type ManagedKind } from "./managed";

function relationshipName(spec: Record<string, unknown>): string {
  const relationship = spec.relationship as { name?: unknown } | undefined;
  return String(relationship?.name);
}

const kind: ManagedKind = {
  typeName: "FailoverScopeMembership",
  extraOutputKeys: ["status"],
  vendorOf: (inputs) => inputs.vendor,
  schema: (backend) => backend.schemas.membership,
  ops: (backend) => backend.membership,
  describe: (spec) => `${relationshipName(spec)}/${String(spec.scope)}`,
  scopeOf: (spec) => String(spec.scope),
  id: (spec) => `${String(spec.vendor)}:${relationshipName(spec)}:${String(spec.scope)}`,
  extraOutputs: (_backend, _spec, live) => ({ status: live.status ?? {} }),
};

export const membershipHandlers = managedHandlers(kind);
