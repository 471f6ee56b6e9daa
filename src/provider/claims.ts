/**
 * Which resource of this run claimed which scope on which server. A scope belongs to one relationship: two
 * memberships of one program that put the same scope of the same server into two relationships would take
 * its pools from each other at every up, so the second one checked is refused, naming both.
 */
export class ScopeClaims {
  private readonly owners = new Map<string, string>();

  /** The resource that already holds one of these claims, if it is not `resource` itself. */
  claim(resource: string, keys: readonly string[]): string | undefined {
    for (const key of keys) {
      const owner = this.owners.get(key);
      if (owner !== undefined && owner !== resource) return owner;
    }
    for (const key of keys) this.owners.set(key, resource);
    return undefined;
  }
}

/** One per provider process, which serves one run. */
export const scopeClaims = new ScopeClaims();
