import { VENDOR_SECRET_MASKS } from "../backends/secretsInText";

const MIN_SECRET_LENGTH = 4;
/** The shortest piece of a known secret that is blanked where a message cut it ("…" marks the cut). */
const MIN_CUT_LENGTH = 6;

/** Secrets any transport's text can show whatever the vendor: URL credentials, HTTP authorization, key=value passwords. */
const GENERIC_MASKS: ReadonlyArray<(text: string) => string> = [
  (text) => text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/]*:)([^\s@/]+)(@)/gi, "$1[secret]$3"),
  (text) => text.replace(/(\bauthorization\s*[:=]\s*"?(?:basic|bearer|digest)\s+)([^\s",]+)/gi, "$1[secret]"),
  (text) => text.replace(/(\b(?:password|passwd|pwd|secret)\s*=\s*)('[^']*'|"[^"]*"|[^\s;,&]+)/gi, "$1[secret]"),
];

/**
 * The one redaction every message goes through on its way to a log line, an error or an output: every
 * secret value the process has handled (declared by the program or read from a server), then every
 * secret the text itself shows by its syntax, found by each vendor's masks and the generic ones.
 * Short values are skipped: blanking "1" everywhere helps no one.
 */
export class Redactor {
  private readonly secrets = new Set<string>();

  constructor(private readonly masks: ReadonlyArray<(text: string) => string> = [...VENDOR_SECRET_MASKS, ...GENERIC_MASKS]) {}

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
    result = this.maskCutSecrets(result);
    for (const mask of this.masks) result = mask(result);
    return result;
  }

  redactError(error: unknown): Error {
    const original = error instanceof Error ? error : new Error(String(error));
    const redacted = new Error(this.redact(original.message));
    redacted.name = original.name;
    return redacted;
  }

  /** A message that shortens a long line ("…" + its end, or its start + "…") can cut a known secret in two: the piece left is blanked too. */
  private maskCutSecrets(text: string): string {
    if (!text.includes("…")) return text;
    const known = [...this.secrets];
    const isPiece = (piece: string) => piece.length >= MIN_CUT_LENGTH && known.some((secret) => secret.includes(piece));
    return text
      .replace(/…([^\s"';]+)/g, (whole, piece: string) => (isPiece(piece) ? "…[secret]" : whole))
      .replace(/([^\s"';]+)…/g, (whole, piece: string) => (isPiece(piece) ? "[secret]…" : whole));
  }
}
