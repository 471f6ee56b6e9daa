import type * as pulumi from "@pulumi/pulumi";

export type HandlerKind = "relationship" | "membership" | "replication";

/** Resolved in the provider process from the program's directory: the package must be installed there. */
const HANDLERS_MODULE = "pulumi-dhcp-failover/handlers";

/**
 * The provider the engine serializes into state. It captures two strings and nothing else; every call
 * requires the installed handlers, so delete and refresh of old resources run today's code (which reads
 * old state formats) and no credential or configuration is ever part of the serialized text.
 *
 * One object per kind: the SDK caches a dynamic provider's serialized text per provider object, so a new
 * object per resource would serialize the provider again for every resource of a program.
 */
export function providerFor(kind: HandlerKind): pulumi.dynamic.ResourceProvider {
  return providers[kind];
}

function handlerProvider(kind: HandlerKind): pulumi.dynamic.ResourceProvider {
  return {
    check: (olds, news) => require(HANDLERS_MODULE)[kind].check(olds, news),
    diff: (id, olds, news) => require(HANDLERS_MODULE)[kind].diff(id, olds, news),
    create: (inputs) => require(HANDLERS_MODULE)[kind].create(inputs),
    read: (id, props) => require(HANDLERS_MODULE)[kind].read(id, props),
    update: (id, olds, news) => require(HANDLERS_MODULE)[kind].update(id, olds, news),
    delete: (id, props) => require(HANDLERS_MODULE)[kind].delete(id, props),
  };
}

const providers: Record<HandlerKind, pulumi.dynamic.ResourceProvider> = {
  relationship: handlerProvider("relationship"),
  membership: handlerProvider("membership"),
  replication: handlerProvider("replication"),
};
