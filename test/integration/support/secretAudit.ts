// "No secret in plaintext" checks over everything a stack's runs printed and stored. A leak is reported by
// the secret's name, the run and the offset, never by printing the secret itself.
import type { PulumiProject, RunResult } from "../../support/pulumiProject.ts";

/** A secret and the forms in which it could travel (plain, base64, inside a basic-auth header...). */
export interface SecretSpec {
  name: string;
  forms: string[];
}

/** The value, base64 of it, and as it looks inside a JSON string (a multi-line key's "\n"). */
export function secretForms(name: string, value: string): SecretSpec {
  return { name, forms: unique([value, Buffer.from(value).toString("base64"), JSON.stringify(value).slice(1, -1)]) };
}

/** A password as an HTTP client sends it: alone, or in the Authorization header's base64 "user:password". */
export function basicAuthForms(name: string, user: string, password: string): SecretSpec {
  const plain = secretForms(name, password);
  return { name, forms: unique([...plain.forms, Buffer.from(`${user}:${password}`).toString("base64")]) };
}

/**
 * A PEM or OpenSSH private key: each line of its body (any one of them found is a leak, whatever happened to
 * the line breaks around it), and key-specific parts of the whole key's base64 and JSON forms.
 */
export function privateKeyForms(name: string, pem: string): SecretSpec {
  const body = pem.split("\n").filter((line) => line.length >= 20 && !line.startsWith("-----"));
  if (body.length === 0) throw new Error(`${name}: not a PEM or OpenSSH private key`);
  const base64 = Buffer.from(pem).toString("base64");
  // The first 60 base64 characters encode the fixed "-----BEGIN ...-----" line; what follows is this key's.
  return { name, forms: unique([...body, base64.slice(60, 160), JSON.stringify(pem).slice(40, 140)]) };
}

function unique(values: string[]): string[] {
  return [...new Set(values.filter((value) => value.length >= 8))];
}

/** Collects the output of every CLI run of a stack, and what `pulumi stack export` shows at chosen moments. */
export class Transcript {
  readonly texts: Array<{ label: string; text: string }> = [];

  constructor(private readonly project: PulumiProject) {}

  async run(label: string, step: Promise<RunResult>): Promise<RunResult> {
    const result = await step;
    this.texts.push({ label, text: result.output });
    return result;
  }

  /** Plain `pulumi stack export` (no --show-secrets): what anyone with the state file sees. */
  async exportState(label: string): Promise<string> {
    const result = await this.run(`stack export ${label}`, this.project.run(["stack", "export", "--stack", this.project.stack]));
    return result.stdout;
  }

  /** Where any form of any secret occurs: "ISC OMAPI secret of isc1 in `refresh`, at 1234". */
  leaks(secrets: readonly SecretSpec[]): string[] {
    const found: string[] = [];
    for (const { label, text } of this.texts) {
      for (const secret of secrets) {
        for (const [index, form] of secret.forms.entries()) {
          const at = text.indexOf(form);
          if (at >= 0) found.push(`${secret.name} (form ${index}) in \`${label}\`, at ${at}`);
        }
      }
    }
    return found;
  }
}
