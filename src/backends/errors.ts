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
