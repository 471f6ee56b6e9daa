import type { Redactor } from "./redactor";

/**
 * Provider-side messages. A dynamic provider has no engine connection for logging; the CLI passes the
 * provider's stderr through, so messages go there, one line each, redacted.
 */
export class Logger {
  constructor(private readonly redactor: Redactor) {}

  info(message: string): void {
    this.write("info", message);
  }

  warn(message: string): void {
    this.write("warning", message);
  }

  private write(level: string, message: string): void {
    const text = this.redactor.redact(message);
    process.stderr.write(`pulumi-dhcp-failover ${level}: ${text}\n`);
  }
}
