/** Base class so callers can catch every dhcpd.conf library error in one place. */
export class ConfError extends Error {
  override name = "ConfError";
}

/** Where something is in a file; line and column are 1-based. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

/** The text is not dhcpd.conf syntax. The message reads `file:line:column: expected X, found Y`. */
export class ConfParseError extends ConfError {
  override name = "ConfParseError";
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly detail: string;

  constructor(at: SourcePosition, detail: string) {
    super(`${at.file}:${at.line}:${at.column}: ${detail}`);
    this.file = at.file;
    this.line = at.line;
    this.column = at.column;
    this.detail = detail;
  }
}

/** An include could not be followed: unreadable, cyclic or nested too deep. */
export class ConfIncludeError extends ConfParseError {
  override name = "ConfIncludeError";
  readonly includePath: string;

  constructor(at: SourcePosition, includePath: string, detail: string) {
    super(at, detail);
    this.includePath = includePath;
  }
}

/** A value given to an edit cannot be written safely into dhcpd.conf. Nothing was changed. */
export class ConfValueError extends ConfError {
  override name = "ConfValueError";
  readonly what: string;
  readonly value: unknown;

  constructor(what: string, value: unknown, reason: string) {
    super(`invalid ${what} ${describeValue(value)}: ${reason}`);
    this.what = what;
    this.value = value;
  }
}

/** An edit cannot be applied to this configuration (e.g. the peer already exists). Nothing was changed. */
export class ConfEditError extends ConfError {
  override name = "ConfEditError";
}

function describeValue(value: unknown): string {
  if (typeof value !== "string") return String(value);
  const shown = value.length > 60 ? `${value.slice(0, 60)}…` : value;
  return JSON.stringify(shown);
}
