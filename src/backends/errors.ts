/**
 * Thrown when a change reached some servers but not all: each server is in its old or its new valid
 * configuration, and the message says which is which and what to do. The handlers record the resource
 * anyway, so that the next `pulumi up` finishes the job.
 */
export class PartialChangeError extends Error {
  constructor(
    message: string,
    readonly changedServers: string[],
    readonly unchangedServers: string[],
  ) {
    super(message);
    this.name = "PartialChangeError";
  }
}

/** A live check that could not read a server: the transport's message names the server and the cause. */
export function unreadable(message: string): string {
  return `cannot read the servers to check this program against them: ${message}\nFix the connection (address, pinned host key, credentials; read-only ones suffice), then run the command again.`;
}
