const MIN_SECRET_LENGTH = 4;

/**
 * Remembers every secret value the process has handled and blanks it out of any text on its way to a
 * log line, an error message or an output. Short values are skipped: blanking "1" everywhere helps no one.
 */
export class Redactor {
  private readonly secrets = new Set<string>();

  remember(values: Iterable<string>): void {
    for (const value of values) {
      if (value.length < MIN_SECRET_LENGTH) continue;
      this.secrets.add(value);
      // Keys and passwords also travel base64-encoded (basic auth, encoded scripts).
      this.secrets.add(Buffer.from(value).toString("base64"));
    }
  }

  redact(text: string): string {
    let result = text;
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) {
      if (result.includes(secret)) result = result.split(secret).join("[secret]");
    }
    return result;
  }

  redactError(error: unknown): Error {
    const original = error instanceof Error ? error : new Error(String(error));
    const redacted = new Error(this.redact(original.message));
    redacted.name = original.name;
    return redacted;
  }
}
