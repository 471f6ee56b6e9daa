import { z } from "zod";

/** What a ReplicationTrigger copies, Micetro's three levels: named scopes, the relationship's scopes, every scope of the server. */
export const replicationLevel = z.enum(["scope", "relationship", "server"]);

/** Any values; replication runs again whenever they change. */
export const replicationTriggers = z.array(z.json()).optional();

/**
 * The rules every vendor's trigger shares: the source is one of the relationship's servers, and a list of
 * scopes goes with level "scope" and only with it.
 */
export function refineReplication(
  spec: { source: string; level: z.output<typeof replicationLevel>; scopes?: readonly unknown[] },
  servers: readonly string[],
  ctx: z.RefinementCtx,
  serversAre = "servers",
): void {
  if (!servers.includes(spec.source)) {
    ctx.addIssue({ code: "custom", path: ["source"], message: `must be one of the relationship's ${serversAre}: ${servers.join(", ")}` });
  }
  if (spec.level === "scope" && !spec.scopes) ctx.addIssue({ code: "custom", path: ["scopes"], message: 'is required when level is "scope"' });
  if (spec.level !== "scope" && spec.scopes) ctx.addIssue({ code: "custom", path: ["scopes"], message: 'applies only when level is "scope"' });
}
