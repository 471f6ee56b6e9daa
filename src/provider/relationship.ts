import { managedHandlers, type ManagedKind } from "./managed";

/** What a relationship outputs besides its spec and the common outputs. */
export const RELATIONSHIP_OUTPUTS = ["target", "summary", "status"] as const;

const kind: ManagedKind = {
  typeName: "FailoverRelationship",
  extraOutputKeys: RELATIONSHIP_OUTPUTS,
  vendorOf: (inputs) => inputs.vendor,
  schema: (backend) => backend.schemas.relationship,
  ops: (backend) => backend.relationship,
  describe: (spec) => String(spec.name),
  id: (spec) => `${String(spec.vendor)}:${String(spec.name)}`,
  extraOutputs: (backend, spec, live) => ({
    target: backend.relationship.target(spec),
    summary: backend.relationship.summary(spec),
    status: live.status ?? {},
  }),
};

export const relationshipHandlers = managedHandlers(kind);
