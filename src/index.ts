export type { FailoverStatus, RelationshipSummary, ServerStatus, Vendor } from "./backends/backend";
export { FailoverRelationship } from "./resources/failoverRelationship";
export { FailoverScopeMembership, type FailoverScopeMembershipArgs } from "./resources/failoverScopeMembership";
export { ReplicationTrigger, type ReplicationTriggerArgs } from "./resources/replicationTrigger";
export type { RelationshipArgs } from "./resources/args";
