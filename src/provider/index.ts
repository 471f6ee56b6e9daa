/**
 * The module the serialized providers require, lazily and by package name, in the provider process:
 * `require("pulumi-dhcp-failover/handlers")`. Everything a handler needs is loaded from here at call time,
 * so the provider text stored in state holds no schema, client, credential or configuration.
 */
export { membershipHandlers as membership } from "./membership";
export { relationshipHandlers as relationship } from "./relationship";
export { replicationHandlers as replication } from "./replication";
